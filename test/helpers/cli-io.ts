import type { CliIo } from '../../cli/command';
import { runCli } from '../../cli/index';

/** A CliIo that records every stdout and stderr line, for asserting on a command's output. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[]; bytes: Uint8Array[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const bytes: Uint8Array[] = [];
  return {
    stdout,
    stderr,
    bytes,
    write: (b) => bytes.push(b),
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    interactive: false,
    status: () => undefined,
  };
}

/** Runs a CLI command line through the dispatcher, as `npm run cli -- …` would, and returns what it printed. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
