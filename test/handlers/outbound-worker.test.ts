/**
 * The delivery worker and the sweeper with the real DynamoDB adapters (on dynalite), a scripted receiver and a
 * manual clock: which wake-ups they send, when, and what they acknowledge or report as failed.
 */
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import type { PublishEntry } from '../../lambdas/core/kernel/ports';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import type { SendResult, WakeUpQueue } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { createSweeper } from '../../lambdas/delivery-sweeper/create-handler';
import type { WorkerDeps } from '../../lambdas/delivery-worker/create-handler';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { claimAndRecord, delivery, endpoint, message, NOW, ok, recordingLog } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-worker';
const LEASE = 15 * 60_000;
const dynamo = useEmbeddedDynamo();

let clock = NOW;
let leases = 0;
let sent: Array<{ deliveryId: string; delaySeconds: number }>;
let stores: { deliveries: DynamoDeliveryStore; endpoints: DynamoEndpointRepository; messages: DynamoMessageStore };
let state: DynamoEndpointStateStore;
let published: PublishEntry[];

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  clock = NOW;
  sent = [];
  stores = {
    deliveries: new DynamoDeliveryStore(dynamo.client, TABLE, { leaseMs: LEASE }),
    endpoints: new DynamoEndpointRepository(dynamo.client, TABLE),
    messages: new DynamoMessageStore(dynamo.client, TABLE),
  };
  state = new DynamoEndpointStateStore(dynamo.client, TABLE);
  published = [];
  await stores.endpoints.create(endpoint());
  await stores.messages.putIfAbsent(message(), NOW);
  await stores.deliveries.createIfAbsent([delivery()]);
});

const wakeUps: WakeUpQueue = {
  send: async (list) =>
    void sent.push(...list.map((w) => ({ deliveryId: w.deliveryId, delaySeconds: w.delaySeconds }))),
};

function worker(script: SendResult[] = [ok()], overrides: Partial<WorkerDeps> = {}) {
  const o = outboundUnderTest({
    dynamo: dynamo.client,
    tableName: TABLE,
    script,
    now: () => clock,
    leaseMs: LEASE,
    stateStore: state,
    wakeUps,
    newLeaseId: () => `lease_${++leases}`,
    notifications: { publishBatch: async (e) => (published.push(...e), new Set<string>()) },
  });
  return { handler: o.handler(overrides), sender: o.sender, log: o.log };
}

const event = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, body }) as SQSEvent['Records'][number]),
});
const wake = (deliveryId = delivery().deliveryId) => encodeWakeUp({ tenantId: 'acme', deliveryId });

describe('delivery worker', () => {
  it("reads each endpoint once per batch: the batch's deliveries to it share the read", async () => {
    const ids = ['msg_a', 'msg_b', 'msg_c'];
    for (const id of ids) {
      await stores.messages.putIfAbsent(message({ id }), NOW);
      await stores.deliveries.createIfAbsent([delivery({ messageId: id, deliveryId: `dlv_${id}` })]);
    }
    let endpointReads = 0;
    const counting = {
      send: (command: { constructor: { name: string }; input: { Key?: { sk?: { S?: string } } } }) => {
        if (command.constructor.name === 'GetItemCommand' && command.input.Key?.sk?.S?.startsWith('EP#'))
          endpointReads++;
        return dynamo.client.send(command as never);
      },
    } as unknown as typeof dynamo.client;
    const o = outboundUnderTest({ dynamo: counting, tableName: TABLE, now: () => clock, wakeUps });

    await o.handler()(event(...ids.map((id) => wake(`dlv_${id}`))));

    expect(o.sender.requests).toHaveLength(3);
    expect(endpointReads).toBe(1);
  });

  it('a failed attempt whose retry fits a queue delay sends its own delayed wake-up', async () => {
    const { handler } = worker([ok(500)]);
    expect(await handler(event(wake()))).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([{ deliveryId: delivery().deliveryId, delaySeconds: 5 }]);
  });

  it('a retry longer than 900 s is left to the sweeper, which wakes it when it falls due', async () => {
    const { handler } = worker([ok(500)]);
    await claimAndRecord(
      stores.deliveries,
      {
        tenantId: 'acme',
        deliveryId: delivery().deliveryId,
        endpointId: 'ep_1',
        messageId: 'msg_1',
        number: 1,
        at: NOW,
        latencyMs: 1,
        status: 500,
      },
      { status: 'failed', attemptCount: 1, nextAttemptAt: NOW, updatedAt: NOW },
      0,
    );
    await handler(event(wake())); // attempt 2 fails: next in 300 s (queued); attempt 3 would wait 1800 s
    expect(sent.map((s) => s.delaySeconds)).toEqual([300]);
    clock += 300_000;
    sent = [];
    await handler(event(wake()));
    expect(sent).toEqual([]);

    const sweeper = createSweeper({ due: stores.deliveries, wakeUps, now: () => clock, log: recordingLog() });
    expect(await sweeper()).toEqual({ woken: 0 });
    clock += 1800_000 - 30_000; // within the sweep horizon of the retry
    expect(await sweeper()).toEqual({ woken: 1 });
    expect(sent).toEqual([{ deliveryId: delivery().deliveryId, delaySeconds: 30 }]);
    expect(await sweeper()).toEqual({ woken: 0 }); // claimed: not sent twice
  });

  it('a wake-up that arrives early is put back for the time left, and nothing is sent', async () => {
    const first = worker([ok(500)]);
    await first.handler(event(wake()));
    sent = [];
    const { handler, sender } = worker();
    await handler(event(wake()));
    expect(sender.requests).toHaveLength(0);
    expect(sent).toEqual([{ deliveryId: delivery().deliveryId, delaySeconds: 5 }]);
  });

  it('two wake-ups for one delivery in a batch make one attempt', async () => {
    const { handler, sender } = worker();
    await handler(event(wake(), wake()));
    expect(sender.requests).toHaveLength(1);
    expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toHaveLength(1);
  });

  it('a delivery whose endpoint was deleted ends skipped without a request', async () => {
    await stores.endpoints.remove('acme', 'ep_1');
    const { handler, sender } = worker();
    await handler(event(wake()));
    expect(sender.requests).toHaveLength(0);
    expect(await stores.deliveries.get('acme', delivery().deliveryId)).toMatchObject({
      status: 'skipped',
      skipReason: 'endpoint_deleted',
    });
  });

  it('a store outage fails only that record (reported for redelivery); a poison message is dropped', async () => {
    const broken = {
      ...stores.deliveries,
      get: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
    } as unknown as DynamoDeliveryStore;
    const { handler } = worker([ok()], { deliveries: broken });
    expect(await handler(event(wake(), 'not json'))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });

  it('a next wake-up the queue refuses fails the wake-up, so SQS brings it back to queue the retry (no index holds it)', async () => {
    const { handler, log } = worker([ok(500)], {
      wakeUps: { send: async () => Promise.reject(new Error('sqs down')) },
    });
    expect(await handler(event(wake()))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(log.lines.some((l) => l.message.includes('their wake-ups will be retried'))).toBe(true);
    const sweeper = createSweeper({ due: stores.deliveries, wakeUps, now: () => clock, log: recordingLog() });
    expect(await sweeper()).toEqual({ woken: 0 });

    // SQS delivers the failed wake-up again: the attempt is not repeated, the retry's wake-up is queued.
    const { handler: again, sender } = worker([ok(500)]);
    expect(await again(event(wake()))).toEqual({ batchItemFailures: [] });
    expect(sender.requests).toHaveLength(0);
    expect(sent).toEqual([{ deliveryId: delivery().deliveryId, delaySeconds: 5 }]);
  });

  it('every line about a delivery names its message too, so a search by the message id finds each one', async () => {
    const { handler, log } = worker([ok(500)]);
    await handler(event(wake()));
    await stores.endpoints.remove('acme', 'ep_1');
    clock += 3_600_000;
    await handler(event(wake()));

    const lines = log.lines.map((l) => ({ message: l.message, ...Object.assign({}, ...(l.extra as object[])) }));
    const aboutDelivery = lines.filter((l) => 'deliveryId' in l);
    expect(aboutDelivery.map((l) => l.message)).toEqual(['delivery attempt', 'delivery skipped']);
    for (const line of aboutDelivery) expect(line).toMatchObject({ messageId: 'msg_1' });
  });
});
