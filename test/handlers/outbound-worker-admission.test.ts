/**
 * The delivery worker behind the admission gate, with the real DynamoDB adapters (endpoint state included) on
 * dynalite: an open circuit parks, a rate limit throttles (neither uses an attempt), a half-open circuit sends
 * one probe, settlement opens and closes the circuit and disables a failing endpoint, and each of those
 * publishes its operator notification.
 */
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import type { PublishEntry } from '../../lambdas/core/kernel/ports';
import type { CircuitState } from '../../lambdas/core/outbound/admission/circuit';
import type { Endpoint } from '../../lambdas/core/outbound/model';
import type { SendResult } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { ssrfPolicy } from '../../lambdas/core/outbound/delivery/ssrf';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { updateEndpoint } from '../../lambdas/core/outbound/endpoints/management';
import { delivery, endpoint, fakeCipher, FakeResolver, message, NOW, ok } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-admission';
const DAY = 86_400_000;
const dynamo = useEmbeddedDynamo();

let clock = NOW;
let sent: Array<{ deliveryId: string; delaySeconds: number }>;
let published: PublishEntry[];
let stores: { deliveries: DynamoDeliveryStore; endpoints: DynamoEndpointRepository; messages: DynamoMessageStore };
let state: DynamoEndpointStateStore;

async function setUp(ep: Partial<Endpoint> = {}) {
  await stores.endpoints.create(endpoint(ep));
  await stores.messages.putIfAbsent(message(), NOW);
  await stores.deliveries.createIfAbsent([delivery()]);
}

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  clock = NOW;
  sent = [];
  published = [];
  stores = {
    deliveries: new DynamoDeliveryStore(dynamo.client, TABLE, { leaseMs: 15 * 60_000 }),
    endpoints: new DynamoEndpointRepository(dynamo.client, TABLE),
    messages: new DynamoMessageStore(dynamo.client, TABLE),
  };
  state = new DynamoEndpointStateStore(dynamo.client, TABLE);
});

function worker(script: SendResult[] = [ok()]) {
  const o = outboundUnderTest({
    dynamo: dynamo.client,
    tableName: TABLE,
    script,
    now: () => clock,
    stateStore: state,
    wakeUps: {
      send: async (list) =>
        void sent.push(...list.map((w) => ({ deliveryId: w.deliveryId, delaySeconds: w.delaySeconds }))),
    },
    notifications: { publishBatch: async (e) => (published.push(...e), new Set<string>()) },
  });
  return { handler: o.handler(), sender: o.sender };
}

const run = (handler: ReturnType<typeof worker>['handler']) =>
  handler({
    Records: [{ messageId: 'm0', body: encodeWakeUp({ tenantId: 'acme', deliveryId: delivery().deliveryId }) }],
  } as SQSEvent);
const key = { tenantId: 'acme', endpointId: 'ep_1' } as const;
const open = (openUntil: number): CircuitState => ({
  status: 'open',
  reason: 'consecutive_failures',
  openedAt: NOW - 60_000,
  openUntil,
  coolDownMs: 30_000,
});
const stored = async () => (await stores.deliveries.get('acme', delivery().deliveryId))!;
const types = () => published.map((p) => p.attributes.type);

describe('delivery worker with admission', () => {
  it('an open circuit parks the delivery: no request, no attempt used, a wake-up at the next probe time', async () => {
    await setUp();
    await state.compareAndSet({ ...key, kind: 'circuit' }, 0, open(NOW + 30_000));
    const { handler, sender } = worker();
    expect(await run(handler)).toEqual({ batchItemFailures: [] });
    expect(sender.requests).toHaveLength(0);
    expect((await stored()).attemptCount).toBe(0);
    expect(sent).toEqual([{ deliveryId: delivery().deliveryId, delaySeconds: 30 }]);
  });

  it('over the endpoint rate limit the delivery is re-queued with a delay, no attempt used', async () => {
    await setUp({ rateLimit: { perSecond: 1, burst: 1 } });
    await state.compareAndSet({ ...key, kind: 'rate' }, 0, { level: 0, at: NOW });
    const { handler, sender } = worker();
    await run(handler);
    expect(sender.requests).toHaveLength(0);
    expect((await stored()).attemptCount).toBe(0);
    expect(sent).toEqual([{ deliveryId: delivery().deliveryId, delaySeconds: 1 }]);
  });

  it('the stored rate limit takes a token for each attempt', async () => {
    await setUp({ rateLimit: { perSecond: 2, burst: 3 } });
    await run(worker().handler);
    expect((await state.read({ ...key, kind: 'rate' })).value).toEqual({ level: 2000, at: NOW });
  });

  it('the fifth failure in a row opens the circuit and publishes endpoint.circuit.opened', async () => {
    await setUp();
    const windowMs = 60_000;
    await state.count(
      key,
      [1, 2, 3, 4].map((i) => ({ success: false, at: NOW - i })),
      windowMs,
    );
    await run(worker([ok(500)]).handler);
    expect((await state.read({ ...key, kind: 'circuit' })).value?.status).toBe('open');
    expect(types()).toEqual(['endpoint.circuit.opened']);
    expect(JSON.parse(published[0]!.message)).toMatchObject({
      data: { tenantId: 'acme', endpointId: 'ep_1', reason: 'consecutive_failures' },
    });
  });

  it('a half-open circuit sends the delivery as its probe; a success closes it and publishes endpoint.circuit.closed', async () => {
    await setUp();
    await state.compareAndSet({ ...key, kind: 'circuit' }, 0, open(NOW - 1));
    const { handler, sender } = worker([ok(200)]);
    await run(handler);
    expect(sender.requests).toHaveLength(1);
    expect((await state.read({ ...key, kind: 'circuit' })).value?.status).toBe('closed');
    expect(types()).toEqual(['endpoint.circuit.closed']);
    expect((await stored()).status).toBe('delivered');
  });

  it('when the probe closes the circuit, the parked deliveries of the endpoint are woken oldest first at its rate', async () => {
    await setUp({ rateLimit: { perSecond: 1, burst: 1 } });
    const parked = [
      delivery({ deliveryId: 'dlv_old', messageId: 'msg_2', nextAttemptAt: NOW - 5000 }),
      delivery({ deliveryId: 'dlv_new', messageId: 'msg_3', nextAttemptAt: NOW - 1000 }),
    ];
    const backingOff = delivery({
      deliveryId: 'dlv_later',
      messageId: 'msg_4',
      status: 'failed',
      attemptCount: 1,
      nextAttemptAt: NOW + 600_000,
    });
    const otherEndpoint = delivery({ deliveryId: 'dlv_other', messageId: 'msg_5', endpointId: 'ep_2' });
    await stores.deliveries.createIfAbsent([...parked, backingOff, otherEndpoint]);
    await state.compareAndSet({ ...key, kind: 'circuit' }, 0, open(NOW - 1));
    await run(worker([ok(200)]).handler);
    expect(sent.map((s) => s.deliveryId)).toEqual(['dlv_old', 'dlv_new']);
    const [first, second] = sent.map((s) => s.delaySeconds);
    expect(second! - first!).toBeGreaterThanOrEqual(1); // one a second
  });

  it('a failed probe keeps the circuit open with a longer cool-down and publishes nothing', async () => {
    await setUp();
    await state.compareAndSet({ ...key, kind: 'circuit' }, 0, open(NOW - 1));
    await run(worker([ok(503)]).handler);
    const circuit = (await state.read({ ...key, kind: 'circuit' })).value;
    expect(circuit).toMatchObject({ status: 'open', coolDownMs: 60_000 });
    expect(published).toEqual([]);
    // Logged as a probe; the delivery's schedule is untouched (still due: the gate parks it until the next probe).
    expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toMatchObject([
      { number: 1, status: 503, probe: true },
    ]);
    expect(await stored()).toMatchObject({ status: 'failed', attemptCount: 1, probes: 1, nextAttemptAt: NOW });
  });

  it('an endpoint failing for disableAfterDays is disabled by its health record and endpoint.disabled is published', async () => {
    await setUp();
    await state.count(key, [{ success: false, at: NOW - 5 * DAY }], 60_000);
    await run(worker([ok(500)]).handler);
    const ep = await stores.endpoints.get('acme', 'ep_1');
    expect(ep?.enabled).toBe(false);
    expect(ep?.disabledReason).toMatch(/^failing continuously since /);
    expect(types()).toEqual(['endpoint.disabled']);
  });

  it('a disabled endpoint skips the delivery without taking a token', async () => {
    await setUp({ enabled: false, rateLimit: { perSecond: 1, burst: 1 } });
    const { handler, sender } = worker();
    await run(handler);
    expect(sender.requests).toHaveLength(0);
    expect((await stored()).status).toBe('skipped');
    expect(await state.read({ ...key, kind: 'rate' })).toEqual({ value: undefined, version: 0 });
  });

  it('re-enabling a disabled endpoint closes its breaker, restarts its failing clock and publishes endpoint.enabled', async () => {
    await setUp({ enabled: false, disabledReason: 'failing continuously since …' });
    await state.compareAndSet({ ...key, kind: 'circuit' }, 0, open(NOW + 30_000));
    await state.count(key, [{ success: false, at: NOW - 5 * DAY }], 60_000);
    await state.count(key, [{ success: false, at: NOW - 1000 }], 60_000);
    const deps = {
      endpoints: stores.endpoints,
      cipher: fakeCipher,
      resolver: new FakeResolver({}),
      ssrf: ssrfPolicy(),
      now: () => clock,
      newId: () => 'x',
    };
    const operations = {
      store: state,
      notifications: { publishBatch: async (e: readonly PublishEntry[]) => (published.push(...e), new Set<string>()) },
    };
    await updateEndpoint('acme', 'ep_1', { enabled: true }, { ...deps, operations });
    const reset = await state.readCircuit(key);
    expect(reset.circuit.value?.status).toBe('closed');
    expect(reset.health).toEqual({ lastFailureAt: NOW - 1000 });
    expect(reset.counts).toEqual({ consecutiveFailures: 0, window: [] });
    expect(types()).toEqual(['endpoint.enabled']);
    // Enabling an endpoint that is already enabled changes no state and publishes nothing.
    await updateEndpoint('acme', 'ep_1', { enabled: true }, { ...deps, operations });
    expect(types()).toEqual(['endpoint.enabled']);
  });
});
