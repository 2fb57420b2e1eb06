/** The header every benchmark prints first, so a committed result says where and when it was taken. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';

/** Writes a run's report to bench/results/<name>-<date>.txt (the date of the run, UTC); returns the file's path. */
export function saveResult(name: string, text: string): string {
  const dir = join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().slice(0, 10)}.txt`);
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  return file;
}

function lscpuModel(): string {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8' });
    return /^Model name:\s*(.+)$/m.exec(out)?.[1]?.trim() ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

export function machineHeader(title: string): string {
  return [
    `# ${title}`,
    `# date: ${new Date().toISOString()}`,
    `# machine: nproc=${os.availableParallelism()}, cpu="${lscpuModel()}", ${os.platform()} ${os.release()} ${os.arch()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `# node: ${process.version}; load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (the machine may be shared)`,
  ].join('\n');
}
