/**
 * The outbound API's endpoint status route and the endpoint's own circuit/health settings, through the handler
 * with the real DynamoDB adapters on dynalite: the status shape (state line and its data, windows, counts with
 * parked apart), 404 for an unknown endpoint, and a 400 naming the wrong settings field.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import type { HttpResponse } from '../../lambdas/core/kernel/http';
import type { Delivery } from '../../lambdas/core/outbound/model';
import { matchOutboundRoute } from '../../lambdas/outbound-api/routes';
import { createOutboundApiHandler } from '../../lambdas/outbound-api/create-handler';
import { verifierContext } from '../../local/local-http';
import { claimAndRecord, delivery, NOW, RECEIVER_HOST } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { outboundUnderTest } from '../helpers/outbound-composition';
import type { EndpointStateStore } from '../../lambdas/core/outbound/admission/state-store';

const TABLE = 'outbound-api-status';
const MIN = 60_000;
const dynamo = useEmbeddedDynamo();

let clock = NOW;
let deliveries: DynamoDeliveryStore;
let state: EndpointStateStore;
let handler: ReturnType<typeof createOutboundApiHandler>;

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  clock = NOW;
  const o = outboundUnderTest({ dynamo: dynamo.client, tableName: TABLE, now: () => clock });
  ({ deliveries, state } = o.stores);
  handler = createOutboundApiHandler(o.api);
});

/** JSON answers, asserted on by shape. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on by shape
): Promise<{ status: number; json: Record<string, any> }> {
  const route = matchOutboundRoute(method, path)!;
  const event = {
    routeKey: route.routeKey,
    rawPath: path,
    pathParameters: route.pathParameters,
    headers: {},
    isBase64Encoded: false,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  };
  const r = (await handler(event as unknown as APIGatewayProxyEventV2, verifierContext())) as HttpResponse;
  return { status: r.statusCode, json: JSON.parse(r.body) as Record<string, unknown> };
}

const made = (id: string, overrides: Partial<Delivery> = {}): Delivery =>
  delivery({ deliveryId: id, messageId: `msg_${id}`, ...overrides });

describe('GET /v1/tenants/{tenant}/endpoints/{endpoint}/status', () => {
  it('answers the state line and its data, both windows and the delivery counts, parked apart while the circuit is open', async () => {
    await call('POST', '/v1/tenants/acme/endpoints', {
      url: `https://${RECEIVER_HOST}/hooks`,
      filterTypes: ['invoice.*'],
    });
    const [sent, waiting, later] = [
      made('d_sent', { createdAt: NOW - 30 * MIN }),
      made('d_wait', { nextAttemptAt: NOW - MIN }),
      made('d_later'),
    ];
    await deliveries.createIfAbsent([sent, waiting, later]);
    await claimAndRecord(
      deliveries,
      {
        tenantId: 'acme',
        deliveryId: 'd_sent',
        endpointId: 'ep_1',
        messageId: 'msg_d_sent',
        number: 1,
        at: NOW - 20 * MIN,
        latencyMs: 80,
        status: 200,
      },
      { status: 'delivered', attemptCount: 1, updatedAt: NOW - 20 * MIN },
      0,
    );
    await claimAndRecord(
      deliveries,
      {
        tenantId: 'acme',
        deliveryId: 'd_later',
        endpointId: 'ep_1',
        messageId: 'msg_d_later',
        number: 1,
        at: NOW - 2 * MIN,
        latencyMs: 15_000,
        error: 'timeout',
      },
      { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 10 * MIN, updatedAt: NOW - 2 * MIN },
      0,
    );
    const key = { tenantId: 'acme', endpointId: 'ep_1' };
    await state.compareAndSet({ ...key, kind: 'circuit' }, 0, {
      status: 'open',
      reason: 'consecutive_failures',
      openedAt: NOW - MIN,
      openUntil: NOW + 30_000,
      coolDownMs: 30_000,
    });
    await state.count(key, [{ success: false, at: NOW - 2 * MIN }], 60_000);

    const r = await call('GET', '/v1/tenants/acme/endpoints/ep_1/status');

    expect(r.status).toBe(200);
    expect(r.json.endpoint).toMatchObject({ endpointId: 'ep_1', url: `https://${RECEIVER_HOST}/hooks` });
    expect(r.json.endpoint.secrets).toBeUndefined();
    expect(r.json.status).toEqual({
      state:
        'enabled; circuit open until 2026-12-02T06:00:30.000Z (opened 2026-12-02T05:59:00.000Z, consecutive failures); failing since 2026-12-02T05:58:00.000Z, disabled at 2026-12-07T05:58:00.000Z unless it recovers',
      enabled: true,
      circuit: { phase: 'open', reason: 'consecutive_failures', openedAt: NOW - MIN, openUntil: NOW + 30_000 },
      health: { failingSince: NOW - 2 * MIN, disableAt: NOW - 2 * MIN + 5 * 86_400_000 },
      settings: { circuit: expect.objectContaining({ consecutiveFailures: 5 }), health: { disableAfterDays: 5 } },
      lastHour: { attempts: 2, successes: 1, successRate: 0.5, p50Ms: 80, p99Ms: 15_000 },
      lastDay: { attempts: 2, successes: 1, successRate: 0.5, p50Ms: 80, p99Ms: 15_000 },
      deliveries: { pending: 0, parked: 1, failed: 1, exhausted: 0, skipped: 0, delivered: 1 },
      series: { lastHour: expect.any(Array), lastDay: expect.any(Array) },
    });
    // The charts' series: the success 20 minutes ago and the timeout 2 minutes ago, each in its 5-minute bucket.
    const hour = r.json.status.series.lastHour as { attempts: number; successRate?: number }[];
    expect(hour.map((b) => b.attempts)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect([hour[7]!.successRate, hour[11]!.successRate]).toEqual([1, 0]);
  });

  it('reads an endpoint without state records as closed and healthy, and counts its due deliveries as pending', async () => {
    await call('POST', '/v1/tenants/acme/endpoints', { url: `https://${RECEIVER_HOST}/hooks` });
    await deliveries.createIfAbsent([made('d_1')]);

    const r = await call('GET', '/v1/tenants/acme/endpoints/ep_1/status');

    expect(r.json.status).toMatchObject({
      state: 'enabled',
      circuit: { phase: 'closed' },
      health: {},
      deliveries: { pending: 1, parked: 0 },
      lastDay: { attempts: 0 },
    });
  });

  it('answers 404 for an endpoint that does not exist', async () => {
    const r = await call('GET', '/v1/tenants/acme/endpoints/ep_missing/status');

    expect(r).toMatchObject({ status: 404, json: { error: 'not_found' } });
  });
});

describe("an endpoint's own circuit and health settings", () => {
  it('are stored whole (defaults filled in), applied in the status, and removed by null', async () => {
    const created = await call('POST', '/v1/tenants/acme/endpoints', {
      url: `https://${RECEIVER_HOST}/hooks`,
      circuit: { consecutiveFailures: 3 },
      health: { disableAfterDays: 2 },
    });
    expect(created.json.endpoint.circuit).toMatchObject({
      consecutiveFailures: 3,
      failureRate: 0.5,
      coolDownSeconds: 30,
    });

    const shown = await call('GET', '/v1/tenants/acme/endpoints/ep_1/status');
    expect(shown.json.status.settings).toMatchObject({
      circuit: { consecutiveFailures: 3 },
      health: { disableAfterDays: 2 },
    });

    const reset = await call('PATCH', '/v1/tenants/acme/endpoints/ep_1', { circuit: null });
    expect(reset.json.endpoint.circuit).toBeUndefined();
    expect(reset.json.endpoint.health).toEqual({ disableAfterDays: 2 });
  });

  it('are refused with a 400 naming the field', async () => {
    const r = await call('POST', '/v1/tenants/acme/endpoints', {
      url: `https://${RECEIVER_HOST}/hooks`,
      circuit: { consecutiveFailures: 0 },
    });
    const cooled = await call('POST', '/v1/tenants/acme/endpoints', {
      url: `https://${RECEIVER_HOST}/hooks`,
      circuit: { coolDownSeconds: 900, maxCoolDownSeconds: 60 },
    });
    const unknown = await call('POST', '/v1/tenants/acme/endpoints', {
      url: `https://${RECEIVER_HOST}/hooks`,
      health: { disableAfterHours: 3 },
    });

    expect(r).toMatchObject({ status: 400, json: { message: 'circuit.consecutiveFailures: must be at least 1' } });
    expect(cooled).toMatchObject({
      status: 400,
      json: { message: 'circuit.maxCoolDownSeconds: maxCoolDownSeconds must be at least coolDownSeconds' },
    });
    expect(unknown).toMatchObject({ status: 400, json: { message: 'health: unknown field disableAfterHours' } });
  });
});
