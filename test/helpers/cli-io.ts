import type { CliIo } from '../../cli/command';

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
