/**
 * The archive through the local stack: every accepted request ends archived byte for byte (a 2 MB body by claim
 * check), whatever its processing did, and an archive write that fails loses nothing.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ARCHIVE_PREFIXES } from '../../lambdas/core/archive/layout';
import { parseExtendedPointer } from '../../lambdas/core/archive/extended-pointer';
import { decodeRows, rowBodyBytes, type ArchiveRow } from '../../lambdas/core/archive/record';
import type { ObjectStore } from '../../lambdas/core/archive/ports';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from './helpers';

let t: TestStack | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function rows(store: ObjectStore): Promise<ArchiveRow[]> {
  const out: ArchiveRow[] = [];
  for (const key of await store.list(ARCHIVE_PREFIXES.events)) out.push(...decodeRows((await store.get(key))!).rows);
  return out;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A Stripe event of about `bytes` bytes: a valid JSON body with a filler field. */
function bigStripeBody(id: string, bytes: number): Buffer {
  const head = { id, object: 'event', type: 'invoice.paid', created: Math.floor(Date.now() / 1000) };
  const filler = 'x'.repeat(bytes - JSON.stringify(head).length - 20);
  return Buffer.from(JSON.stringify({ ...head, data: { filler } }));
}

describe('the archive', () => {
  it('keeps the exact bytes and the signature header of each accepted event, in one object per batch', async () => {
    t = await startTestStack();
    const sent = signedRequest(t.stack.url, 'stripe', { id: 'evt_archive_1' });
    expect((await post(sent)).status).toBe(202);
    await t.stack.idle();

    const [row, ...others] = await rows(t.stack.archive);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({ id: 'evt_archive_1', type: expect.any(String), status: 'completed', attempt: 1 });
    expect(sha(rowBodyBytes(row!)!)).toBe(sha(Buffer.from(sent.body)));
    expect(row!.headers['stripe-signature']).toBe(sent.headers['stripe-signature']);
    expect((await t.stack.getEvent('stripe', 'evt_archive_1'))?.archivedAt).toBeTypeOf('number');
  });

  it('takes a 2 MB body by claim check and archives it byte for byte; the subscriber gets a pointer to it', async () => {
    t = await startTestStack();
    const body = bigStripeBody('evt_big_1', 2 * 1024 * 1024);
    const answer = await post(signedRequest(t.stack.url, 'stripe', { body, id: 'evt_big_1' }));
    expect(answer.status).toBe(202);
    await t.stack.idle();

    const [row] = await rows(t.stack.archive);
    expect(row?.body_ref).toMatch(/^payloads\/source=stripe\/day=\d{4}-\d{2}-\d{2}\/[0-9a-f]{64}$/);
    expect(sha((await t.stack.archive.get(row!.body_ref!))!)).toBe(sha(body));
    const [published] = await waitFor('the pointer', () =>
      t!.publishedFor('evt_big_1').length > 0 ? t!.publishedFor('evt_big_1') : undefined,
    );
    const pointer = parseExtendedPointer(published!.message);
    expect(published!.attributes.ExtendedPayloadSize).toMatch(/^\d+$/);
    const envelope = JSON.parse(Buffer.from((await t.stack.archive.get(pointer!.s3Key))!).toString('utf8'));
    expect(envelope.payload.data.filler.length).toBe(JSON.parse(body.toString()).data.filler.length);
  });

  it('archives an event whose processing fails, once per attempt, with the error', async () => {
    t = await startTestStack({
      routes: [{ source: 'stripe', type: '*', handle: () => Promise.reject(new Error('boom')) }],
      timing: { visibilityTimeoutMs: 300 },
    });
    expect((await post(signedRequest(t.stack.url, 'stripe', { id: 'evt_fails' }))).status).toBe(202);
    const archived = await waitFor('two attempts archived', async () =>
      (await rows(t!.stack.archive)).length >= 2 ? rows(t!.stack.archive) : undefined,
    );
    // Attempts that ran the handler, each with its outcome (one that found the first still running ran nothing).
    expect(new Set(archived.map((r) => r.attempt)).size).toBe(archived.length);
    expect(archived.every((r) => r.status === 'failed' && r.error === 'Error: boom' && r.id === 'evt_fails')).toBe(
      true,
    );
  });

  it('loses nothing when the archive write fails: the batch is retried and ends archived, published once', async () => {
    t = await startTestStack({ timing: { visibilityTimeoutMs: 300 } });
    t.stack.faults.archive.failNext('put', { times: 2 });
    expect((await post(signedRequest(t.stack.url, 'stripe', { id: 'evt_archive_fault' }))).status).toBe(202);
    await waitFor('archivedAt', async () => (await t!.stack.getEvent('stripe', 'evt_archive_fault'))?.archivedAt);
    await t.stack.idle();
    expect((await rows(t.stack.archive)).map((r) => r.id)).toEqual(['evt_archive_fault']);
    expect(t.publishedFor('evt_archive_fault')).toHaveLength(1);
  });

  /**
   * A stack whose stripe handler fails until `redrive()`, and the sizes of the bodies it took then; `redrive()` waits for
   * the event sent to reach the dead-letter queue, fixes the handler, redrives the last minute and
   * returns the finished job.
   */
  async function brokenStripeStack() {
    let broken = true;
    const seen: number[] = [];
    const stack = await startTestStack({
      routes: [
        {
          source: 'stripe',
          type: '*',
          handle: (_e, raw) => {
            if (broken) throw new Error('bug');
            seen.push(Buffer.byteLength(raw));
            return { publish: true, message: raw };
          },
        },
      ],
      timing: { visibilityTimeoutMs: 100 },
    });
    const redrive = async () => {
      await waitFor('dead-lettered', () => stack.stack.queues.get('stripe')!.stats().deadLetters === 1);
      broken = false;
      const job = await stack.stack.replays.start({
        source: 'stripe',
        since: new Date(Date.now() - 60_000).toISOString(),
        mode: 'redrive',
      });
      return waitFor('redrive done', async () => {
        const j = await stack.stack.replays.get(job.id);
        return j?.status === 'done' ? j : undefined;
      });
    };
    return { stack, seen, redrive };
  }

  it('redrives an event whose processing failed, from the archive, once its handler is fixed', async () => {
    const broken = await brokenStripeStack();
    t = broken.stack;
    expect((await post(signedRequest(t.stack.url, 'stripe', { id: 'evt_redrive' }))).status).toBe(202);

    const done = await broken.redrive();
    expect(done.counts).toMatchObject({ published: 1, refused: 0 });
    await waitFor('completed', async () => (await t!.stack.getEvent('stripe', 'evt_redrive'))?.status === 'completed');
    await t.stack.idle();
    expect(t.publishedFor('evt_redrive')).toHaveLength(1);
    expect(t.publishedFor('evt_redrive')[0]!.attributes.replayId).toBeUndefined();
  });

  it('redrives a failed 2 MB event through the claim check it came in with, and its handler gets the whole body', async () => {
    const broken = await brokenStripeStack();
    t = broken.stack;
    const body = bigStripeBody('evt_big_redrive', 2 * 1024 * 1024);
    expect((await post(signedRequest(t.stack.url, 'stripe', { body, id: 'evt_big_redrive' }))).status).toBe(202);

    const done = await broken.redrive();
    expect(done.failures).toEqual([]);
    expect(done.counts).toMatchObject({ published: 1, refused: 0 });
    await waitFor(
      'completed',
      async () => (await t!.stack.getEvent('stripe', 'evt_big_redrive'))?.status === 'completed',
    );
    expect(broken.seen).toHaveLength(1);
    expect(broken.seen[0]).toBeGreaterThan(2 * 1024 * 1024);
  });
});
