/**
 * `bench:coldstart`'s one sample: a bundle loaded in a fresh Node process with only the environment Lambda would set,
 * timed in wall-clock and in the process's CPU (which other jobs' load inflates far less).
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

// Wall time, and the process's CPU time over the same span (which other jobs' load inflates far less).
const LOADER =
  'const c = process.cpuUsage(); const t = performance.now(); await import(process.argv[1]); const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(`${w} ${(u.user + u.system) / 1000}`);';

export function loadMs(file: string, env: Record<string, string>): [wall: number, cpu: number] {
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', LOADER, pathToFileURL(file).href], {
    // A clean environment: only PATH and what Lambda would set, so no tsx or npm flag leaks in.
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`loading ${file} failed:\n${out.stderr}`);
  const [wall, cpu] = out.stdout.split(' ').map(Number);
  return [wall!, cpu!];
}
