/** The CLI against a local stack: `send` (single and --repeat) and `events list/show`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';
import { removeStackState } from '../../local/state-file';
import { registerAsRunning, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let dir: string;
let t: TestStack;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  t = await startTestStack({ dataDir: dir });
  // What `npm start` writes, so the CLI finds this stack.
  registerAsRunning(dir, t.stack);
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('send', () => {
  it('signs the sample payload, posts it, and reports it processed', async () => {
    const io = captureIo();

    const code = await runCli(['send', 'stripe', '--data-dir', dir], io);

    expect(code).toBe(0);
    expect(io.stdout[0]).toBe(
      `→ POST ${t.stack.url}/webhooks/stripe  (stripe, stripe signature, ${io.stdout[0]!.match(/(\d+) bytes/)![1]} bytes)`,
    );
    expect(io.stdout[1]).toMatch(/^← 202 accepted {2}id evt_[0-9a-f]{24} {2}in /);
    expect(io.stdout[2]).toMatch(/^ {2}processed: completed in \d+ ms/);
  });

  it('--json gives the answer and the final record', async () => {
    const io = captureIo();

    expect(await runCli(['send', 'github', '--data-dir', dir, '--json'], io)).toBe(0);

    const result = JSON.parse(io.stdout[0]!) as {
      outcome: string;
      status: number;
      id: string;
      record: { status: string };
    };
    expect(result).toMatchObject({
      outcome: 'accepted',
      status: 202,
      record: { status: 'completed', source: 'github', eventId: result.id },
    });
  });

  it('--repeat with --duplicate-rate: every send is accepted or answered as a duplicate, and each event is published once', async () => {
    const io = captureIo();
    const before = t.published.length;

    const code = await runCli(
      [
        'send',
        'slack',
        '--url',
        t.stack.url,
        '--repeat',
        '40',
        '--concurrency',
        '6',
        '--duplicate-rate',
        '0.3',
        '--json',
      ],
      io,
    );

    expect(code).toBe(0);
    const summary = JSON.parse(io.stdout[0]!) as Record<string, number>;
    expect(summary).toMatchObject({ sent: 40, rejected: 0, errors: 0 });
    expect(summary.accepted! + summary.duplicate!).toBe(40);
    expect(summary.accepted).toBe(40 - summary.duplicatesSent!);
    expect(summary.p99Ms).toBeGreaterThanOrEqual(summary.p50Ms!);
    await waitFor('every accepted event published', () => t.published.length - before >= summary.accepted!);
    await t.stack.idle();
    const ids = t.published.slice(before).map((n) => n.attributes.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(summary.accepted!);
  });

  it('prints the summary table without --json', async () => {
    const io = captureIo();

    expect(await runCli(['send', 'paddle', '--url', t.stack.url, '--repeat', '5', '--concurrency', '2'], io)).toBe(0);

    expect(io.stdout.join('\n')).toMatch(
      /Sent 5 to .*\n {2}accepted +5 {2}\(202\)\n {2}duplicate +0 .*\n {2}rejected +0 .*\n {2}errors +0 .*\n {2}latency +p50 .* p99 /,
    );
  });

  it('exits 1 and names the code when the verifier rejects the request', async () => {
    const io = captureIo();

    expect(await runCli(['send', 'stripe', '--url', t.stack.url, '--secret', 'whsec_wrong', '--no-wait'], io)).toBe(1);
    expect(io.stdout[1]).toMatch(/^← 401 invalid_signature/);
  });

  it('exits 2 with one line for an unknown source or a bad option', async () => {
    const unknown = captureIo();
    const bad = captureIo();

    expect(await runCli(['send', 'acme'], unknown)).toBe(2);
    expect(await runCli(['send', 'stripe', '--repeat', 'many'], bad)).toBe(2);
    expect(unknown.stderr[0]).toMatch(/Unknown source "acme"\. Local sources: stripe, github/);
    expect(bad.stderr[0]).toMatch(/--repeat must be an integer/);
  });
});

describe('events', () => {
  it('list shows the records, newest first, filtered by source and status', async () => {
    const io = captureIo();
    await runCli(['send', 'shopify', '--data-dir', dir], captureIo());

    expect(
      await runCli(['events', 'list', '--source', 'shopify', '--status', 'completed', '--data-dir', dir, '--json'], io),
    ).toBe(0);

    const records = JSON.parse(io.stdout.join('\n')) as Array<{ source: string; status: string }>;
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.source === 'shopify' && r.status === 'completed')).toBe(true);
  });

  it('list prints a table', async () => {
    const io = captureIo();

    expect(await runCli(['events', 'list', '--data-dir', dir, '--limit', '3'], io)).toBe(0);

    expect(io.stdout[0]).toMatch(/^RECEIVED AT +SOURCE +TYPE +STATUS +ATTEMPTS +LATENCY MS +EVENT ID$/);
    expect(io.stdout.slice(1, 4)).toHaveLength(3);
    const next = /^3 of \d+ shown \(next page: --cursor (\S+)\); \d+ completed\.$/.exec(io.stdout.at(-1)!);
    expect(next).not.toBeNull();

    // The next page starts after the last row shown, with no row repeated.
    const page2 = captureIo();
    expect(await runCli(['events', 'list', '--data-dir', dir, '--limit', '3', '--cursor', next![1]!], page2)).toBe(0);
    const ids = (lines: string[]) => lines.slice(1, 4).map((l) => l.split(/\s+/).at(-1));
    expect(ids(page2.stdout).some((id) => ids(io.stdout).includes(id))).toBe(false);
  });

  it('show prints one record, and exits 1 for an unknown id', async () => {
    const sent = captureIo();
    await runCli(['send', 'linear', '--data-dir', dir, '--json'], sent);
    const { id } = JSON.parse(sent.stdout[0]!) as { id: string };
    const io = captureIo();
    const missing = captureIo();

    expect(await runCli(['events', 'show', 'linear', id, '--data-dir', dir], io)).toBe(0);
    expect(await runCli(['events', 'show', 'linear', 'nope', '--data-dir', dir], missing)).toBe(1);

    expect(io.stdout).toEqual(
      expect.arrayContaining([
        `source       linear`,
        `event id     ${id}`,
        `type         Issue`,
        `status       completed`,
      ]),
    );
    expect(missing.stderr[0]).toMatch(/No event nope from linear/);
  });

  it('reads the data from disk when the stack is not running', async () => {
    const other = mkdtempSync(join(tmpdir(), 'cli-offline-'));
    try {
      const s = await startTestStack({ dataDir: other });
      registerAsRunning(other, s.stack, '');
      await runCli(['send', 'gitlab', '--data-dir', other], captureIo());
      await s.stop();
      removeStackState(other);
      const io = captureIo();

      expect(await runCli(['events', 'list', '--data-dir', other, '--json'], io)).toBe(0);

      expect(JSON.parse(io.stdout.join('\n'))).toMatchObject([{ source: 'gitlab', status: 'completed' }]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('help', () => {
  it('lists the commands found in cli/commands/', async () => {
    const io = captureIo();

    expect(await runCli(['help'], io)).toBe(0);

    expect(io.stdout.join('\n')).toMatch(/ {2}events +Event records and the archive/);
    expect(io.stdout.join('\n')).toMatch(/ {2}send +Sign a sample/);
  });
});
