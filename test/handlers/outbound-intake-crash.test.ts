/**
 * Issue #18, 2: a crash never stalls a delivery. Intake over the real DynamoDB adapters on dynalite, with a fault
 * point between the fan-out and the first wake-up: the intake dies there (its wake-up never leaves), or the queue
 * refuses the wake-up. The producer's retry (answered `duplicate`), or the sweeper a minute later, wakes the
 * delivery; when not even the sweep entry can be written, the submission fails so the producer retries.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { OUTBOUND_TABLE } from '../../lambdas/contract';
import { submitMessage } from '../../lambdas/core/outbound/intake/submit';
import type { WakeUpQueue } from '../../lambdas/core/outbound/ports';
import { createSweeper } from '../../lambdas/delivery-sweeper/create-handler';
import { outboundUnderTest, wakeUpEvent } from '../helpers/outbound-composition';
import { endpoint, NOW, TENANT } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-intake-crash';
const dynamo = useEmbeddedDynamo();
const input = { tenantId: TENANT, id: 'msg_crash', type: 'invoice.paid', payload: '{"n":1}' };

let clock = NOW;
let sent: string[];
const queue: WakeUpQueue = { send: async (list) => void sent.push(...list.map((w) => w.deliveryId)) };
const hangs: WakeUpQueue = { send: () => new Promise(() => undefined) };
const refuses: WakeUpQueue = {
  send: async () => {
    throw new Error('injected: the delivery queue refused the wake-up');
  },
};

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  clock = NOW;
  sent = [];
});

function outbound(client: DynamoDBClient = dynamo.client) {
  return outboundUnderTest({ dynamo: client, tableName: TABLE, now: () => clock, wakeUps: queue });
}

describe('a crash between the fan-out and the first wake-up', () => {
  it("the producer's retry, answered duplicate, wakes the delivery, which is then delivered", async () => {
    const o = outbound();
    await o.stores.endpoints.create(endpoint());
    // The first submission dies after the fan-out: its wake-up never leaves, and it never answers.
    void submitMessage(input, { ...o.intake, wakeUps: hangs });
    await new Promise((r) => setTimeout(r, 200));
    const [created] = (await o.stores.deliveries.list({ tenantId: TENANT })).items;
    expect(created).toMatchObject({ status: 'pending', attemptCount: 0 });

    clock += 5_000;
    const retry = await submitMessage(input, o.intake);
    expect(retry.status).toBe('duplicate');
    expect(sent).toEqual([created!.deliveryId]);
    await o.handler()(wakeUpEvent(created!.deliveryId));
    expect(o.sender.requests).toHaveLength(1);
    expect(await o.stores.deliveries.get(TENANT, created!.deliveryId)).toMatchObject({ status: 'delivered' });
  });

  it("a wake-up the queue refuses puts the delivery in the sweep a minute ahead: the sweeper's next run wakes it", async () => {
    const o = outbound();
    await o.stores.endpoints.create(endpoint());
    const outcome = await submitMessage(input, { ...o.intake, wakeUps: refuses });
    expect(outcome.status).toBe('accepted');
    const deliveryId = outcome.deliveries[0]!.deliveryId;

    // The sweeper runs every minute and takes what falls due before its next run.
    clock += 30_000;
    expect(await createSweeper({ ...o.sweeper, now: () => clock })()).toEqual({ woken: 1 });
    expect(sent).toEqual([deliveryId]);
  });

  it('when neither the wake-up nor the sweep entry can be written, the submission fails, so the producer retries', async () => {
    // A table that refuses the write putting a delivery in the sweep (`due` index), and nothing else.
    const refusing = {
      send: async (command: { constructor: { name: string }; input: { UpdateExpression?: string } }) => {
        if (
          command.constructor.name === 'UpdateItemCommand' &&
          JSON.stringify(command.input).includes(OUTBOUND_TABLE.dueIndex.sortKey)
        )
          throw new Error('injected: throttled');
        return dynamo.client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const o = outbound(refusing);
    await o.stores.endpoints.create(endpoint());

    await expect(submitMessage(input, { ...o.intake, wakeUps: refuses })).rejects.toThrow();
    const retry = await submitMessage(input, o.intake);
    expect(retry.status).toBe('duplicate');
    expect(sent).toHaveLength(1);
  });
});
