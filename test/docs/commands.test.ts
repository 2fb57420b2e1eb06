/**
 * Every command shown in the README and docs/ names something that exists, with flags it takes: `npm run <script>`
 * a script of package.json, `npm run cli -- <command>` a CLI command with its subcommand and flags (parsed by the
 * command's own flag table, as the CLI parses them), `npm start -- …` the local stack's flags, `npx <tool>` a
 * dependency's binary. Running the README's quick start is test/docs/quick-start.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../cli/command';
import { loadCommands } from '../../cli/index';
import { parseFlags } from '../../cli/lib/flags';
import { START_FLAGS } from '../../local/start-flags';
import { commandPages, pageCommands, REPO, shellCommands, type ShellCommand } from './markdown';

const scripts = new Set(
  Object.keys((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: object }).scripts),
);
let commands: Map<string, Command>;

beforeAll(async () => {
  commands = new Map((await loadCommands()).map((c) => [c.name, c]));
});

/** What is wrong with a shell command the docs show; nothing for a command that is not ours (aws, curl, kill). */
function problems(command: ShellCommand): string[] {
  const [program, ...args] = command.words;
  const at = `${command.at}: ${command.words.join(' ')}`;
  const found =
    program === 'npm'
      ? npmProblems(args)
      : program === 'npx'
        ? existsSync(join(REPO, 'node_modules', '.bin', args[0] ?? ''))
          ? []
          : [`npx ${args[0]} is not a dependency`]
        : [];
  return found.map((p) => `${at}\n  ${p}`);
}

function npmProblems(args: string[]): string[] {
  const [verb, ...rest] = args.filter((a, i) => !(i === 0 && a === '--silent'));
  if (verb === 'ci' || verb === 'link') return [];
  if (verb === 'test') return scripts.has('test') ? [] : ['package.json has no test script'];
  if (verb === 'start') return startProblems(afterDashes(rest));
  if (verb !== 'run') return [`npm ${verb}: the docs use npm ci, npm test, npm start and npm run`];
  const [script, ...more] = rest.filter((a) => a !== '--silent' && a !== '-s');
  if (!script || !scripts.has(script)) return [`npm run ${script}: package.json has no such script`];
  return script === 'cli' ? cliProblems(afterDashes(more)) : script === 'start' ? startProblems(afterDashes(more)) : [];
}

/** The arguments npm passes on to the script: those after `--`. */
function afterDashes(args: string[]): string[] {
  const i = args.indexOf('--');
  return i < 0 ? [] : args.slice(i + 1);
}

function startProblems(args: string[]): string[] {
  try {
    parseArgs({ args, options: START_FLAGS, allowPositionals: false, strict: true });
    return [];
  } catch (error) {
    return [`npm start: ${(error as Error).message}`];
  }
}

function cliProblems(args: string[]): string[] {
  const [name, ...rest] = args;
  if (name === undefined) return ['npm run cli without a command'];
  if (name === 'help' || name === '--help')
    return rest[0] === undefined || rest[0] === '<command>' || commands.has(rest[0])
      ? []
      : [`help ${rest[0]}: no such command`];
  const command = commands.get(name);
  if (!command) return [`${name}: no such command (${[...commands.keys()].join(', ')})`];
  if (rest.includes('--help') || rest.includes('-h')) return [];
  const subcommands = subcommandsOf(command);
  const first = rest[0];
  if (subcommands.size > 0 && first !== undefined && !first.startsWith('-') && !subcommands.has(first))
    return [`${name} ${first}: not a subcommand (${[...subcommands].join(', ')})`];
  try {
    parseFlags(rest, command.flags);
    return [];
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  }
}

/**
 * The literal subcommands the usage lines of a command show (`endpoints add`, `disable|enable`), none for
 * `send <source>`. The usage lines are the first paragraph that names the command; examples further down are not.
 */
function subcommandsOf(command: Command): Set<string> {
  const paragraph = command.usage.split(/\n\s*\n/).find((p) => p.includes(`cli -- ${command.name}`)) ?? '';
  const words = [...paragraph.matchAll(new RegExp(`cli -- ${command.name} ([a-z][a-z|-]*)(?=\\s|$)`, 'gm'))];
  return new Set(words.flatMap((m) => m[1]!.split('|')));
}

function check(snippet: string): string[] {
  return shellCommands(snippet, (line) => `snippet:${line}`).flatMap(problems);
}

describe('the commands the docs show', () => {
  it.each(commandPages())(
    '%s: every npm, npm run cli, npm start and npx command exists, with flags it takes',
    (page) => {
      expect(pageCommands(page).flatMap(problems)).toEqual([]);
    },
  );
});

describe('the check of a shown command', () => {
  it('accepts commands as the docs write them: placeholders, quotes, continuations, loops and pipes', () => {
    expect(
      check(`for i in 1 2; do npm run cli -- messages send --tenant ops --type a.b --data "{\\"n\\":$i}"; done
npm run --silent cli -- sign --scheme stripe --secret 'whsec_…' \\
  --body-file examples/stripe.json --curl http://127.0.0.1:3000/webhooks/stripe | sh
until npm run --silent cli -- queues > /dev/null 2>&1; do sleep 0.5; done
npm run cli -- endpoints show <id> --tenant T --json
npm run cli -- deliveries show <delivery id>
npm start -- --fail-rate github=1 --visibility-timeout 2s
npx cdk synth --quiet`),
    ).toEqual([]);
  });

  it('reports a command the CLI does not have', () => {
    expect(check('npm run cli -- sned stripe')).toEqual([expect.stringContaining('sned: no such command')]);
  });

  it('reports a flag the command does not take, and a flag without its value', () => {
    expect(check('npm run cli -- endpoints add --tenant acme --url http://127.0.0.1:4000/hooks --events')).toEqual([
      expect.stringMatching(/--events needs a value/),
    ]);
    expect(check('npm run cli -- listen --status 503 --secret x')).toEqual([expect.stringContaining('--status')]);
  });

  it('reports a subcommand the command does not have', () => {
    expect(check('npm run cli -- endpoints remove ep_1 --tenant acme')).toEqual([
      expect.stringContaining('endpoints remove: not a subcommand'),
    ]);
  });

  it('reports a script package.json does not have, and a flag npm start does not take', () => {
    expect(check('npm run bench:everything')).toEqual([expect.stringContaining('no such script')]);
    expect(check('npm start -- --fail github=1')).toEqual([expect.stringContaining("Unknown option '--fail'")]);
  });

  it('reports a tool that is not a dependency', () => {
    expect(check('npx prettier --check .')).toEqual([expect.stringContaining('npx prettier is not a dependency')]);
  });
});
