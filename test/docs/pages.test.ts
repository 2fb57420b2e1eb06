/**
 * The pages hold together: every link and anchor resolves, every repository path a page names exists, docs/README.md
 * lists every page and decision record, docs/signatures.md has a row per registered scheme, the help commands the
 * README names run, and whatever a shown command writes into the checkout is git-ignored (so following the docs
 * leaves `git status` clean; regression: `npm start -- --quiet > stack.log` left stack.log untracked).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEME_NAMES } from '../../lambdas/core/signatures/index';
import {
  allPages,
  anchors,
  codeFileNames,
  commandPages,
  localLinks,
  pageCommands,
  readPage,
  repoPaths,
  REPO,
  type Link,
} from './markdown';

/** 0004 is superseded: it describes the prepared-key HMAC that 0008 removed, files included. */
const SUPERSEDED = 'docs/decisions/0004-hmac-speed.md';
const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: REPO,
  encoding: 'utf8',
}).stdout.split('\n');

/** Paths from the repository root a page names that do not exist. */
function missingPaths(page: string, markdown?: string): string[] {
  return repoPaths(page, markdown)
    .filter(({ target }) => !existsSync(join(REPO, target)))
    .map(({ target, at }) => `${at}: ${target}`);
}

/** File names in a page's inline code that no file in the repository ends with. */
function unknownFileNames(page: string, markdown?: string): string[] {
  return codeFileNames(page, markdown)
    .filter(({ target }) => !files.some((f) => f === target || f.endsWith(`/${target}`)))
    .map(({ target, at }) => `${at}: ${target}`);
}

/** Links that do not resolve: a missing file, or an anchor no heading of the target page has. */
function brokenLinks(page: string, links: readonly Link[]): string[] {
  return links.flatMap(({ target, at }) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path === '' ? page : normalize(join(dirname(page), decodeURI(path)));
    if (!existsSync(join(REPO, file))) return [`${at}: ${target} does not exist`];
    if (anchor === undefined || !file.endsWith('.md')) return [];
    return anchors(readPage(file)).has(anchor) ? [] : [`${at}: ${file} has no heading #${anchor}`];
  });
}

describe('every page', () => {
  it.each(allPages())('%s: links and anchors resolve', (page) => {
    expect(brokenLinks(page, localLinks(page))).toEqual([]);
  });

  it.each(allPages().filter((p) => p !== SUPERSEDED))(
    '%s: every path from the repository root it names exists',
    (page) => {
      expect(missingPaths(page)).toEqual([]);
    },
  );
});

describe('every page', () => {
  it.each(allPages().filter((p) => p !== SUPERSEDED))(
    '%s: every file name in inline code is the end of a file in the repository',
    (page) => {
      expect(unknownFileNames(page)).toEqual([]);
    },
  );
});

describe('the checks of a page', () => {
  it('find a missing file and a missing anchor', () => {
    expect(
      brokenLinks('docs/README.md', [
        { target: 'outbound-design.md', at: 'x:1' },
        { target: 'outbound.md#signing-formats', at: 'x:2' },
        { target: 'outbound.md#no-such-heading', at: 'x:3' },
        { target: '../CONTRIBUTING.md#recipe-add-a-config-field', at: 'x:4' },
      ]),
    ).toEqual(['x:1: outbound-design.md does not exist', 'x:3: docs/outbound.md has no heading #no-such-heading']);
  });

  it('find a path that is gone and a file name no file ends with, but not a placeholder or a pattern', () => {
    const page = [
      'Routes live in `lambdas/processor/routes.ts` and `config/routes.ts`; the gate in `admission.ts`,',
      'now `admission/gate.ts`; a scheme in `lambdas/core/signatures/schemes/<name>.ts`, results in',
      'bench/results/load-*.txt and a record in `docs/decisions/NNNN-title.md`.',
    ].join('\n');

    expect(missingPaths('x.md', page)).toEqual(['x.md:1: lambdas/processor/routes.ts']);
    expect(unknownFileNames('x.md', page)).toEqual(['x.md:1: lambdas/processor/routes.ts', 'x.md:1: admission.ts']);
  });

  it('give a heading the anchor GitHub gives it', () => {
    expect(
      anchors('# Top\n## Relays: `config/relays.ts`\n## Quick start (five minutes, no AWS account)\n## Top'),
    ).toEqual(new Set(['top', 'relays-configrelaysts', 'quick-start-five-minutes-no-aws-account', 'top-1']));
  });
});

describe('docs/README.md', () => {
  const index = readPage('docs/README.md');

  it('links every page of docs/ and every decision record', () => {
    const pages = readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    const decisions = readdirSync(join(REPO, 'docs', 'decisions')).map((f) => `decisions/${f}`);
    expect([...pages, ...decisions].filter((p) => !index.includes(`](${p})`))).toEqual([]);
  });
});

describe('docs/signatures.md', () => {
  it('has a row for every registered scheme', () => {
    const page = readPage('docs/signatures.md');
    expect(SCHEME_NAMES.filter((name) => !new RegExp(`\\n\\| \`${name}\`[ |]`).test(page))).toEqual([]);
  });
});

describe('the README', () => {
  const readme = readPage('README.md');
  /** The README's help commands, in inline code or code blocks (`<command>` stands for one: endpoints). */
  const helpCommands = [
    ...new Set(
      [...readme.matchAll(/npm (?:start -- --help|run cli -- help(?: <command>| [a-z-]+)?)(?=[`\s])/g)].map((m) =>
        m[0].replace('<command>', 'endpoints'),
      ),
    ),
  ];

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
});

describe('the commands the docs show', () => {
  const written = [...new Set(commandPages().flatMap((page) => pageCommands(page).flatMap((c) => c.redirects)))];

  it('redirect output only into git-ignored files', () => {
    expect(written).toContain('stack.log');
    const tracked = written.filter(
      (file) => spawnSync('git', ['check-ignore', '-q', file], { cwd: REPO }).status !== 0,
    );
    expect(tracked).toEqual([]);
  });
});
