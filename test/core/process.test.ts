import { describe, expect, it } from 'vitest';
import { processBatch, publishChunks, type ProcessDeps, type QueuedMessage } from '../../lambdas/core/inbound/process';
import { serializeEnvelope } from '../../lambdas/core/inbound/envelope';
import { createRouter, publishEnvelope, type Route } from '../../lambdas/core/inbound/routing';
import { silentLog } from '../../lambdas/core/kernel/log';
import { ANY_SOURCE } from '../../lambdas/contract';
import { STALE_PROCESSING_REASON, staleness } from '../../lambdas/core/inbound/staleness';
import { FakeEventStore, FakeTopic, manualClock, tokens } from '../helpers/fakes';

function message(id: string, type = 'invoice.paid', source = 'stripe'): QueuedMessage {
  const body = serializeEnvelope(
    { id, source, type, receivedAt: '2026-11-23T12:00:00.000Z', headers: {} },
    `{"id":"${id}"}`,
  );
  return { messageId: `m-${id}`, body };
}

function setup(routes: Route[] = []) {
  const store = new FakeEventStore();
  const topic = new FakeTopic();
  const clock = manualClock();
  let remaining = 30_000;
  const sleeps: number[] = [];
  const deps: ProcessDeps = {
    sourceId: 'stripe',
    store,
    topic,
    router: createRouter(routes),
    clock,
    leaseMs: 60_000,
    dedupeSeconds: 86_400,
    newToken: tokens(),
    remainingMs: () => remaining,
    publishSafetyMs: 3_000,
    log: silentLog,
    // Time passes only when the processor waits: the clock and the invocation's remaining time move together.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      remaining -= ms;
    },
  };
  return { deps, store, topic, clock, sleeps, setRemaining: (ms: number) => (remaining = ms) };
}

describe('processBatch()', () => {
  it('publishes each event with source, type and eventId attributes and marks it completed', async () => {
    const { deps, store, topic } = setup();

    const outcome = await processBatch([message('evt_1'), message('evt_2', 'customer.created')], deps);

    expect(outcome).toEqual({ failedMessageIds: [], published: 2, skipped: 0, unrecorded: 0 });
    expect(topic.published.map((p) => p.attributes)).toEqual([
      { source: 'stripe', type: 'invoice.paid', eventId: 'evt_1' },
      { source: 'stripe', type: 'customer.created', eventId: 'evt_2' },
    ]);
    expect(topic.published[0]!.message).toBe(message('evt_1').body);
    expect(store.records.get('stripe#evt_1')).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('acknowledges a redelivery of a completed event without publishing again', async () => {
    const { deps, topic } = setup();
    await processBatch([message('evt_1')], deps);

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome).toEqual({ failedMessageIds: [], published: 0, skipped: 1, unrecorded: 0 });
    expect(topic.published).toHaveLength(1);
  });

  it('retries later, without publishing, an event another invocation is processing', async () => {
    const { deps, store, topic, clock } = setup();
    await store.tryClaimProcessing({
      source: 'stripe',
      eventId: 'evt_1',
      type: 't',
      receivedAt: 0,
      leaseToken: 'other',
      leaseUntil: clock() + 60_000,
      expiresAt: 0,
      nowMs: clock(),
    });

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome.failedMessageIds).toEqual(['m-evt_1']);
    expect(topic.published).toHaveLength(0);
  });

  it('reclaims an event whose processor died mid-way once its lease lapsed, and publishes it once', async () => {
    const { deps, store, topic, clock } = setup();
    await store.tryClaimProcessing({
      source: 'stripe',
      eventId: 'evt_1',
      type: 't',
      receivedAt: 0,
      leaseToken: 'dead',
      leaseUntil: clock() + 60_000,
      expiresAt: 0,
      nowMs: clock(),
    });
    clock.advance(60_001);

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome.published).toBe(1);
    expect(topic.published).toHaveLength(1);
    expect(store.records.get('stripe#evt_1')).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('fails only the poison message; the rest of its batch is published', async () => {
    const { deps, topic } = setup();

    const outcome = await processBatch(
      [message('evt_1'), { messageId: 'poison', body: 'not json{' }, message('evt_2')],
      deps,
    );

    expect(outcome.failedMessageIds).toEqual(['poison']);
    expect(topic.published.map((p) => p.attributes.eventId)).toEqual(['evt_1', 'evt_2']);
  });

  it('treats a message for another source as poison', async () => {
    const { deps, topic } = setup();

    const outcome = await processBatch([message('evt_1', 't', 'github')], deps);

    expect(outcome.failedMessageIds).toEqual(['m-evt_1']);
    expect(topic.published).toHaveLength(0);
  });

  it('on the shared pipeline takes any source, and publishes a tenant source’s tenant as an attribute', async () => {
    const { deps, topic, store } = setup();
    const tenantEvent: QueuedMessage = {
      messageId: 'm-d1',
      body: serializeEnvelope(
        {
          id: 'd1',
          source: 'acme.github',
          tenant: 'acme',
          type: 'push',
          receivedAt: '2026-11-23T12:00:00.000Z',
          headers: {},
        },
        '{}',
      ),
    };

    const outcome = await processBatch([message('evt_1', 't', 'github'), tenantEvent], {
      ...deps,
      sourceId: ANY_SOURCE,
    });

    expect(outcome.failedMessageIds).toEqual([]);
    expect(topic.published.map((p) => p.attributes)).toEqual([
      { source: 'github', type: 't', eventId: 'evt_1' },
      { source: 'acme.github', type: 'push', eventId: 'd1', tenant: 'acme' },
    ]);
    expect(store.records.get('acme.github#d1')).toMatchObject({ status: 'completed' });
  });

  it('marks a handler failure `failed` with its error and retries only that record', async () => {
    const { deps, store, topic } = setup([
      {
        source: 'stripe',
        type: 'invoice.*',
        handle: () => {
          throw new Error('downstream said no');
        },
      },
    ]);

    const outcome = await processBatch([message('evt_1'), message('evt_2', 'customer.created')], deps);

    expect(outcome.failedMessageIds).toEqual(['m-evt_1']);
    expect(store.records.get('stripe#evt_1')).toMatchObject({
      status: 'failed',
      error: 'Error: downstream said no',
      attempts: 1,
    });
    expect(topic.published.map((p) => p.attributes.eventId)).toEqual(['evt_2']);
  });

  it('retries every record of a failed publish and publishes each once on redelivery', async () => {
    const { deps, store, topic } = setup();
    topic.failNext();

    const first = await processBatch([message('evt_1'), message('evt_2')], deps);
    expect(first.failedMessageIds).toEqual(['m-evt_1', 'm-evt_2']);
    expect(store.records.get('stripe#evt_1')!.status).toBe('failed');

    const second = await processBatch([message('evt_1'), message('evt_2')], deps);
    expect(second.failedMessageIds).toEqual([]);
    expect(topic.published).toHaveLength(2);
  });

  it('retries only the entries SNS reports as failed in a batch', async () => {
    const { deps, topic } = setup();
    topic.rejectIds = new Set(['m-evt_2']);

    const outcome = await processBatch([message('evt_1'), message('evt_2')], deps);

    expect(outcome.failedMessageIds).toEqual(['m-evt_2']);
    expect(topic.published.map((p) => p.attributes.eventId)).toEqual(['evt_1']);
  });

  it('publishes nothing when too little time is left to record completion, and retries the batch', async () => {
    const { deps, topic, setRemaining } = setup();
    setRemaining(1_000);

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome.failedMessageIds).toEqual(['m-evt_1']);
    expect(topic.published).toHaveLength(0);
  });

  it('acknowledges a published event even when recording completion fails, so it is not published twice', async () => {
    const { deps, store, topic } = setup();
    store.failNext('markCompleted');

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome.failedMessageIds).toEqual([]);
    expect(topic.published).toHaveLength(1);
  });

  it('retries a failed `completed` write with backoff and records it once the store answers', async () => {
    const { deps, store, topic, sleeps } = setup();
    store.failNext('markCompleted', 3);

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome).toEqual({ failedMessageIds: [], published: 1, skipped: 0, unrecorded: 0 });
    expect(sleeps).toEqual([50, 100, 200]);
    expect(store.records.get('stripe#evt_1')).toMatchObject({ status: 'completed' });
    expect(topic.published).toHaveLength(1);
  });

  it('gives up when the invocation runs out of time: acknowledged, left `processing` (stale once the lease ends), and counted', async () => {
    const { deps, store, topic, clock, sleeps, setRemaining } = setup();
    const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const record = (message: string, ...extra: Array<Record<string, unknown>>) =>
      lines.push({ message, fields: Object.assign({}, ...extra) as Record<string, unknown> });
    store.failNext('markCompleted', 1000);
    setRemaining(5_000);

    const outcome = await processBatch([message('evt_1'), message('evt_2')], {
      ...deps,
      log: { ...silentLog, info: record, error: record },
    });

    expect(outcome).toEqual({ failedMessageIds: [], published: 2, skipped: 0, unrecorded: 2 });
    expect(topic.published).toHaveLength(2);
    // Both records retried side by side within the 5 s left, keeping 500 ms back.
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * (5_000 - 500));
    const left = store.records.get('stripe#evt_1')!;
    expect(left.status).toBe('processing');
    expect(staleness(left, clock())).toBeUndefined();
    expect(staleness(left, left.leaseUntil! + 1)).toEqual({ since: left.leaseUntil, reason: STALE_PROCESSING_REASON });
    expect(lines.find((l) => l.message === 'batch processed')!.fields).toMatchObject({
      published: 2,
      completionUnrecorded: 2,
    });
    expect(lines.filter((l) => l.message.startsWith('published but could not record completion'))).toHaveLength(2);
  });

  it('does not retry a `completed` write the store refused because the claim was lost', async () => {
    const { deps, store, sleeps } = setup();
    const original = store.markCompleted.bind(store);
    store.markCompleted = async () => false;

    const outcome = await processBatch([message('evt_1')], deps);
    store.markCompleted = original;

    expect(outcome.unrecorded).toBe(0);
    expect(sleeps).toEqual([]);
  });

  it('retries a record whose claim fails because the store is unavailable', async () => {
    const { deps, store, topic } = setup();
    store.failNext('tryClaimProcessing');

    const outcome = await processBatch([message('evt_1')], deps);

    expect(outcome.failedMessageIds).toEqual(['m-evt_1']);
    expect(topic.published).toHaveLength(0);
  });

  it('completes without publishing when a handler consumes the event', async () => {
    const { deps, store, topic } = setup([{ source: '*', type: 'ping', handle: () => ({ publish: false }) }]);

    const outcome = await processBatch([message('p1', 'ping')], deps);

    expect(outcome).toEqual({ failedMessageIds: [], published: 0, skipped: 0, unrecorded: 0 });
    expect(topic.published).toHaveLength(0);
    expect(store.records.get('stripe#p1')!.status).toBe('completed');
  });

  it('adds a handler’s attributes but keeps source, type and eventId authoritative', async () => {
    const { deps, topic } = setup([
      {
        source: 'stripe',
        type: '*',
        handle: () => ({ publish: true, message: 'm', attributes: { tier: 'billing', source: 'spoofed' } }),
      },
    ]);

    await processBatch([message('evt_1')], deps);

    expect(topic.published[0]!.attributes).toEqual({
      tier: 'billing',
      source: 'stripe',
      type: 'invoice.paid',
      eventId: 'evt_1',
    });
  });

  it('publishes in chunks of at most 10 entries', async () => {
    const { deps, topic } = setup();
    const calls: number[] = [];
    const original = topic.publishBatch.bind(topic);
    topic.publishBatch = async (entries) => {
      calls.push(entries.length);
      return original(entries);
    };

    await processBatch(
      Array.from({ length: 23 }, (_, i) => message(`e${i}`)),
      deps,
    );

    expect(calls).toEqual([10, 10, 3]);
  });
});

describe('publishChunks()', () => {
  const entry = (id: string, kib: number) => ({
    id,
    message: 'x'.repeat(kib * 1024 - 100),
    attributes: { source: 'stripe' },
  });

  it('keeps each PublishBatch call under SNS’s 256 KiB total, not only its 10 entries', () => {
    const chunks = publishChunks([entry('a', 100), entry('b', 100), entry('c', 100), entry('d', 1)]);

    expect(chunks.map((c) => c.map((e) => e.id))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('sends an entry that alone is near the limit in a call of its own', () => {
    expect(publishChunks([entry('a', 200), entry('b', 200)]).map((c) => c.length)).toEqual([1, 1]);
  });
});

describe('createRouter()', () => {
  const a = () => ({ publish: false as const });
  const b = () => ({ publish: false as const });

  it('picks the first route matching source and type, prefix patterns included', () => {
    const route = createRouter([
      { source: 'stripe', type: 'invoice.*', handle: a },
      { source: '*', type: '*', handle: b },
    ]);

    expect(route('stripe', 'invoice.paid')).toBe(a);
    expect(route('stripe', 'customer.created')).toBe(b);
    expect(route('github', 'invoice.paid')).toBe(b);
  });

  it('falls back to publishing the envelope unchanged', () => {
    expect(createRouter([{ source: 'stripe', type: 'x', handle: a }])('github', 'x')).toBe(publishEnvelope);
  });
});
