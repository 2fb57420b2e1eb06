import type { CliIo } from '../../cli/command';

/** A CliIo that records every stdout and stderr line, for asserting on a command's output. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    interactive: false,
    status: () => undefined,
  };
}
