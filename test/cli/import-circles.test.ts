/**
 * No import circles in cli/: a module never reaches itself through its imports (conventions: move the shared
 * type down instead). Regression: explain.ts, explain-causes.ts and explain-content.ts imported each other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** The files under the scanned folder that `file` imports (relative imports only; a type import counts too). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name))
    .flatMap((base) => [`${base}.ts`, base, join(base, 'index.ts')].filter((f) => known.has(f)).slice(0, 1));
}

/** Every circle, each as the path of files that closes it. */
function importCircles(dir: string): string[][] {
  const files = sourceFiles(dir);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, known)]));
  const circles: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) return void circles.push([...path.slice(at), file].map((f) => relative(ROOT, f)));
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const f of files) walk(f, []);
  return circles;
}

describe('import circles', () => {
  it('cli/ has none', () => {
    expect(importCircles(join(ROOT, 'cli'))).toEqual([]);
  });

  it('finds one when there is one (the check itself works)', () => {
    expect(importCircles(join(ROOT, 'test', 'cli', 'fixtures', 'circle'))).toEqual([
      ['test/cli/fixtures/circle/a.ts', 'test/cli/fixtures/circle/b.ts', 'test/cli/fixtures/circle/a.ts'],
    ]);
  });
});
