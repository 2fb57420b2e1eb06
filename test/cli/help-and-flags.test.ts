/**
 * The dispatcher's side of every command: `help <command>` prints that command's usage, and a flag the command does
 * not take, or takes otherwise, is one line of our own on stderr and exit 2, never parseArgs' text (its advice
 * about `--` is wrong inside `npm run`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command as endpoints } from '../../cli/commands/endpoints';
import { cli } from '../helpers/cli-io';

const REPO = join(import.meta.dirname, '..', '..');

describe('help', () => {
  it("help <command> prints that command's usage, as <command> --help does", async () => {
    const help = await cli('help', 'endpoints');
    const flag = await cli('endpoints', '--help');

    expect(help).toEqual({ code: 0, stdout: [endpoints.usage], stderr: [] });
    expect(flag).toEqual(help);
  });

  it('help alone lists the commands and says how to get one command’s help', async () => {
    const { code, stdout } = await cli('help');

    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/^ {2}endpoints +Add, list/m);
    expect(stdout.at(-1)).toContain('npm run cli -- help <command>');
  });

  it('help for an unknown command is one line naming the commands, exit 2', async () => {
    const { code, stdout, stderr } = await cli('help', 'nope');

    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      expect.stringMatching(/^Unknown command "nope"\. Commands: deliveries, endpoints, events, /),
    ]);
  });
});

describe('flags a command does not take', () => {
  it.each([
    [['queues', '--bogus'], 'unknown option --bogus (usage: npm run cli -- help queues)'],
    [['events', 'list', '-x'], 'unknown option -x (usage: npm run cli -- help events)'],
    [
      ['events', 'list', '--limit'],
      '--limit needs a value (one starting with "-" is written --limit=-…) (usage: npm run cli -- help events)',
    ],
    [
      ['listen', '--port', '--secret', 's'],
      '--port needs a value (one starting with "-" is written --port=-…) (usage: npm run cli -- help listen)',
    ],
    [['queues', '--json=yes'], '--json takes no value (usage: npm run cli -- help queues)'],
    [['sign', 'extra'], 'unexpected argument "extra" (usage: npm run cli -- help sign)'],
  ])('%j: one line of ours, exit 2', async (args, line) => {
    const { code, stdout, stderr } = await cli(...args);

    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([line]);
  });

  it('a renamed flag says what replaced it', async () => {
    const apiUrl = await cli('endpoints', 'list', '--tenant', 'acme', '--api-url', 'http://127.0.0.1:9');
    const status = await cli('listen', '--secret', 's', '--status', '500,200');

    expect([apiUrl.code, status.code]).toEqual([2, 2]);
    expect(apiUrl.stderr).toEqual([
      "--api-url is now --url (the stack's address, as in every command) (usage: npm run cli -- help endpoints)",
    ]);
    expect(status.stderr).toEqual([
      '--status is now --respond (the HTTP statuses to answer with) (usage: npm run cli -- help listen)',
    ]);
  });

  it('through `npm run cli`, an unknown flag is our one line on stderr and exit 2', () => {
    const run = spawnSync('npm', ['run', '--silent', 'cli', '--', 'events', 'list', '--bogus'], {
      cwd: REPO,
      encoding: 'utf8',
    });

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('unknown option --bogus (usage: npm run cli -- help events)\n');
  });
});
