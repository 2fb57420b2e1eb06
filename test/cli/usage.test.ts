/**
 * Every usage text describes every flag its command takes, and says what a flag that takes a value does when it
 * is left out: its default, or that it is required. Regression: `listen` bound port 4000 without --port and its
 * usage did not say so. The same holds for `npm start -- --help`, the local stack's flags.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../cli/command';
import { loadCommands } from '../../cli/index';

const REPO = join(import.meta.dirname, '..', '..');
const commands: Command[] = await loadCommands();

/**
 * The entries that describe `--flag`: each line starting with the flag (or with `--other X, --flag X`), with the
 * lines under it indented deeper. A synopsis line can start with a flag too, so there may be more than one.
 */
function entries(usage: string, flag: string): string[] {
  const lines = usage.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  return lines.flatMap((line, at) => {
    if (!new RegExp(`^\\s+(--[a-z-]+ \\S+, )?--${flag}(?![a-z-])`).test(line)) return [];
    const rest = lines.slice(at + 1);
    const end = rest.findIndex((l) => indent(l) <= indent(line) || l.trimStart().startsWith('--'));
    return [[line, ...rest.slice(0, end < 0 ? undefined : end)].join('\n')];
  });
}

/** What a reader needs from a value flag's entry: what happens without it. */
const SAYS_DEFAULT = /\b(default|required)\b/;
const saysDefault = (usage: string, flag: string) => entries(usage, flag).some((e) => SAYS_DEFAULT.test(e));

describe('usage texts', () => {
  it('finds the commands', () => {
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['endpoints', 'listen', 'send', 'verify']));
  });

  describe.each(commands.map((c) => [c.name, c] as const))('%s', (_, command) => {
    it('mentions every flag it takes', () => {
      const missing = Object.keys(command.flags).filter((f) => !new RegExp(`--${f}(?![a-z-])`).test(command.usage));
      expect(missing).toEqual([]);
    });

    it('describes each flag that takes a value in its own entry, with its default or "required"', () => {
      const undocumented = Object.entries(command.flags)
        .filter(([, f]) => f.type === 'string')
        .map(([name]) => name)
        .filter((name) => !saysDefault(command.usage, name));
      expect(undocumented).toEqual([]);
    });
  });

  it('listen says which port it binds without --port', () => {
    const listen = commands.find((c) => c.name === 'listen')!;
    expect(entries(listen.usage, 'port').join('\n')).toMatch(/default 4000/);
  });
});

describe('npm start -- --help', () => {
  it("prints the local stack's flags, each that takes a value with its default", () => {
    const run = spawnSync('npm', ['start', '--silent', '--', '--help'], { cwd: REPO, encoding: 'utf8' });

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm start/m);
    const valueFlags = [...run.stdout.matchAll(/^ {2}--([a-z-]+) [A-Z]/gm)].map((m) => m[1]!);
    expect(valueFlags).toEqual(expect.arrayContaining(['port', 'forward', 'data-dir', 'fail-rate', 'slow']));
    expect(valueFlags.filter((f) => !saysDefault(run.stdout, f))).toEqual([]);
  });
});
