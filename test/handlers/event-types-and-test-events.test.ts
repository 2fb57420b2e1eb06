/**
 * The event types catalog through the API: `GET /v1/event-types`, a message refused with a 400 naming the field its
 * type's schema rejects, and a test event sent to one endpoint only, with the catalog's example.
 */
import * as z from 'zod/mini';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineEventTypes } from '../../lambdas/core/outbound/event-types';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { RECEIVER_HOST } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { portalUnderTest } from '../helpers/portal';

const TABLE = 'event-types-api';
const dynamo = useEmbeddedDynamo();
const catalog = defineEventTypes({
  types: [
    {
      name: 'order.created',
      description: 'An order was placed.',
      schema: z.object({ order: z.string(), total: z.int().check(z.minimum(0)) }),
      example: { order: 'ord_1', total: 990 },
    },
    {
      name: 'invoice.paid',
      description: 'Paid.',
      schema: z.object({ invoice: z.string() }),
      example: { invoice: 'in_1' },
    },
  ],
});
let p: ReturnType<typeof portalUnderTest>;

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  p = portalUnderTest({ dynamo: dynamo.client, tableName: TABLE, eventTypes: catalog });
});

const endpointFor = (filterTypes: string[]) =>
  p.call('POST', '/v1/tenants/acme/endpoints', { url: `https://${RECEIVER_HOST}/hooks`, filterTypes });

describe('GET /v1/event-types', () => {
  it('answers each type with its description, JSON Schema and example', async () => {
    const r = await p.call('GET', '/v1/event-types');
    expect(r.status).toBe(200);
    expect(r.json.validation).toBe('catalogued');
    expect(r.json.eventTypes.map((t: { name: string }) => t.name)).toEqual(['invoice.paid', 'order.created']);
    expect(r.json.eventTypes[1]).toMatchObject({
      description: 'An order was placed.',
      schema: { type: 'object', required: ['order', 'total'] },
      example: { order: 'ord_1', total: 990 },
    });
  });
});

describe('POST /v1/tenants/{tenant}/messages with a catalogued type', () => {
  it('refuses a payload its schema rejects with a 400 naming the field, and records nothing', async () => {
    await endpointFor(['*']);
    const r = await p.call('POST', '/v1/tenants/acme/messages', {
      type: 'order.created',
      id: 'm1',
      payload: { order: 'ord_1', total: 'ten' },
    });
    expect([r.status, r.json.error]).toEqual([400, 'bad_request']);
    expect(r.json.message).toContain('payload.total: must be of type number');
    expect((await p.call('GET', '/v1/tenants/acme/deliveries')).json.deliveries).toEqual([]);
  });

  it('accepts a payload that matches', async () => {
    const r = await p.call('POST', '/v1/tenants/acme/messages', {
      type: 'order.created',
      payload: { order: 'ord_1', total: 10 },
    });
    expect(r.status).toBe(202);
  });
});

describe('POST …/endpoints/{endpoint}/test', () => {
  it('sends the first catalogued type the endpoint receives, with its example, to that endpoint alone', async () => {
    await endpointFor(['order.*']);
    await endpointFor(['*']);
    const r = await p.call('POST', '/v1/tenants/acme/endpoints/ep_1/test');
    expect(r.status).toBe(202);
    expect(r.json.message).toMatchObject({ type: 'order.created', id: expect.stringMatching(/^test_/) });
    expect(r.json.delivery).toMatchObject({ endpointId: 'ep_1', status: 'pending' });
    const deliveries = (await p.call('GET', '/v1/tenants/acme/deliveries')).json.deliveries;
    expect(deliveries.map((d: { endpointId: string }) => d.endpointId)).toEqual(['ep_1']);
    expect(p.sent.map((w) => w.deliveryId)).toContain(r.json.delivery.deliveryId);
  });

  it('sends a given type and payload, and refuses a type the endpoint does not receive', async () => {
    await endpointFor(['invoice.*']);
    const given = await p.call('POST', '/v1/tenants/acme/endpoints/ep_1/test', {
      type: 'invoice.paid',
      payload: { invoice: 'in_9' },
    });
    expect(given.status).toBe(202);
    const refused = await p.call('POST', '/v1/tenants/acme/endpoints/ep_1/test', { type: 'order.created' });
    expect([refused.status, refused.json.message]).toEqual([
      400,
      'type: this endpoint does not receive order.created (its filter: invoice.*).',
    ]);
    const invalid = await p.call('POST', '/v1/tenants/acme/endpoints/ep_1/test', {
      type: 'invoice.paid',
      payload: { invoice: 9 },
    });
    expect(invalid.json.message).toContain('payload.invoice: must be of type string');
  });

  it('answers 409 for a disabled endpoint and 404 for an unknown one', async () => {
    await endpointFor(['*']);
    await p.call('PATCH', '/v1/tenants/acme/endpoints/ep_1', { enabled: false });
    expect((await p.call('POST', '/v1/tenants/acme/endpoints/ep_1/test')).status).toBe(409);
    expect((await p.call('POST', '/v1/tenants/acme/endpoints/ep_404/test')).status).toBe(404);
  });
});
