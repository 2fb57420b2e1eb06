/**
 * Faults injected through the ports (never through special code paths): the handlers see a queue
 * that refuses a message, a throttled table, a topic that fails, an invocation that dies mid-batch,
 * a message that can never be processed. Each time: nothing acknowledged is lost, nothing is
 * published twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { throttlingError } from '../../local/faults';
import type { LocalStackOptions } from '../../local/stack';
import type { RecordOutcome } from '../../local/event-source';
import { localSource, post, signedRequest, startTestStack, waitFor, type TestStack } from './helpers';

let t: TestStack | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function stack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  t = await startTestStack(options);
  return t;
}

async function completed(s: TestStack, source: string, id: string) {
  return waitFor(`${source}/${id} completed`, async () => {
    const r = await s.stack.getEvent(source, id);
    return r?.status === 'completed' ? r : undefined;
  });
}

describe('enqueue fails', () => {
  it("answers 503 with Retry-After, keeps no record, and the provider's retry is accepted and published once", async () => {
    const s = await stack();
    s.stack.faults.queue.failNext('send');
    const request = signedRequest(s.stack.url, 'stripe');

    const first = await post(request);

    expect(first.status).toBe(503);
    expect(first.json.error).toBe('temporarily_unavailable');
    expect(first.headers.get('retry-after')).toBe('5');
    expect(await s.stack.getEvent('stripe', request.eventId!)).toBeUndefined();
    expect(s.stack.queues.get('stripe')!.stats().sent).toBe(0);

    const retry = await post(signedRequest(s.stack.url, 'stripe', { id: request.eventId! }));

    expect(retry.status).toBe(202);
    await completed(s, 'stripe', request.eventId!);
    await s.stack.idle();
    expect(s.publishedFor(request.eventId!)).toHaveLength(1);
  });
});

describe('event store throttled', () => {
  it('answers 503 and enqueues nothing; the retry goes through', async () => {
    const s = await stack();
    s.stack.faults.store.failNext('tryReceive', { error: throttlingError });
    const request = signedRequest(s.stack.url, 'github');

    const answer = await post(request);

    expect(answer.status).toBe(503);
    expect(answer.json.error).toBe('temporarily_unavailable');
    expect(s.stack.faults.queue.calls('send')).toBe(0);
    expect(s.stack.queues.get('github')!.stats().sent).toBe(0);
    expect(await s.stack.listEvents()).toEqual([]);

    expect((await post(signedRequest(s.stack.url, 'github', { id: request.eventId! }))).status).toBe(202);
    await completed(s, 'github', request.eventId!);
    expect(s.stack.faults.queue.calls('send')).toBe(1);
  });
});

describe('processor dies mid-batch', () => {
  // Lambda-like timing, scaled down: timeout < lease < visibility timeout, as deployed.
  const timing = { processorTimeoutMs: 800, processorLeaseMs: 1000, visibilityTimeoutMs: 1200 };

  it.each([
    ['while claiming the second record', 'store'],
    ['while publishing', 'topic'],
  ] as const)(
    'dies %s: the batch is redelivered after the visibility timeout and each event is published once',
    async (_what, port) => {
      const outcomes: RecordOutcome[] = [];
      const s = await stack({ timing, onRecord: (r) => outcomes.push(r) });
      const processor = s.stack.sources.get('stripe')!.processor;
      processor.pause();
      const requests = [0, 1, 2].map(() => signedRequest(s.stack.url, 'stripe'));
      for (const r of requests) expect((await post(r)).status).toBe(202);
      if (port === 'store') s.stack.faults.store.hangNext('tryClaimProcessing', { skip: 1 });
      else s.stack.faults.topic.hangNext('publishBatch');

      processor.resume();

      for (const r of requests) await completed(s, 'stripe', r.eventId!);
      await s.stack.idle();
      for (const r of requests) expect(s.publishedFor(r.eventId!)).toHaveLength(1);
      // The first invocation timed out and all three records came back; a later receive delivered them.
      expect(outcomes.slice(0, 3).map((o) => [o.outcome, o.reason, o.message.receiveCount])).toEqual(
        Array(3).fill(['retry', 'timeout', 1]),
      );
      const deleted = outcomes.filter((o) => o.outcome === 'deleted');
      expect(deleted).toHaveLength(3);
      for (const o of deleted) expect(o.message.receiveCount).toBeGreaterThanOrEqual(2);
    },
  );
});

describe('topic publish fails', () => {
  it('marks the event failed, SQS retries it, and it is published once', async () => {
    const s = await stack({ timing: { processorTimeoutMs: 800, processorLeaseMs: 1000, visibilityTimeoutMs: 1200 } });
    s.stack.faults.topic.failNext('publishBatch');
    const request = signedRequest(s.stack.url, 'shopify');

    expect((await post(request)).status).toBe(202);

    const record = await completed(s, 'shopify', request.eventId!);
    // the failed processing attempt, then the successful one
    expect(record.attempts).toBeGreaterThanOrEqual(2);
    expect(s.stack.faults.topic.calls('publishBatch')).toBeGreaterThanOrEqual(2);
    expect(s.publishedFor(request.eventId!)).toHaveLength(1);
  });
});

describe('poison message', () => {
  it('goes to the DLQ after maxReceiveCount receives; the other records of its batch are processed at once', async () => {
    const base = localSource('stripe');
    const outcomes: RecordOutcome[] = [];
    const s = await stack({
      sources: [{ ...base, source: { ...base.source, maxReceiveCount: 3 } }],
      timing: { processorTimeoutMs: 1000, processorLeaseMs: 1100, visibilityTimeoutMs: 1200 },
      onRecord: (r) => outcomes.push(r),
    });
    const queue = s.stack.queues.get('stripe')!;
    const processor = s.stack.sources.get('stripe')!.processor;
    processor.pause();
    const good = [signedRequest(s.stack.url, 'stripe'), signedRequest(s.stack.url, 'stripe')];
    expect((await post(good[0]!)).status).toBe(202);
    await queue.sendMessage({
      body: '{"this is": "not an envelope"',
      attributes: { source: 'stripe', type: 'unknown', eventId: 'poison' },
    });
    expect((await post(good[1]!)).status).toBe(202);

    processor.resume();

    const [dead] = await waitFor('the poison message in the DLQ', () =>
      queue.deadLetters().length > 0 ? queue.deadLetters() : undefined,
    );
    expect(dead).toMatchObject({ body: '{"this is": "not an envelope"', receiveCount: 3 });
    expect(
      outcomes
        .filter((o) => o.message.attributes.eventId === 'poison')
        .map((o) => [o.outcome, o.reason, o.message.receiveCount]),
    ).toEqual([
      ['retry', 'reported_failure', 1],
      ['retry', 'reported_failure', 2],
      ['retry', 'reported_failure', 3],
    ]);
    for (const r of good) {
      await completed(s, 'stripe', r.eventId!);
      expect(s.publishedFor(r.eventId!)).toHaveLength(1);
      const own = outcomes.filter((o) => o.message.attributes.eventId === r.eventId);
      expect(own.map((o) => [o.outcome, o.message.receiveCount])).toEqual([['deleted', 1]]);
    }
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 1 });
  });
});
