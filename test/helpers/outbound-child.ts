/**
 * A disk-backed local stack in a child process (test/local/fixtures/outbound-stack-child.ts), for the tests that
 * kill it (SIGKILL) at a chosen moment: its URL, its log lines as they come, and a kill that waits for the exit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OutboundOptions } from '../../local/outbound';

export interface LogLine {
  readonly message: string;
  readonly extra: unknown[];
}

export interface OutboundChild {
  readonly url: string;
  /** Every log line the child wrote so far. */
  readonly lines: LogLine[];
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

export async function startOutboundChild(dataDir: string, options: OutboundOptions = {}): Promise<OutboundChild> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('../local/fixtures/outbound-stack-child.ts', import.meta.url)),
      dataDir,
      JSON.stringify(options),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const lines: LogLine[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const text of parts) {
        if (text.startsWith('READY ')) resolve(text.slice(6));
        else if (text.startsWith('{')) lines.push(JSON.parse(text) as LogLine);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return {
    url,
    lines,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
