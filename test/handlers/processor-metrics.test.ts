/**
 * What the processor counts per batch (through the handler, over the in-memory fakes): events published with their
 * age since the verifier received them, messages failed, messages received again; and the batch's log line names
 * the source and the ids it published, so an event's life can be followed through the processor in the logs.
 */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../../lambdas/core/inbound/envelope';
import { createRouter } from '../../lambdas/core/inbound/routing';
import { silentLog, type Log } from '../../lambdas/core/kernel/log';
import { createProcessorHandler } from '../../lambdas/processor/create-handler';
import { ANY_SOURCE } from '../../lambdas/contract';
import { SHARED_PIPELINE } from '../../lambdas/core/kernel/metrics';
import { FakeEventStore, FakeTopic, manualClock, tokens } from '../helpers/fakes';
import { recordingMetrics } from '../helpers/metrics';

const RECEIVED = Date.UTC(2026, 10, 23, 12);
const context = { getRemainingTimeInMillis: () => 25_000 };

function event(ids: string[], receiveCount = 1): SQSEvent {
  return {
    Records: ids.map((id) => ({
      messageId: `m-${id}`,
      body: serializeEnvelope(
        { id, source: 'stripe', type: 'invoice.paid', receivedAt: new Date(RECEIVED).toISOString(), headers: {} },
        '{}',
      ),
      attributes: { ApproximateReceiveCount: String(receiveCount) },
    })),
  } as unknown as SQSEvent;
}

function build(log: Log = silentLog, sourceId = 'stripe') {
  const clock = manualClock(RECEIVED + 1_500);
  const topic = new FakeTopic();
  const metrics = recordingMetrics();
  const handler = createProcessorHandler({
    sourceId,
    store: new FakeEventStore(),
    topic,
    router: createRouter([]),
    clock,
    leaseMs: 60_000,
    dedupeSeconds: 86_400,
    newToken: tokens(),
    publishSafetyMs: 3_000,
    log,
    metrics,
  });
  return { handler, metrics, topic };
}

describe('processor metrics', () => {
  it('records the age of each published event since it was received, by source', async () => {
    const { handler, metrics } = build();

    await handler(event(['evt_1', 'evt_2']), context);

    // One age per event published: its sample count is the number published.
    expect(metrics.adds).toEqual([
      { metric: 'ingestToPublishAge', value: 1_500, dimensions: { Source: 'stripe' } },
      { metric: 'ingestToPublishAge', value: 1_500, dimensions: { Source: 'stripe' } },
    ]);
    expect(metrics.flushes).toBe(1);
  });

  it('counts the messages it fails and the messages SQS hands over again', async () => {
    const { handler, metrics, topic } = build();
    topic.failNext();

    const response = await handler(event(['evt_1', 'evt_2'], 2), context);

    expect(response.batchItemFailures).toHaveLength(2);
    expect(metrics.total('processingFailures', { Source: 'stripe' })).toBe(2);
    expect(metrics.total('processingRetries', { Source: 'stripe' })).toBe(2);
    expect(metrics.adds.filter((a) => a.metric === 'ingestToPublishAge')).toEqual([]);
  });

  it('the shared pipeline counts under one Source value, (shared), whatever source or tenant each event has', async () => {
    const { handler, metrics } = build(silentLog, ANY_SOURCE);

    await handler(event(['evt_1'], 2), context);

    expect(metrics.adds.map((a) => a.dimensions)).toEqual([{ Source: SHARED_PIPELINE }, { Source: SHARED_PIPELINE }]);
  });

  it('logs the batch with its source and the ids it published', async () => {
    const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const record = (message: string, ...extra: Array<Record<string, unknown>>) =>
      void lines.push({ message, fields: Object.assign({}, ...extra) });
    const { handler } = build({ ...silentLog, info: record });

    await handler(event(['evt_1', 'evt_2']), context);

    expect(lines.find((l) => l.message === 'batch processed')!.fields).toMatchObject({
      source: 'stripe',
      eventIds: ['evt_1', 'evt_2'],
    });
  });
});
