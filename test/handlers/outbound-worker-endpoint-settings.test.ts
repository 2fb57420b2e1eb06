/**
 * The delivery worker with the real DynamoDB adapters on dynalite: an endpoint's own circuit and health settings
 * are applied over the defaults (another endpoint of the tenant keeps the defaults), and a closing circuit
 * releases that endpoint's waiting deliveries, read from the endpoint index, never another endpoint's.
 */
import { OUTBOUND_TABLE } from '../../lambdas/contract';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { type CircuitState } from '../../lambdas/core/outbound/admission/circuit';
import { circuitSettingsSchema } from '../../lambdas/core/outbound/admission/settings';
import { deliveryIdFor } from '../../lambdas/core/outbound/intake/fanout';
import type { Delivery, Endpoint } from '../../lambdas/core/outbound/model';
import type { SendResult } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { localDynamoClient } from '../../local/dynamo';
import { delivery, endpoint, message, NOW, ok, SECRET } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-endpoint-settings';
const dynamo = useEmbeddedDynamo();

let client: DynamoDBClient;
/** Each Query the stores sent, by index. */
let queries: string[];
let sent: string[];
let stores: { deliveries: DynamoDeliveryStore; endpoints: DynamoEndpointRepository; messages: DynamoMessageStore };
let state: DynamoEndpointStateStore;

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  // A client of its own, so the test can see which index each Query read.
  client = localDynamoClient(dynamo.endpoint);
  queries = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand')
        queries.push((args.input as { IndexName?: string }).IndexName ?? 'table');
      return next(args);
    },
    { step: 'initialize' },
  );
  sent = [];
  stores = {
    deliveries: new DynamoDeliveryStore(client, TABLE, { leaseMs: 15 * 60_000 }),
    endpoints: new DynamoEndpointRepository(client, TABLE),
    messages: new DynamoMessageStore(client, TABLE),
  };
  state = new DynamoEndpointStateStore(client, TABLE);
});

/** A delivery of message `messageId` to `endpointId`, due at NOW. */
async function due(endpointId: string, messageId: string, overrides: Partial<Delivery> = {}): Promise<Delivery> {
  await stores.messages.putIfAbsent(message({ id: messageId }), NOW);
  const d = delivery({ deliveryId: deliveryIdFor('acme', messageId, endpointId), messageId, endpointId, ...overrides });
  await stores.deliveries.createIfAbsent([d]);
  return d;
}

function worker(script: SendResult[]) {
  const handler = outboundUnderTest({
    dynamo: client,
    tableName: TABLE,
    script,
    now: () => NOW,
    stateStore: state,
    wakeUps: { send: async (list) => void sent.push(...list.map((w) => w.deliveryId)) },
  }).handler({ ...stores }); // the tests' own stores: one replaces a read with a failing one
  return (d: Delivery) =>
    handler({
      Records: [{ messageId: d.deliveryId, body: encodeWakeUp({ tenantId: 'acme', deliveryId: d.deliveryId }) }],
    } as SQSEvent);
}

/** An endpoint with its own id, its secret sealed for that id (the fake cipher, like KMS, checks the context). */
const ep = (endpointId: string, overrides: Partial<Endpoint> = {}) =>
  endpoint({
    endpointId,
    secrets: { current: `fake-kms:acme/${endpointId}:${Buffer.from(SECRET).toString('base64')}` },
    ...overrides,
  });
const circuit = async (endpointId: string) =>
  (await state.read({ tenantId: 'acme', endpointId, kind: 'circuit' })).value;

describe('per-endpoint operations settings in the worker', () => {
  it("an endpoint's own circuit settings open its circuit after 2 failures, while another endpoint keeps the default 5", async () => {
    await stores.endpoints.create(ep('ep_1', { circuit: circuitSettingsSchema.parse({ consecutiveFailures: 2 }) }));
    await stores.endpoints.create(ep('ep_2'));
    const run = worker([ok(500)]);

    for (const ep of ['ep_1', 'ep_2']) for (const m of ['msg_a', 'msg_b']) await run(await due(ep, `${m}_${ep}`));

    expect(await circuit('ep_1')).toMatchObject({ status: 'open', reason: 'consecutive_failures' });
    expect(await circuit('ep_2')).toBeUndefined(); // never written: still closed
    expect((await state.readCircuit({ tenantId: 'acme', endpointId: 'ep_2' })).counts.consecutiveFailures).toBe(2);
  });

  it("an endpoint's own health settings disable it after its disableAfterDays", async () => {
    await stores.endpoints.create(ep('ep_1', { health: { disableAfterDays: 1 } }));
    await state.count({ tenantId: 'acme', endpointId: 'ep_1' }, [{ success: false, at: NOW - 86_400_000 }], 60_000);

    await worker([ok(500)])(await due('ep_1', 'msg_1'));

    expect(await stores.endpoints.get('acme', 'ep_1')).toMatchObject({
      enabled: false,
      disabledReason: /^failing continuously since /,
    });
  });
});

describe('releasing parked deliveries when the circuit closes', () => {
  const halfOpen: CircuitState = {
    status: 'open',
    reason: 'consecutive_failures',
    openedAt: NOW - 60_000,
    openUntil: NOW - 1,
    coolDownMs: 30_000,
  };

  it("wakes only this endpoint's waiting, due deliveries, read from the endpoint index; another endpoint's parked ones stay", async () => {
    await stores.endpoints.create(ep('ep_1'));
    await stores.endpoints.create(ep('ep_2'));
    const probe = await due('ep_1', 'msg_probe');
    const parked = await due('ep_1', 'msg_parked', { nextAttemptAt: NOW - 5000 });
    await due('ep_1', 'msg_later', { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 600_000 });
    await due('ep_2', 'msg_other', { nextAttemptAt: NOW - 9000 });
    await state.compareAndSet({ tenantId: 'acme', endpointId: 'ep_1', kind: 'circuit' }, 0, halfOpen);
    queries = [];

    await worker([ok(200)])(probe);

    expect(await circuit('ep_1')).toMatchObject({ status: 'closed' });
    expect(sent).toEqual([parked.deliveryId]);
    expect(queries).not.toContain(OUTBOUND_TABLE.tenantIndex.name);
    expect(queries).toContain(OUTBOUND_TABLE.endpointIndex.name);
  });

  it('a release that cannot read leaves the probe recorded and acknowledged; the parked deliveries wake on their own', async () => {
    await stores.endpoints.create(ep('ep_1'));
    const probe = await due('ep_1', 'msg_probe');
    await due('ep_1', 'msg_parked', { nextAttemptAt: NOW - 5000 });
    await state.compareAndSet({ tenantId: 'acme', endpointId: 'ep_1', kind: 'circuit' }, 0, halfOpen);
    Object.assign(stores.deliveries, {
      waitingDeliveries: async () =>
        Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })),
    });

    const answer = await worker([ok(200)])(probe);

    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await stores.deliveries.get('acme', probe.deliveryId)).toMatchObject({ status: 'delivered' });
    expect(sent).toEqual([]);
  });
});
