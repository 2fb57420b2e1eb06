/**
 * `<dataDir>/stack.json`: written by a running `npm start`, so the CLI finds the stack's URL and its
 * store, and a second `npm start` on the same data refuses to start. Removed on a clean stop; a file
 * left by a crashed process is ignored because its pid is gone.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_DATA_DIR = '.local-data';

export interface StackState {
  readonly pid: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly startedAt: string;
}

const FILE = 'stack.json';

export function writeStackState(dataDir: string, state: StackState): void {
  const path = join(dataDir, FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The running stack's state, or undefined when none is running on this data directory. */
export function readStackState(dataDir: string): StackState | undefined {
  let state: StackState;
  try {
    state = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
  return typeof state.pid === 'number' && isAlive(state.pid) ? state : undefined;
}

export function removeStackState(dataDir: string, pid = process.pid): void {
  const path = join(dataDir, FILE);
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as StackState;
    if (state.pid !== pid) return;
  } catch {
    return;
  }
  rmSync(path, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
