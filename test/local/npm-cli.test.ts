/**
 * A long-running CLI command (`listen`) started through npm and stopped by the pid the caller holds (npm's)
 * exits and frees its port: npm runs the CLI with `exec`, so the signal reaches node, not a shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../e2e/helpers';

const REPO = join(import.meta.dirname, '..', '..');
let npm: ChildProcess | undefined;
afterEach(() => {
  if (npm?.pid !== undefined && npm.exitCode === null) npm.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm run cli -- listen, stopped by the pid npm runs as', () => {
  it('SIGTERM to npm stops the listener and frees its port (no orphan keeps it)', { timeout: 40_000 }, async () => {
    const port = await freePort();
    let output = '';
    npm = spawn(
      'npm',
      [
        'run',
        '--silent',
        'cli',
        '--',
        'listen',
        '--port',
        String(port),
        '--secret',
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await waitFor('the listener to be up', () => (output.includes('Listening on') ? true : undefined), 20_000);
    expect(await answers(port)).toBe(true);

    npm.kill('SIGTERM');
    await waitFor('npm to exit', () => (npm!.exitCode !== null || npm!.signalCode !== null ? true : undefined), 10_000);

    await waitFor('the port to be free', async () => ((await answers(port)) ? undefined : true), 5_000);
  });
});
