/**
 * The outbound metrics the dashboard and alarms read: the worker counts each attempt by outcome with its latency,
 * the sweeper reports how late its oldest claim is on every run, and the operations topic counts circuits opened
 * and closed and endpoints disabled. The worker runs on the real DynamoDB adapters (dynalite).
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { countingNotifications } from '../../lambdas/core/outbound/metrics';
import { recordingMetrics, type RecordedAdd } from '../helpers/metrics';
import type { SendResult, WakeUpClaim } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { createSweeper } from '../../lambdas/delivery-sweeper/create-handler';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';
import { ensureOutboundTable } from '../../local/outbound-table';
import { claimAndRecord, delivery, endpoint, message, NOW, ok, recordingLog } from '../helpers/outbound';

describe('delivery worker metrics', () => {
  let dynamo: EmbeddedDynamo;
  let table = 0;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  let run: (script: SendResult[]) => Promise<RecordedAdd[]>;
  let deliveries: DynamoDeliveryStore;
  beforeEach(async () => {
    const name = `metrics-${++table}`;
    await ensureOutboundTable(dynamo.client, name);
    deliveries = new DynamoDeliveryStore(dynamo.client, name);
    const endpoints = new DynamoEndpointRepository(dynamo.client, name);
    const messages = new DynamoMessageStore(dynamo.client, name);
    await endpoints.create(endpoint({ retryDelaysSeconds: [5] }));
    await messages.putIfAbsent(message(), NOW);
    await deliveries.createIfAbsent([delivery()]);
    run = async (script) => {
      const metrics = recordingMetrics();
      const handler = outboundUnderTest({
        dynamo: dynamo.client,
        tableName: name,
        script,
        now: () => NOW + 60_000,
        metrics,
      }).handler();
      const event = {
        Records: [{ messageId: 'm0', body: encodeWakeUp({ tenantId: 'acme', deliveryId: delivery().deliveryId }) }],
      } as SQSEvent;
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
      return metrics.adds;
    };
  });

  const attempt = (outcome: string) => [
    { metric: 'deliveryAttempts', value: 1, dimensions: { Outcome: outcome } },
    { metric: 'attemptLatency', value: expect.any(Number) },
  ];

  it('a delivery that ends exhausted (410 Gone) counts one exhausted attempt and the endpoint disabled', async () => {
    expect(await run([ok(410)])).toEqual([{ metric: 'endpointsDisabled', value: 1 }, ...attempt('exhausted')]);
  });

  it('a delivery whose last scheduled attempt fails counts one exhausted attempt', async () => {
    const first = {
      tenantId: 'acme',
      deliveryId: delivery().deliveryId,
      endpointId: 'ep_1',
      messageId: 'msg_1',
      number: 1,
      at: NOW,
      latencyMs: 1,
      status: 500,
    };
    await claimAndRecord(
      deliveries,
      first,
      { status: 'failed', attemptCount: 1, nextAttemptAt: NOW, updatedAt: NOW },
      0,
    );

    expect(await run([ok(500)])).toEqual(attempt('exhausted'));
  });

  it('a delivered delivery counts one delivered attempt and its latency', async () => {
    expect(await run([ok(200)])).toEqual(attempt('delivered'));
    expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({ status: 'delivered' });
  });

  it('a failed attempt with a retry left counts one failed attempt', async () => {
    expect(await run([ok(500)])).toEqual(attempt('failed'));
    expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({ status: 'failed' });
  });
});

describe('sweeper metrics', () => {
  const claim = (dueAt: number): WakeUpClaim => ({
    tenantId: 'acme',
    deliveryId: `dlv_${dueAt}`,
    nextAttemptAt: dueAt,
    dueAt,
  });
  const sweep = async (claims: WakeUpClaim[]) => {
    const metrics = recordingMetrics();
    const sweeper = createSweeper({
      due: { claimDue: async () => claims },
      wakeUps: { send: async () => {} },
      now: () => NOW,
      log: recordingLog(),
      metrics,
    });
    await sweeper();
    return metrics.adds;
  };

  it('reports the age of the oldest claimed delivery, in whole seconds', async () => {
    expect(await sweep([claim(NOW - 90_500), claim(NOW - 1_000_000), claim(NOW + 30_000)])).toEqual([
      { metric: 'oldestDueDeliveryAge', value: 1000 },
    ]);
  });

  it('reports 0 when it claims nothing, or only deliveries ahead of their time', async () => {
    expect(await sweep([])).toEqual([{ metric: 'oldestDueDeliveryAge', value: 0 }]);
    expect(await sweep([claim(NOW + 59_000)])).toEqual([{ metric: 'oldestDueDeliveryAge', value: 0 }]);
  });
});

describe('operations topic metrics', () => {
  const entry = (id: string, type: string) => ({ id, message: '{}', attributes: { type } });

  it('counts circuits opened and closed and endpoints disabled, once each, as they are published', async () => {
    const metrics = recordingMetrics();
    const topic = countingNotifications({ publishBatch: async () => new Set<string>() }, metrics);
    await topic.publishBatch([
      entry('a', 'endpoint.circuit.opened'),
      entry('b', 'endpoint.circuit.closed'),
      entry('c', 'endpoint.disabled'),
      entry('d', 'message.attempt.exhausted'),
      entry('e', 'endpoint.enabled'),
    ]);
    expect(metrics.adds).toEqual([
      { metric: 'circuitsOpened', value: 1 },
      { metric: 'circuitsClosed', value: 1 },
      { metric: 'endpointsDisabled', value: 1 },
    ]);
  });

  it('does not count a notification the topic refused', async () => {
    const metrics = recordingMetrics();
    const topic = countingNotifications({ publishBatch: async () => new Set(['a']) }, metrics);
    expect(await topic.publishBatch([entry('a', 'endpoint.circuit.opened')])).toEqual(new Set(['a']));
    expect(metrics.adds).toEqual([]);
  });
});
