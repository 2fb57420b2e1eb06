/**
 * `npm start` under a supervisor: stopping it by the pid the caller holds (npm's) drains and exits
 * like Ctrl-C and frees the port, and a stack whose parent died does not keep running.
 * Each test spawns the real `npm start` on a free port and a temporary data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStackState, type StackState } from '../../local/state-file';
import { waitFor } from '../e2e/helpers';

const REPO = join(import.meta.dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let dir: string;
let npm: ChildProcess | undefined;
let stackPid: number | undefined;
afterEach(() => {
  for (const pid of [npm?.pid, stackPid]) if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  npm = undefined;
  stackPid = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function npmStart(): Promise<{
  npm: ChildProcess;
  stack: StackState;
  output: () => string;
  closed: Promise<unknown>;
}> {
  dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  let output = '';
  npm = spawn(NPM, ['start', '--', '--port', '0', '--data-dir', dir, '--quiet'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const child = npm;
  const closed = new Promise((r) => child.once('close', r));
  npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const stack = await waitFor(
    'npm start to be listening',
    () => (output.includes('listening on') ? readStackState(dir) : undefined),
    40_000,
  );
  stackPid = stack.pid;
  expect(stack.pid).not.toBe(npm.pid);
  return { npm, stack, output: () => output, closed };
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return false;
  } catch {
    return true;
  }
}

describe('npm start, stopped by the pid npm runs as', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s drains, exits and frees the port', async (signal) => {
    const { npm, stack, output, closed } = await npmStart();
    expect(await refused(stack.url)).toBe(false);

    npm.kill(signal);

    await waitFor('the stack process to exit', () => !alive(stack.pid), 20_000);
    // The process can be gone before its last lines are read from the pipe: wait for npm's streams to close.
    await closed;
    expect(output()).toContain(`${signal}: draining in-flight work`);
    expect(output()).toContain('Stopped cleanly');
    expect(await refused(stack.url)).toBe(true);
    expect(readStackState(dir)).toBeUndefined();
  });

  it('a stack whose npm was killed (SIGKILL) drains and exits on its own', async () => {
    const { npm, stack } = await npmStart();

    npm.kill('SIGKILL');

    await waitFor('the orphaned stack process to exit', () => !alive(stack.pid), 20_000);
    expect(await refused(stack.url)).toBe(true);
    expect(readStackState(dir)).toBeUndefined();
  });
});
