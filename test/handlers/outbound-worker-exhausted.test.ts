/**
 * The delivery worker publishes `message.attempt.exhausted` when a delivery ends exhausted (last attempt of its
 * schedule failed, or 410 Gone), once, in the documented schema; a topic that fails does not fail the batch nor
 * repeat the attempt. Real DynamoDB adapters on dynalite, as in outbound-worker-admission.test.ts.
 */
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import type { PublishEntry, Topic } from '../../lambdas/core/kernel/ports';
import type { Delivery } from '../../lambdas/core/outbound/model';
import type { EndpointStateStore } from '../../lambdas/core/outbound/admission/state-store';
import { parseNotification } from '../../lambdas/core/outbound/admission/notifications';
import type { SendResult } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { claimAndRecord, delivery, endpoint, message, NOW, ok } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-exhausted';
const dynamo = useEmbeddedDynamo();

let stores: { deliveries: DynamoDeliveryStore; endpoints: DynamoEndpointRepository; messages: DynamoMessageStore };
beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  stores = {
    deliveries: new DynamoDeliveryStore(dynamo.client, TABLE),
    endpoints: new DynamoEndpointRepository(dynamo.client, TABLE),
    messages: new DynamoMessageStore(dynamo.client, TABLE),
  };
});

/** The fixture: an endpoint with a one-retry schedule and its delivery, on its last attempt unless told otherwise. */
async function setUp(overrides: Partial<Delivery> = { status: 'failed', attemptCount: 1, nextAttemptAt: NOW }) {
  await stores.endpoints.create(endpoint({ retryDelaysSeconds: [1] }));
  await stores.messages.putIfAbsent(message(), NOW);
  await stores.deliveries.createIfAbsent([delivery(overrides)]);
}

/** A state store a test may swap in before building its worker. */
const contended: { store?: EndpointStateStore } = {};
beforeEach(() => {
  contended.store = undefined;
});

const recordingTopic = () => {
  const published: PublishEntry[] = [];
  const topic: Topic = { publishBatch: async (e) => (published.push(...e), new Set<string>()) };
  return { topic, published };
};

function worker(script: SendResult[], notifications: Topic) {
  const o = outboundUnderTest({
    dynamo: dynamo.client,
    tableName: TABLE,
    script,
    now: () => NOW,
    notifications,
    stateStore: contended.store ?? new DynamoEndpointStateStore(dynamo.client, TABLE),
  });
  return { handler: o.handler(), sender: o.sender, log: o.log };
}

const wakeUp = (messageId = 'm0') => ({
  messageId,
  body: encodeWakeUp({ tenantId: 'acme', deliveryId: delivery().deliveryId }),
});
const run = (handler: ReturnType<typeof worker>['handler'], records = [wakeUp()]) =>
  handler({ Records: records } as SQSEvent);

describe('message.attempt.exhausted', () => {
  it('is published once, in the documented schema, when the last attempt of the schedule fails', async () => {
    await setUp();
    const { topic, published } = recordingTopic();
    const { handler } = worker([ok(503)], topic);

    expect(await run(handler)).toEqual({ batchItemFailures: [] });
    await run(handler, [wakeUp('m1')]); // the same wake-up again: the delivery is final, nothing more is published

    expect(published).toHaveLength(1);
    expect(published[0]!.attributes).toEqual({ type: 'message.attempt.exhausted' });
    const n = parseNotification(JSON.parse(published[0]!.message));
    expect(n.id).toBe(published[0]!.id);
    expect(n).toMatchObject({
      type: 'message.attempt.exhausted',
      timestamp: new Date(NOW).toISOString(),
      data: {
        tenantId: 'acme',
        endpointId: 'ep_1',
        messageId: 'msg_1',
        deliveryId: delivery().deliveryId,
        messageType: 'invoice.paid',
        attempts: 2,
        reason: 'no_attempts_left',
        lastAttempt: { at: new Date(NOW).toISOString(), status: 503 },
      },
    });
  });

  it('says gone when the receiver answered 410, whatever attempts are left', async () => {
    await setUp({ status: 'pending', attemptCount: 0, nextAttemptAt: NOW });
    const { topic, published } = recordingTopic();

    await run(worker([ok(410)], topic).handler);

    const types = published.map((p) => p.attributes.type);
    expect(types).toContain('message.attempt.exhausted');
    const exhausted = parseNotification(
      JSON.parse(published.find((p) => p.attributes.type === 'message.attempt.exhausted')!.message),
    );
    expect(exhausted.data).toMatchObject({ attempts: 1, reason: 'gone', lastAttempt: { status: 410 } });
  });

  it('is not published for a failure with attempts left', async () => {
    await setUp({ status: 'pending', attemptCount: 0, nextAttemptAt: NOW });
    const { topic, published } = recordingTopic();

    await run(worker([ok(503)], topic).handler);

    expect(published).toEqual([]);
  });

  it('a topic that fails fails the wake-up, not the attempt: SQS delivers it again and that publishes without a second attempt', async () => {
    await setUp();
    const failing: Topic = {
      publishBatch: async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottledException' })),
    };
    const first = worker([ok(503)], failing);

    expect(await run(first.handler)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(first.sender.requests).toHaveLength(1);
    expect(await stores.deliveries.get('acme', delivery().deliveryId)).toMatchObject({
      status: 'exhausted',
      attemptCount: 2,
    });
    expect(first.log.lines.filter((l) => l.message === 'operator notifications not published')).toHaveLength(1);

    const { topic, published } = recordingTopic();
    const again = worker([ok(200)], topic);
    expect(await run(again.handler, [wakeUp('m0')])).toEqual({ batchItemFailures: [] });
    expect(again.sender.requests).toHaveLength(0);
    expect(published.map((p) => parseNotification(JSON.parse(p.message)).data)).toMatchObject([
      { attempts: 2, reason: 'no_attempts_left', lastAttempt: { status: 503 } },
    ]);
  });

  it('a worker that died after recording the exhaustion and before publishing: the wake-up SQS delivers again publishes it, once', async () => {
    await setUp();
    // The crash: the last attempt is recorded (the delivery is exhausted), the notification never left.
    const a = {
      tenantId: 'acme',
      deliveryId: delivery().deliveryId,
      endpointId: 'ep_1',
      messageId: 'msg_1',
      number: 2,
      at: NOW - 1000,
      latencyMs: 9,
      status: 502,
    };
    expect(
      await claimAndRecord(stores.deliveries, a, { status: 'exhausted', attemptCount: 2, updatedAt: NOW - 1000 }, 1),
    ).toBe(true);
    const { topic, published } = recordingTopic();
    const { handler, sender } = worker([ok(200)], topic);

    expect(await run(handler)).toEqual({ batchItemFailures: [] });
    await run(handler, [wakeUp('m1')]);

    expect(sender.requests).toHaveLength(0);
    expect(published).toHaveLength(1);
    expect(parseNotification(JSON.parse(published[0]!.message)).data).toMatchObject({
      attempts: 2,
      lastAttempt: { at: new Date(NOW - 1000).toISOString(), status: 502 },
    });
  });

  it('is published though the circuit could not be opened for contention: the step does not fail', async () => {
    await setUp();
    // The attempt's failure calls for opening the circuit, and every compare-and-set of its state loses its race.
    const real = new DynamoEndpointStateStore(dynamo.client, TABLE);
    contended.store = {
      read: (key) => real.read(key),
      compareAndSet: async () => false,
      readCircuit: (e) => real.readCircuit(e),
      reset: (e) => real.reset(e),
      count: async (e, samples, windowMs) => {
        const record = await real.count(e, samples, windowMs);
        return { ...record, counts: { ...record.counts, consecutiveFailures: 1000 } };
      },
    };
    const { topic, published } = recordingTopic();
    const { handler, log } = worker([ok(503)], topic);

    expect(await run(handler)).toEqual({ batchItemFailures: [] });

    expect(published.map((p) => p.attributes.type)).toEqual(['message.attempt.exhausted']);
    expect(log.lines.some((l) => l.message.startsWith('circuit transition not written'))).toBe(true);
  });
});
