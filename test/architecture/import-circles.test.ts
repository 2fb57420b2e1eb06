/**
 * No import circles in the app's code: a module never reaches itself through its imports (conventions: move the
 * shared type down instead). Regressions: lib/config-schema.ts, config-checks.ts and filter-policy.ts imported each
 * other; so did cli/'s explain modules, and four pairs in lambdas/core/outbound.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
/** Every folder of code that ships or runs: the app, its functions, the local stack, the CLI, the benchmarks. */
const APP_FOLDERS = ['bin', 'config', 'lib', 'lambdas', 'local', 'cli', 'bench', 'web'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** The scanned files that `file` imports (relative imports only; a type import and a re-export count too). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name))
    .flatMap((base) => [`${base}.ts`, base, join(base, 'index.ts')].filter((f) => known.has(f)).slice(0, 1));
}

/** Every circle among the files under `dirs`, each as the path of files that closes it. */
function importCircles(...dirs: string[]): string[][] {
  const files = dirs.flatMap((dir) => sourceFiles(join(ROOT, dir)));
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
  it(`the app has none (${APP_FOLDERS.join(', ')})`, () => {
    expect(importCircles(...APP_FOLDERS)).toEqual([]);
  });

  it('finds one when there is one (the check itself works)', () => {
    expect(importCircles('test/architecture/fixtures/circle')).toEqual([
      [
        'test/architecture/fixtures/circle/a.ts',
        'test/architecture/fixtures/circle/b.ts',
        'test/architecture/fixtures/circle/a.ts',
      ],
    ]);
  });

  it('counts a type-only import as an import', () => {
    // lib/filter-policy.ts imports only the type SubscriptionConfig from config-schema.ts.
    const lib = new Set(sourceFiles(join(ROOT, 'lib')));
    expect(importsOf(join(ROOT, 'lib/filter-policy.ts'), lib)).toContain(join(ROOT, 'lib/config-schema.ts'));
  });
});
