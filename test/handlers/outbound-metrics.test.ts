/**
 * The metrics the alarms of decision 0012 read: the worker counts deliveries that end exhausted, the sweeper
 * reports how late its oldest claim is on every run. The worker runs on the real DynamoDB adapters (dynalite).
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { emfMetrics } from '../../lambdas/adapters/emf-metrics';
import { OUTBOUND_METRICS } from '../../lambdas/contract';
import type { Metrics } from '../../lambdas/core/outbound/metrics';
import type { SendResult, WakeUpClaim } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { createSweeper } from '../../lambdas/delivery-sweeper/create-handler';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';
import { ensureOutboundTable } from '../../local/outbound-table';
import { claimAndRecord, delivery, endpoint, message, NOW, ok, recordingLog } from '../helpers/outbound';

type Put = { name: string; value: number; unit: string };
const recording = (): Metrics & { puts: Put[] } => {
  const puts: Put[] = [];
  return { puts, put: (name, value, unit) => void puts.push({ name, value, unit }) };
};

describe('delivery worker metrics', () => {
  let dynamo: EmbeddedDynamo;
  let table = 0;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  let run: (script: SendResult[]) => Promise<Put[]>;
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
      const metrics = recording();
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
      return metrics.puts;
    };
  });

  it('a delivery that ends exhausted (410 Gone) counts 1', async () => {
    expect(await run([ok(410)])).toEqual([{ name: OUTBOUND_METRICS.deliveriesExhausted, value: 1, unit: 'Count' }]);
  });

  it('a delivery whose last scheduled attempt fails counts 1', async () => {
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

    expect(await run([ok(500)])).toEqual([{ name: OUTBOUND_METRICS.deliveriesExhausted, value: 1, unit: 'Count' }]);
  });

  it('a delivered delivery emits nothing', async () => {
    expect(await run([ok(200)])).toEqual([]);
    expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({ status: 'delivered' });
  });

  it('a failed attempt with a retry left emits nothing', async () => {
    expect(await run([ok(500)])).toEqual([]);
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
    const metrics = recording();
    const sweeper = createSweeper({
      due: { claimDue: async () => claims },
      wakeUps: { send: async () => {} },
      now: () => NOW,
      log: recordingLog(),
      metrics,
    });
    await sweeper();
    return metrics.puts;
  };

  it('reports the age of the oldest claimed delivery, in whole seconds', async () => {
    expect(await sweep([claim(NOW - 90_500), claim(NOW - 1_000_000), claim(NOW + 30_000)])).toEqual([
      { name: OUTBOUND_METRICS.oldestDueAgeSeconds, value: 1000, unit: 'Seconds' },
    ]);
  });

  it('reports 0 when it claims nothing, or only deliveries ahead of their time', async () => {
    expect(await sweep([])).toEqual([{ name: OUTBOUND_METRICS.oldestDueAgeSeconds, value: 0, unit: 'Seconds' }]);
    expect(await sweep([claim(NOW + 59_000)])).toEqual([
      { name: OUTBOUND_METRICS.oldestDueAgeSeconds, value: 0, unit: 'Seconds' },
    ]);
  });
});

describe('emfMetrics', () => {
  it('writes one Embedded Metric Format line naming the namespace, the table dimension and the unit', () => {
    const lines: string[] = [];
    emfMetrics(
      'outbound-table',
      (line) => lines.push(line),
      () => NOW,
    ).put(OUTBOUND_METRICS.deliveriesExhausted, 2, 'Count');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: 'WebhookIngestion/Outbound',
              Dimensions: [['OutboundTable']],
              Metrics: [{ Name: 'DeliveriesExhausted', Unit: 'Count' }],
            },
          ],
        },
        OutboundTable: 'outbound-table',
        DeliveriesExhausted: 2,
      },
    ]);
  });
});
