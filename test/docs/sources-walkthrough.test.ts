/**
 * docs/sources.md's "Try it" runs as written: every command of its ```bash blocks, in order, through the CLI's own
 * dispatcher against a local stack started in-process, and every output block it shows after a command is what
 * the commands print (ids, times, ports and durations aside; `…` anything).
 *
 * What stands in for the reader: the in-process stack for `npm start`, a free port for the receiver's 4000, an
 * `export` setting the variable for the commands after it (`"$NAME"` reads it), and the values a reader copies from
 * one output into the next command (`whsec_…`, `<url>`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../cli/command';
import { runCli } from '../../cli/index';
import { registerAsRunning, startTestStack, waitFor, type TestStack } from '../e2e/helpers';
import { fencedBlocks, readPage, shellCommands } from './markdown';
import { freePort, shapeOf } from './walkthrough';

type Step =
  | { readonly kind: 'run'; readonly words: string[]; readonly at: string }
  | { readonly kind: 'expect'; readonly lines: string[]; readonly at: string };

/** The section's commands and the output shown after them, in the page's order. */
function walkthrough(page: string, heading: string): Step[] {
  const text = readPage(page);
  const start = text.indexOf(`\n## ${heading}`);
  const end = text.indexOf('\n## ', start + 1);
  const offset = text.slice(0, start).split('\n').length;
  const steps: Step[] = [];
  for (const block of fencedBlocks(text.slice(start, end))) {
    const at = `${page}:${offset + block.line - 1}`;
    if (block.lang === 'bash')
      for (const c of shellCommands(block.text, () => at)) steps.push({ kind: 'run', words: c.words, at });
    else if (block.lang === '')
      steps.push({ kind: 'expect', lines: block.text.split('\n').filter((l) => l.trim() !== ''), at });
  }
  return steps;
}

let dir: string;
let t: TestStack;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sources-doc-'));
  t = await startTestStack({ dataDir: dir });
  registerAsRunning(dir, t.stack);
  vi.stubEnv('LOCAL_DATA_DIR', dir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/sources.md', () => {
  it('"Try it" runs as written, and prints what the page shows', { timeout: 60_000 }, async () => {
    const steps = walkthrough('docs/sources.md', 'Try it');
    expect(steps.filter((s) => s.kind === 'run').map((s) => s.words.slice(4, 6).join(' '))).toEqual(
      expect.arrayContaining(['sources add', 'send github', 'listen --secret']),
    );
    const printed: string[] = [];
    const io: CliIo = {
      out: (line) => printed.push(...line.split('\n')),
      err: (line) => printed.push(...line.split('\n')),
      interactive: false,
      status: () => undefined,
    };
    const receiverPort = await freePort();
    const background: Promise<number>[] = [];
    const last = (pattern: RegExp, word: string, at: string) => {
      const found = [...printed.join('\n').matchAll(pattern)].at(-1)?.[1];
      if (!found) throw new Error(`${at}: nothing printed before ${word} matches ${pattern}`);
      return found;
    };
    const fillIn = (word: string, at: string): string => {
      if (word === 'whsec_…') return last(/^secret\s+(whsec_\S+)/gm, word, at);
      if (word === '<url>') return last(/^url\s+(\S+)/gm, word, at);
      if (word.startsWith('$')) return process.env[word.slice(1)] ?? `${word} is not set`;
      if (/^<.*>$/.test(word)) throw new Error(`${at}: the test does not know what to fill in for ${word}`);
      return word.replaceAll('127.0.0.1:4000', `127.0.0.1:${receiverPort}`);
    };

    try {
      for (const step of steps) {
        if (step.kind === 'expect') {
          const unmatched = () => step.lines.filter((line) => !printed.some((p) => shapeOf(line).test(p.trim())));
          await waitFor(`${step.at} to be printed`, () => unmatched().length === 0, 20_000).catch(() => {
            expect(unmatched(), `${step.at}: shown but not printed; printed:\n${printed.join('\n')}`).toEqual([]);
          });
          continue;
        }
        const [program, ...rest] = step.words;
        if (program === 'export') {
          const [name, value] = rest[0]!.split('=') as [string, string];
          vi.stubEnv(name, value);
          continue;
        }
        const dashes = rest.indexOf('--');
        expect(program === 'npm' && rest[0] === 'run' && rest[1] === 'cli' && dashes > 0, step.at).toBe(true);
        const args = rest.slice(dashes + 1).map((w) => fillIn(w, step.at));
        if (args[0] === 'listen') {
          background.push(runCli([...args, '--port', String(receiverPort)], io));
          await waitFor('the receiver to listen', () => printed.some((l) => l.startsWith('Listening on')));
          continue;
        }
        const code = await runCli(args, io);
        expect(code, `${step.at}: ${args.join(' ')}\n${printed.join('\n')}`).toBe(0);
      }
    } finally {
      if (background.length > 0) process.emit('SIGTERM');
      await Promise.all(background);
    }
  });
});
