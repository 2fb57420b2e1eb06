/**
 * The shape of a CLI command. Each command is one file in `cli/commands/` exporting `command`;
 * `cli/index.ts` finds them by file name, so adding a command never touches another file.
 *
 * @example
 * // cli/commands/hello.ts
 * const FLAGS = { loud: { type: 'boolean' } } as const;
 * export const command: Command = {
 *   name: 'hello',
 *   summary: 'Say hello',
 *   usage: 'Usage: npm run cli -- hello [name] [--loud]\n\nOptions:\n  --loud  shout',
 *   flags: FLAGS,
 *   async run(args, io) {
 *     const { values, positionals } = parseFlags(args, FLAGS);
 *     io.out(`hello ${positionals[0] ?? 'world'}${values.loud ? '!' : ''}`);
 *     return 0;
 *   },
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

/** The flags a command takes, as `node:util` parseArgs reads them (cli/lib/flags.ts parses them). */
export type Flags = Readonly<
  Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string }>
>;

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text, shown by `help <command>` and `<command> --help`: every flag, with its default. */
  readonly usage: string;
  /** Every flag the command takes (test/cli/usage.test.ts checks that `usage` describes each). */
  readonly flags: Flags;
  /** Runs the command; resolves with the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in how the command was called: one line naming it, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A failure the command explains in its own words (printed as it is), exit code 1. `code` names it for a
 * script: under `--json` the CLI prints `{"error":{"code","message"}}` on stderr.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
