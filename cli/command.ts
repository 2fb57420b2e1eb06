/**
 * The shape of a CLI command. Each command is one file in `cli/commands/` exporting `command`;
 * `cli/index.ts` finds them by file name, so adding a command never touches another file.
 *
 * @example
 * // cli/commands/hello.ts
 * export const command: Command = {
 *   name: 'hello',
 *   summary: 'Say hello',
 *   usage: 'hello [name]',
 *   async run(args, io) { io.out(`hello ${args[0] ?? 'world'}`); return 0; },
 * };
 */
export interface CliIo {
  /** A line to stdout. */
  out(line: string): void;
  /** A line to stderr. */
  err(line: string): void;
  /** Whether stderr is a terminal (progress bars, colour). */
  readonly interactive: boolean;
  /** Rewrites the current stderr line (a progress bar); a no-op when not interactive. */
  status(line: string): void;
  /** Raw bytes to stdout, exactly (`events show --payload`). @default out() of their UTF-8 text */
  write?(bytes: Uint8Array): void;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text, shown by `<command> --help` and on a usage error. */
  readonly usage: string;
  /** Runs the command; resolves with the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
