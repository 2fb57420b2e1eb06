/**
 * Issue #18, 1: every request a receiver sees is a logged attempt. Two wake-ups of one delivery handled by two
 * delivery worker invocations at the same time (a duplicate submission, a sweep, the release of parked deliveries
 * when a circuit closes, a retry, a recovery) send it once, whatever the order in which their reads, writes and
 * requests happen. Real DynamoDB adapters on dynalite; the order is chosen by fast-check's scheduler, which holds
 * every DynamoDB call and every request of both invocations and releases them one at a time.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { DEFAULT_OPERATIONS_SETTINGS } from '../../lambdas/core/outbound/admission/settings';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { deliveryIdFor } from '../../lambdas/core/outbound/intake/fanout';
import type { HttpSender, OutboundRequest } from '../../lambdas/core/outbound/ports';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { delivery, endpoint, message, NOW, ok, TENANT } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-claim';
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

const wakeUp = (deliveryId: string, messageId = 'm0'): SQSEvent =>
  ({ Records: [{ messageId, body: encodeWakeUp({ tenantId: TENANT, deliveryId }) }] }) as SQSEvent;

async function addMessage(id: string): Promise<string> {
  const deliveryId = deliveryIdFor(TENANT, id, 'ep_1');
  await stores.messages.putIfAbsent(message({ id }), NOW);
  await stores.deliveries.createIfAbsent([delivery({ messageId: id, deliveryId })]);
  return deliveryId;
}

describe('two wake-ups of one delivery in two concurrent invocations', () => {
  it('the release of a parked delivery when the circuit closes and its own parked wake-up send it once', async () => {
    let clock = NOW;
    const requests: OutboundRequest[] = [];
    let answer = 503;
    const receiver: HttpSender = { send: async (r) => (requests.push(r), ok(answer)) };
    const sent: string[] = [];
    const o = outboundUnderTest({
      dynamo: dynamo.client,
      tableName: TABLE,
      sender: receiver,
      now: () => clock,
      wakeUps: { send: async (list) => void sent.push(...list.map((w) => w.deliveryId)) },
      operations: {
        ...DEFAULT_OPERATIONS_SETTINGS,
        circuit: { ...DEFAULT_OPERATIONS_SETTINGS.circuit, consecutiveFailures: 1, coolDownSeconds: 1 },
      },
    });
    await stores.endpoints.create(endpoint());
    const probe = await addMessage('msg_probe');
    const parked = await addMessage('msg_parked');

    await o.handler()(wakeUp(probe)); // 503: the circuit opens
    await o.handler()(wakeUp(parked)); // parked, its own wake-up at the end of the cool-down
    expect(requests).toHaveLength(1);
    expect(sent).toEqual([probe, parked]);

    clock += 6_000; // the probe's retry is due, the cool-down is over
    answer = 200;
    sent.length = 0;
    await o.handler()(wakeUp(probe)); // the probe succeeds: the circuit closes and releases the parked delivery
    expect(sent).toEqual([parked]);

    // The release's wake-up and the parked delivery's own wake-up, in two invocations at once.
    await Promise.all([o.handler()(wakeUp(parked, 'm1')), o.handler()(wakeUp(parked, 'm2'))]);
    const forParked = requests.filter((r) => r.headers['webhook-id'] === 'msg_parked');
    expect(forParked).toHaveLength(1);
    expect(await stores.deliveries.get(TENANT, parked)).toMatchObject({ status: 'delivered', attemptCount: 1 });
  });

  it('in any interleaving of their reads, writes and requests, the receiver gets one request and the log one attempt', async () => {
    await stores.endpoints.create(endpoint());
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const id = `msg_${run++}`;
        const deliveryId = await addMessage(id);
        const requests: OutboundRequest[] = [];
        // Every DynamoDB call and every request of both invocations waits for the scheduler.
        const scheduled = {
          send: async (command: { constructor: { name: string } }) => {
            await s.schedule(Promise.resolve(), command.constructor.name);
            return dynamo.client.send(command as never);
          },
        } as unknown as DynamoDBClient;
        const receiver: HttpSender = {
          send: async (r) => {
            await s.schedule(Promise.resolve(), 'request');
            requests.push(r);
            return ok(200);
          },
        };
        const o = outboundUnderTest({ dynamo: scheduled, tableName: TABLE, sender: receiver, now: () => NOW });
        const both = Promise.all([o.handler()(wakeUp(deliveryId, 'm1')), o.handler()(wakeUp(deliveryId, 'm2'))]);
        await s.waitFor(both);

        const stored = await stores.deliveries.get(TENANT, deliveryId);
        const logged = await stores.deliveries.attempts(TENANT, deliveryId);
        expect(requests).toHaveLength(1);
        expect(stored).toMatchObject({ status: 'delivered', attemptCount: 1 });
        expect(logged).toHaveLength(requests.length);
      }),
      { numRuns: 25 },
    );
  });
});
