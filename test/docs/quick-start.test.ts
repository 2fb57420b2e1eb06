/**
 * The README's quick start runs as written: every command of its ```bash blocks, in order, through the CLI's own
 * dispatcher, against a local stack started in-process (as test/e2e does), and every output block the README shows
 * after a command is what the commands print, line by line, ids, times, ports and durations aside. A block of
 * output the README shows while something happens elsewhere (a retry five seconds later) is waited for, and a read
 * (`list`, `show`) whose output is not there yet is read again, as a reader would: the worker records an attempt a
 * moment after the receiver has printed it.
 *
 * What stands in for the reader: the in-process stack for `npm ci` and `npm start` (so the banner is not checked),
 * a free port for the receiver's 4000, and the values a reader copies from one output into the next command
 * (`whsec_…`, `<delivery id>`).
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

/** The quick start's commands and the output shown after them, in the README's order. */
function quickStart(): Step[] {
  const readme = readPage('README.md');
  const start = readme.indexOf('\n## Quick start');
  const end = readme.indexOf('\n## ', start + 1);
  const offset = readme.slice(0, start).split('\n').length;
  const steps: Step[] = [];
  let afterStart = false;
  for (const block of fencedBlocks(readme.slice(start, end))) {
    const at = `README.md:${offset + block.line - 1}`;
    if (block.lang === 'bash') {
      const commands = shellCommands(block.text, () => at);
      for (const c of commands) steps.push({ kind: 'run', words: c.words, at });
      afterStart = commands.some((c) => c.words.join(' ') === 'npm start');
    } else if (block.lang === '' && !afterStart) {
      steps.push({ kind: 'expect', lines: block.text.split('\n').filter((l) => l.trim() !== ''), at });
    }
  }
  return steps;
}

let dir: string;
let t: TestStack;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quick-start-'));
  t = await startTestStack({ dataDir: dir, timing: { batchingWindowMs: 0 } });
  registerAsRunning(dir, t.stack);
  // The CLI finds the running stack through its data directory, as it finds `npm start`'s in .local-data.
  vi.stubEnv('LOCAL_DATA_DIR', dir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's quick start", () => {
  it('runs as written, and prints what the README shows', { timeout: 60_000 }, async () => {
    const steps = quickStart();
    expect(steps.filter((s) => s.kind === 'run').map((s) => s.words.slice(0, 5).join(' '))).toEqual(
      expect.arrayContaining(['npm start', 'npm run cli -- send', 'npm run cli -- listen', 'npm run cli -- messages']),
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
    /** What a reader copies from earlier output into a command. */
    const fillIn = (word: string, at: string): string => {
      const text = printed.join('\n');
      if (word === 'whsec_…') {
        const secret = [...text.matchAll(/^secret\s+(whsec_\S+)/gm)].at(-1)?.[1];
        if (!secret) throw new Error(`${at}: no secret printed before ${word}`);
        return secret;
      }
      if (word === '<delivery id>') {
        const id = [...text.matchAll(/\bdlv_[0-9a-f]+/g)].at(-1)?.[0];
        if (!id) throw new Error(`${at}: no delivery id printed before ${word}`);
        return id;
      }
      if (/^<.*>$/.test(word)) throw new Error(`${at}: the test does not know what to fill in for ${word}`);
      return word.replaceAll('127.0.0.1:4000', `127.0.0.1:${receiverPort}`);
    };

    /** The reads (`list`, `show`) of the commands run since the last output block, read again while it is missing. */
    let reads: string[][] = [];
    const readAgain = async (again: readonly string[][]) => {
      for (const args of again) await runCli(args, io);
      await new Promise((r) => setTimeout(r, 200));
    };
    try {
      for (const step of steps) {
        if (step.kind === 'expect') {
          const unmatched = () => step.lines.filter((line) => !printed.some((p) => shapeOf(line).test(p.trim())));
          const again = reads;
          reads = [];
          const matched = async () => unmatched().length === 0 || (await readAgain(again), unmatched().length === 0);
          await waitFor(`${step.at} to be printed`, matched, 20_000).catch(() => {
            expect(unmatched(), `${step.at}: shown but not printed; printed:\n${printed.join('\n')}`).toEqual([]);
          });
          continue;
        }
        const [program, ...rest] = step.words;
        if (program === 'npm' && (rest[0] === 'ci' || rest[0] === 'start')) continue; // the in-process stack
        const dashes = rest.indexOf('--');
        expect(
          program === 'npm' && rest.filter((w) => w !== '--silent')[0] === 'run' && rest.includes('cli') && dashes > 0,
          `${step.at}: ${step.words.join(' ')} is not npm ci, npm start or npm run cli -- …`,
        ).toBe(true);
        const args = rest.slice(dashes + 1).map((w) => fillIn(w, step.at));
        if (args[0] === 'listen') {
          const port = args.indexOf('--port');
          if (port >= 0) args[port + 1] = String(receiverPort);
          else args.push('--port', String(receiverPort));
          background.push(runCli(args, io));
          await waitFor('the receiver to listen', () => printed.some((l) => l.startsWith('Listening on')));
          continue;
        }
        if (args[1] === 'list' || args[1] === 'show') reads.push(args);
        const code = await runCli(args, io);
        expect(code, `${step.at}: ${args.join(' ')}\n${printed.join('\n')}`).toBe(0);
      }
    } finally {
      // `listen` stops on SIGTERM, as on Ctrl-C.
      if (background.length > 0) process.emit('SIGTERM');
      await Promise.all(background);
    }
  });

  it('reads a sample line as a pattern that ids, times and durations do not break, and statuses do', () => {
    const sample =
      '2026-12-07T12:57:46.160Z  POST /hooks  id msg_958aaf44-8bdf  type invoice.paid  signature verified  → 500';
    const shape = shapeOf(sample);

    expect(shape.test('2030-01-01T00:00:00.000Z POST /hooks id msg_1 type invoice.paid signature verified → 500')).toBe(
      true,
    );
    expect(shape.test('2030-01-01T00:00:00.000Z POST /hooks id msg_1 type invoice.paid signature verified → 200')).toBe(
      false,
    );
    expect(shapeOf('← 202 accepted  id evt_74f8  in 70 ms').test('← 202 accepted  id evt_1  in 3 ms')).toBe(true);
  });
});
