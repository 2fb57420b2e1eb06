/**
 * Durability of the local stack: an event answered 202 is processed even if the stack stops — or
 * is killed — before processing it. State is on disk under a temporary data directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let dir: string;
let stacks: TestStack[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-stack-'));
});
afterEach(async () => {
  for (const s of stacks) await s.stop();
  stacks = [];
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: Parameters<typeof startTestStack>[0] = {}): Promise<TestStack> {
  const s = await startTestStack({ dataDir: dir, ...options });
  stacks.push(s);
  return s;
}

async function allCompleted(s: TestStack, source: string, ids: readonly string[]): Promise<void> {
  await waitFor(`${ids.length} events completed`, async () => {
    const records = await s.stack.listEvents();
    return ids.every((id) => records.some((r) => r.source === source && r.eventId === id && r.status === 'completed'));
  });
}

describe('restarting the local stack', () => {
  it('processes the events that were queued when it stopped', async () => {
    const first = await open({ startProcessors: false });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = signedRequest(first.stack.url, 'stripe');
      expect((await post(r)).status).toBe(202);
      ids.push(r.eventId!);
    }
    await first.stop();
    stacks = [];

    const second = await open();

    await allCompleted(second, 'stripe', ids);
    await second.stack.idle();
    for (const id of ids) expect(second.publishedFor(id)).toHaveLength(1);
  });

  it('keeps every acknowledged event when stopped in the middle of a burst', async () => {
    const first = await open();
    const requests = Array.from({ length: 60 }, () => signedRequest(first.stack.url, 'github'));
    const answers = requests.map((r) => post(r).catch(() => undefined));
    await waitFor('some requests answered', () => first.stack.queues.get('github')!.stats().sent >= 5);

    await first.stop();
    stacks = [];
    const accepted = (await Promise.all(answers)).flatMap((a, i) => (a?.status === 202 ? [requests[i]!.eventId!] : []));
    const publishedBefore = new Set(first.published.map((n) => n.attributes.eventId));
    const second = await open();

    expect(accepted.length).toBeGreaterThanOrEqual(5);
    await allCompleted(second, 'github', accepted);
    await second.stack.idle();
    // Published once in all: before the stop (drained) or after the restart, never both.
    for (const id of accepted) expect((publishedBefore.has(id) ? 1 : 0) + second.publishedFor(id).length).toBe(1);
  });

  it('keeps every acknowledged event across a crash (SIGKILL)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/stack-child.ts', import.meta.url)), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const r = signedRequest(url, 'shopify');
        expect((await post(r)).status).toBe(202);
        ids.push(r.eventId!);
      }),
    );

    child.kill('SIGKILL');
    await exited;
    const after = await open();

    await allCompleted(after, 'shopify', ids);
    await after.stack.idle();
    for (const id of ids) expect(after.publishedFor(id)).toHaveLength(1);
  });
});
