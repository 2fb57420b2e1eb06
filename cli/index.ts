/**
 * The `webhooks` CLI: a small dispatcher. Every file in `cli/commands/` that exports `command` is a
 * command named after it (`send.ts` → `send`), so new commands are added without editing this file.
 *
 *   npm run cli -- <command> [args]      e.g. npm run cli -- send stripe
 *   npm run cli -- help                  lists the commands
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDotEnv } from '../local/secrets';
import { UsageError, type CliIo, type Command } from './command';
import { exitWhenFlushed } from './lib/exit';

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

async function help(io: CliIo): Promise<void> {
  io.out('Usage: npm run cli -- <command> [options]\n\nCommands:');
  for (const name of commandFiles()) {
    const command = await load(name);
    if (command) io.out(`  ${command.name.padEnd(10)} ${command.summary}`);
  }
  io.out("\nRun `npm run cli -- <command> --help` for a command's options.");
}

export async function runCli(argv: readonly string[], io: CliIo = terminalIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    await help(io);
    return name === undefined ? 2 : 0;
  }
  const command = await load(name);
  if (!command) {
    io.err(`Unknown command "${name}".`);
    await help(io);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${error instanceof Error ? error.message : String(error)}\n\n${command.usage}`);
      return 2;
    }
    io.err(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
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
