/**
 * The README's CLI help is there and runs as written (`npm start -- --help`, `npm run cli -- help <command>`), and
 * whatever a README script writes into the checkout is git-ignored, so following the README leaves `git status`
 * clean. Regression: `npm start -- --quiet > stack.log` left stack.log untracked.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

/** The README's help commands, in inline code or code blocks (`<command>` stands for one: endpoints). */
const helpCommands = [
  ...new Set(
    [...README.matchAll(/npm (?:start -- --help|run cli -- help(?: <command>| [a-z-]+)?)(?=[`\s])/g)].map((m) =>
      m[0].replace('<command>', 'endpoints'),
    ),
  ),
];

/** Files the README's shell lines redirect output into (`> stack.log`), other than /dev/null. */
const written = [
  ...new Set(
    [...README.matchAll(/```bash\n([\s\S]*?)```/g)]
      .flatMap(([, block]) => block!.split('\n'))
      // A redirection is a shell word: after a space, outside a comment; `<id>`-style placeholders are not.
      .map((line) => line.replace(/\s#.*$/, '').replace(/<[^>\s]+>/g, ''))
      .flatMap((line) => [...line.matchAll(/ [12]?>>? *([^\s&|;]+)/g)].map((m) => m[1]!))
      .filter((target) => !target.startsWith('/dev/')),
  ),
];

describe('the README', () => {
  it('shows how to list the flags of the local stack and of each CLI command', () => {
    expect(helpCommands).toEqual(
      expect.arrayContaining(['npm start -- --help', 'npm run cli -- help', 'npm run cli -- help endpoints']),
    );
  });

  it.each(helpCommands)('`%s` runs as written and prints a usage', (command) => {
    const run = spawnSync('sh', ['-c', command.replace(/^npm (start|run)/, 'npm $1 --silent')], {
      cwd: REPO,
      encoding: 'utf8',
    });

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage/m);
  });

  it('redirects output only into git-ignored files', () => {
    expect(written).toContain('stack.log');
    const tracked = written.filter(
      (file) => spawnSync('git', ['check-ignore', '-q', file], { cwd: REPO }).status !== 0,
    );
    expect(tracked).toEqual([]);
  });
});
