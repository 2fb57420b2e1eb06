/**
 * Every log line about an event names its source and its event id (one id, or the batch's ids), so one Logs Insights
 * query on the id finds an event's whole life (README, docs/observability.md); a line about a request the verifier
 * refused names the source and API Gateway's request id, which its access log line has too. Each case drives the
 * verifier or the processor into one outcome and checks every line it wrote.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../../lambdas/core/inbound/envelope';
import { processBatch, type ProcessDeps, type QueuedMessage } from '../../lambdas/core/inbound/process';
import { createRouter } from '../../lambdas/core/inbound/routing';
import { createVerifierHandler } from '../../lambdas/verifier/create-handler';
import { FakeEventStore, FakeTopic, manualClock, tokens } from '../helpers/fakes';
import { recordingLog } from '../helpers/outbound';
import { apiGatewayEvent, runtimeSource, signedWebhook, testDeps } from '../helpers/webhook';

type Line = ReturnType<typeof recordingLog>['lines'][number];
const fields = (line: Line) => Object.assign({}, ...(line.extra as object[])) as Record<string, unknown>;

/** The lines that do not name `source` and the event `id` (as `eventId`, or among `eventIds`). */
function unnamed(lines: readonly Line[], source: string, id: string): Line[] {
  return lines.filter((line) => {
    const f = fields(line);
    const names = f.eventId === id || (Array.isArray(f.eventIds) && f.eventIds.includes(id));
    return f.source !== source || !names;
  });
}

const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

function verifier() {
  const t = testDeps([runtimeSource()]);
  const log = recordingLog();
  const handler = createVerifierHandler({ ...t.deps, sources: t.sources, log });
  const request = () => apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock() }));
  return { t, log, handler, request };
}

describe('the verifier names the event in every line about it', () => {
  it('a duplicate delivery', async () => {
    const { log, handler, request } = verifier();
    await handler(request(), context);

    await handler(request(), context);

    expect(log.lines.map((l) => l.message)).toContain('duplicate delivery');
    expect(unnamed(log.lines, 'stripe', 'evt_1')).toEqual([]);
  });

  it('an event the store could not record (answered 503): the event is named beside the request', async () => {
    const { t, log, handler, request } = verifier();
    t.store.failNext('tryReceive');

    const response = await handler(request(), context);

    expect(response.statusCode).toBe(503);
    const named = log.lines.filter((l) => fields(l).eventId !== undefined);
    expect(named.map((l) => l.message)).toEqual(['event not accepted; the provider will retry']);
    expect(unnamed(named, 'stripe', 'evt_1')).toEqual([]);
    expect(fields(log.lines.find((l) => l.message === 'request failed')!)).toMatchObject({
      source: 'stripe',
      requestId: 'req-1',
    });
  });

  it('an event the queue did not take (answered 503)', async () => {
    const { t, log, handler, request } = verifier();
    t.queue.failNext();

    await handler(request(), context);

    const named = log.lines.filter((l) => fields(l).eventId !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(unnamed(named, 'stripe', 'evt_1')).toEqual([]);
  });

  it('a refused request names its source and request id (there is no trusted event id yet)', async () => {
    const { t, log, handler } = verifier();

    await handler(
      apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock(), secret: 'whsec_other' })),
      context,
    );

    expect(log.lines.map((l) => [l.message, fields(l)])).toEqual([
      ['request rejected', { source: 'stripe', requestId: 'req-1', error: 'invalid_signature', status: 401 }],
    ]);
  });
});

function message(id: string): QueuedMessage {
  const body = serializeEnvelope(
    { id, source: 'stripe', type: 'invoice.paid', receivedAt: '2026-11-23T12:00:00.000Z', headers: {} },
    `{"id":"${id}"}`,
  );
  return { messageId: `m-${id}`, body };
}

function processor(overrides: Partial<ProcessDeps> = {}) {
  const store = new FakeEventStore();
  const topic = new FakeTopic();
  const log = recordingLog();
  const deps: ProcessDeps = {
    sourceId: 'stripe',
    store,
    topic,
    router: createRouter([]),
    clock: manualClock(),
    leaseMs: 60_000,
    dedupeSeconds: 86_400,
    newToken: tokens(),
    remainingMs: () => 30_000,
    publishSafetyMs: 3_000,
    log,
    sleep: async () => {},
    ...overrides,
  };
  return { deps, store, topic, log };
}

describe('the processor names the event in every line about it', () => {
  it('published: the batch line lists the ids it published', async () => {
    const { deps, log } = processor();

    await processBatch([message('evt_1')], deps);

    expect(log.lines.map((l) => l.message)).toEqual(['batch processed']);
    expect(unnamed(log.lines, 'stripe', 'evt_1')).toEqual([]);
  });

  it('a redelivery of a completed event', async () => {
    const { deps, log } = processor();
    await processBatch([message('evt_1')], deps);
    log.lines.length = 0;

    await processBatch([message('evt_1')], deps);

    expect(log.lines.map((l) => l.message)).toContain('already completed; skipping redelivery');
    expect(
      unnamed(
        log.lines.filter((l) => l.message !== 'batch processed'),
        'stripe',
        'evt_1',
      ),
    ).toEqual([]);
  });

  it('a publish that failed', async () => {
    const { deps, topic, log } = processor();
    topic.failNext();

    await processBatch([message('evt_1')], deps);

    const failed = log.lines.filter((l) => l.message === 'publish failed');
    expect(failed).toHaveLength(1);
    expect(unnamed(failed, 'stripe', 'evt_1')).toEqual([]);
  });

  it('too little time left to publish', async () => {
    const { deps, log } = processor({ remainingMs: () => 1_000 });

    await processBatch([message('evt_1')], deps);

    const warned = log.lines.filter((l) => l.level === 'warn');
    expect(warned.map((l) => l.message)).toEqual(['too little time left to publish safely; retrying later']);
    expect(unnamed(warned, 'stripe', 'evt_1')).toEqual([]);
  });

  it('a route handler that threw', async () => {
    const { deps, log } = processor({
      router: createRouter([
        {
          source: 'stripe',
          type: 'invoice.paid',
          handle: () => {
            throw new Error('boom');
          },
        },
      ]),
    });

    await processBatch([message('evt_1')], deps);

    const failed = log.lines.filter((l) => l.message === 'handler failed');
    expect(failed).toHaveLength(1);
    expect(unnamed(failed, 'stripe', 'evt_1')).toEqual([]);
  });
});
