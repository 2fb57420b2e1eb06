/**
 * No import circles (CONVENTIONS: move the shared type down instead). Reads the relative imports of every
 * TypeScript file under the given folders, type-only ones included, and reports each circle among them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/constructs/webhook-function';

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return typescriptFiles(file);
    return name.endsWith('.ts') ? [file] : [];
  });
}

/** The repository's TypeScript files that `file` imports or re-exports from. */
function importsOf(file: string): string[] {
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']*)'/gm)];
  return specifiers
    .map(([, specifier]) => path.resolve(path.dirname(file), specifier!))
    .flatMap((target) => [`${target}.ts`, path.join(target, 'index.ts')].filter(existsSync).slice(0, 1));
}

/** Each circle in `graph` (file → the files it imports), as the files along it. */
function cyclesIn(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, trail: readonly string[]): void => {
    const at = trail.indexOf(file);
    if (at >= 0) cycles.push(trail.slice(at));
    if (at >= 0 || done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

function importCycles(folders: readonly string[]): string[][] {
  const files = folders.flatMap((folder) => typescriptFiles(path.join(REPO_ROOT, folder)));
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  return cyclesIn(graph).map((cycle) => cycle.map((file) => path.relative(REPO_ROOT, file)));
}

describe('import circles', () => {
  it('are found through any number of files, and only once each (the check itself)', () => {
    const graph = new Map([
      ['schema', ['checks', 'shared']],
      ['checks', ['policy', 'shared']],
      ['policy', ['schema']],
      ['shared', []],
    ]);
    expect(cyclesIn(graph)).toEqual([['schema', 'checks', 'policy']]);
    expect(cyclesIn(new Map([...graph, ['policy', ['shared']]]))).toEqual([]);
  });

  it('has none in the app: bin, config, lib, lambdas, local, bench', () => {
    // lib/config-schema.ts, config-checks.ts and filter-policy.ts once formed one; outbound had four.
    expect(importCycles(['bin', 'config', 'lib', 'lambdas', 'local', 'bench'])).toEqual([]);
  });

  it('reads type-only imports and re-exports as imports', () => {
    // lib/config.ts re-exports the config types from config-schema.ts, and imports them as types.
    expect(importsOf(path.join(REPO_ROOT, 'lib/config.ts'))).toContain(path.join(REPO_ROOT, 'lib/config-schema.ts'));
  });
});
