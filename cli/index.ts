/**
 * The `webhooks` CLI: a small dispatcher. Every file in `cli/commands/` that exports `command` is a
 * command named after it (`send.ts` → `send`), so new commands are added without editing this file.
 *
 *   npm run cli -- <command> [args]      e.g. npm run cli -- send stripe
 *   npm run cli -- help                  lists the commands
 *   npm run cli -- help <command>        that command's usage (also: <command> --help)
 *
 * A usage error is one line on stderr and exit 2; any other failure exit 1. Under `--json` either is
 * `{"error":{"code","message"}}` on stderr.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDotEnv } from '../local/secrets';
import { CommandError, UsageError, type CliIo, type Command } from './command';
import { exitWhenFlushed } from './lib/exit';
import { terminalSafe } from './lib/output';

const COMMANDS_DIR = fileURLToPath(new URL('./commands/', import.meta.url));
const NAME = /^[a-z][a-z0-9-]*$/;

function commandFiles(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !/\.(d|test|spec)\.[a-z]+$/.test(f))
    .map((f) => f.replace(/\.(ts|js|mjs)$/, ''))
    .filter((n) => NAME.test(n))
    .sort();
}

async function load(name: string): Promise<Command | undefined> {
  if (!NAME.test(name) || !commandFiles().includes(name)) return undefined;
  const mod = (await import(`./commands/${name}`)) as { command?: Command };
  return mod.command;
}

export function terminalIo(): CliIo {
  const interactive = Boolean(process.stderr.isTTY);
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    write: (bytes) => process.stdout.write(bytes),
    interactive,
    status: (line) => {
      if (interactive) process.stderr.write(`\r\x1b[2K${line}`);
    },
  };
}

/** Every command, in name order. */
export async function loadCommands(): Promise<Command[]> {
  const all = await Promise.all(commandFiles().map(load));
  return all.filter((c): c is Command => c !== undefined);
}

async function help(io: CliIo): Promise<void> {
  io.out('Usage: npm run cli -- <command> [options]\n\nCommands:');
  for (const command of await loadCommands()) io.out(`  ${command.name.padEnd(10)} ${command.summary}`);
  io.out("\nRun `npm run cli -- help <command>` for a command's options and their defaults.");
}

export async function runCli(argv: readonly string[], io: CliIo = terminalIo()): Promise<number> {
  const [first, ...rest] = argv;
  const asksHelp = first === 'help' || first === '--help' || first === '-h';
  const [name, ...args] = asksHelp && rest.length > 0 ? rest : argv;
  if (name === undefined || (asksHelp && rest.length === 0)) {
    await help(io);
    return name === undefined ? 2 : 0;
  }
  const command = await load(name);
  if (!command) {
    io.err(`Unknown command "${name}". Commands: ${commandFiles().join(', ')}.`);
    return 2;
  }
  if (asksHelp || args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    return reportError(error, name, wantsJson(args), io);
  }
}

/** Whether `--json` was given (before a `--`, after which nothing is a flag). */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** Prints a failure (one line, or JSON on stderr under --json) and returns its exit code: 2 for usage, else 1. */
function reportError(error: unknown, name: string, json: boolean, io: CliIo): number {
  // The API's messages can quote what a request carried: escaped like any text from outside.
  const message = terminalSafe(error instanceof Error ? error.message : String(error));
  const usage = error instanceof UsageError;
  // A CommandError, the outbound API's ApiError, a Node system error: each carries a code a script can test.
  const own = (error as { code?: unknown }).code;
  const code = usage ? 'usage' : typeof own === 'string' ? own : 'failed';
  if (json) io.err(JSON.stringify({ error: { code, message } }));
  else if (usage) io.err(`${message} (usage: npm run cli -- help ${name})`);
  else if (error instanceof CommandError) io.err(message);
  else io.err(`${name} failed: ${message}`);
  return usage ? 2 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  loadDotEnv();
  // A reader that left early (`| head`): the rest of the output has nowhere to go, so stop quietly, as `cat` does.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  runCli(process.argv.slice(2)).then(exitWhenFlushed);
}
