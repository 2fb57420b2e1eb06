/**
 * The signature modules import one another without a circle (type-only imports count: a circle of types is still
 * a circle a reader has to walk). description.ts and types.ts once imported each other.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FOLDER = join(ROOT, 'lambdas/core/signatures');

/** Each module's relative imports inside the folder, resolved to files. */
function importGraph(folder: string): Map<string, string[]> {
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const imported = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    const targets = imported
      .filter((i) => i.fileName.startsWith('.'))
      .map((i) => `${resolve(dirname(file), i.fileName)}.ts`)
      .filter((target) => existsSync(target));
    graph.set(file, targets);
  }
  return graph;
}

/** One circle per module that can reach itself, as the path walked (depth first). */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]): void => {
    const at = path.indexOf(file);
    if (at >= 0) return void found.push([...path.slice(at), file]);
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const file of graph.keys()) walk(file, []);
  return found;
}

describe('lambdas/core/signatures', () => {
  it('has no import circle', () => {
    const graph = importGraph(FOLDER);
    expect(graph.size).toBeGreaterThan(20);
    expect(circles(graph).map((c) => c.map((f) => relative(FOLDER, f)).join(' → '))).toEqual([]);
  });

  it('would report a circle (the check itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts']],
    ]);
    expect(circles(graph)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
