/**
 * The outbound API's input, through the handler on the real DynamoDB adapters (dynalite): one id rule for every path
 * id (a 400 naming the field, where a key too long for DynamoDB answered 500 and an endpoint route accepted tenants
 * the message route refused), applied too where ids enter through the intake queue; every route under the tenant.
 */
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkPathIds } from '../../lambdas/core/outbound/ids';
import {
  OUTBOUND_ROUTES,
  TENANT_NEUTRAL_ROUTES,
  TENANT_PREFIX,
  matchOutboundRoute,
} from '../../lambdas/outbound-api/routes';
import { createQueueIntakeHandler, intakeRecord } from '../../lambdas/outbound-intake/create-handler';
import { apiCaller } from '../helpers/outbound-api';
import { outboundUnderTest, type OutboundUnderTest } from '../helpers/outbound-composition';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { freshOutboundTable } from '../helpers/outbound-table';
import { NOW, RECEIVER_HOST } from '../helpers/outbound';

const TABLE = 'outbound-api-input';
const dynamo = useEmbeddedDynamo();
const URL_OK = `https://${RECEIVER_HOST}/hooks`;

let o: OutboundUnderTest;
let call: ReturnType<typeof apiCaller>;

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  o = outboundUnderTest({ dynamo: dynamo.client, tableName: TABLE, now: () => NOW });
  call = apiCaller(o.api);
});

const at = (tenant: string) => `/v1/tenants/${encodeURIComponent(tenant)}`;

describe('one rule for every path id', () => {
  it.each([
    ['POST', 'endpoints', { url: URL_OK }],
    ['POST', 'messages', { type: 'invoice.paid', payload: {} }],
    ['GET', 'deliveries', undefined],
    ['GET', 'messages', undefined],
  ])(
    'a tenant id of 2,100 characters on %s …/%s is a 400 naming tenant, not a DynamoDB 500',
    async (method, tail, body) => {
      const r = await call(method, `${at('t'.repeat(2100))}/${tail}`, body);

      expect(r).toEqual({
        status: 400,
        json: { error: 'invalid_id', message: 'tenant must be 1-64 letters, digits, _ or - (got 2100 characters).' },
      });
    },
  );

  it.each([
    ['a space', 'a b'],
    ['CR LF', 'a\r\nb'],
    ['a path', '../../x'],
    ['NUL', 'a\u0000b'],
    ['a wildcard', '*'],
  ])(
    'an endpoint route refuses a tenant with %s, as the message route does, and creates nothing',
    async (_what, tenant) => {
      const endpoints = await call('POST', `${at(tenant)}/endpoints`, { url: URL_OK });
      const messages = await call('POST', `${at(tenant)}/messages`, { type: 'invoice.paid', payload: {} });

      expect([endpoints.status, endpoints.json.error]).toEqual([400, 'invalid_id']);
      expect([messages.status, messages.json.error]).toEqual([400, 'invalid_id']);
      expect(await o.stores.endpoints.listByTenant(tenant)).toEqual([]);
    },
  );

  it.each([
    ['GET', `/endpoints/${'e'.repeat(1100)}`, 'endpoint'],
    ['PATCH', `/endpoints/${'e'.repeat(1100)}`, 'endpoint'],
    ['POST', `/endpoints/${encodeURIComponent('ep 1')}/recover`, 'endpoint'],
    ['GET', `/deliveries/${encodeURIComponent('dlv_1*')}`, 'delivery'],
    ['POST', `/deliveries/${'d'.repeat(65)}/retry`, 'delivery'],
    ['GET', `/messages/${encodeURIComponent('msg 1')}`, 'message'],
    ['GET', `/messages/${'m'.repeat(257)}`, 'message'],
    ['GET', `/recoveries/${encodeURIComponent('rcv_1/..')}`, 'recovery'],
  ])('%s …%s is a 400 naming %s', async (method, tail, field) => {
    const r = await call(method, `${at('acme')}${tail}`, method === 'GET' ? undefined : {});

    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      error: 'invalid_id',
      message: expect.stringMatching(new RegExp(`^${field} must be`)),
    });
  });

  it('an endpoint named in a query or a body is held to the same rule', async () => {
    const listed = await call('GET', `${at('acme')}/deliveries?endpoint=${'e'.repeat(1100)}`);
    const replayed = await call('POST', `${at('acme')}/messages/replay`, { since: NOW - 1000, endpoint: 'ep 1' });

    expect([listed.status, listed.json.message]).toEqual([400, expect.stringMatching(/^endpoint must be/)]);
    expect([replayed.status, replayed.json.message]).toEqual([400, expect.stringMatching(/^endpoint must be/)]);
  });

  it('a message id visible-ASCII and up to 256 characters long is accepted, as before', async () => {
    const id = `order/${'x'.repeat(200)}:#1`;

    const r = await call('POST', `${at('acme')}/messages`, { type: 'invoice.paid', payload: {}, id });

    expect(r).toMatchObject({ status: 202, json: { id } });
  });

  it('the intake queue refuses a record whose tenant breaks the rule (it goes to the dead-letter queue)', async () => {
    const handler = createQueueIntakeHandler(o.intake, intakeRecord);
    const record = (id: string, tenant: string) => ({
      messageId: id,
      body: '{}',
      messageAttributes: {
        tenant: { stringValue: tenant, dataType: 'String' },
        type: { stringValue: 'invoice.paid', dataType: 'String' },
      },
    });

    const out = await handler({
      Records: [record('q1', 't'.repeat(2100)), record('q2', 'a b')],
    } as unknown as SQSEvent);

    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['q1', 'q2']);
    expect(o.log.lines.filter((l) => l.message.startsWith('intake record refused'))).toHaveLength(2);
    expect(JSON.stringify(o.log.lines)).toContain('invalid_id');
  });
});

describe('routes: every one under /v1/tenants/{tenant}/, none other', () => {
  it('lists only routes under the tenant prefix, but the tenant-neutral reference routes', () => {
    expect(OUTBOUND_ROUTES.filter((r) => !r.split(' ')[1]!.startsWith(TENANT_PREFIX))).toEqual(TENANT_NEUTRAL_ROUTES);
    expect(TENANT_NEUTRAL_ROUTES.every((r) => r.startsWith('GET ') && !r.includes('{'))).toBe(true);
  });

  it('names only kinds of id in its paths, so every path parameter is checked by the id rule', () => {
    for (const route of OUTBOUND_ROUTES) {
      const params = Object.fromEntries([...route.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, 'id_1']));
      expect(() => checkPathIds(params), route).not.toThrow();
    }
  });

  it.each([
    ['GET', '/v1/deliveries'],
    ['GET', '/v1/deliveries/dlv_1'],
    ['POST', '/v1/deliveries/dlv_1/retry'],
  ])('no longer serves %s %s', (method, path) => {
    expect(matchOutboundRoute(method, path)).toBeUndefined();
  });

  it("reads a delivery only under its own tenant: another tenant's path finds nothing", async () => {
    await call('POST', `${at('acme')}/endpoints`, { url: URL_OK });
    await call('POST', `${at('acme')}/messages`, { type: 'invoice.paid', payload: {}, id: 'msg_1' });
    const [d] = (await o.stores.deliveries.list({ tenantId: 'acme' })).items;

    const own = await call('GET', `${at('acme')}/deliveries/${d!.deliveryId}`);
    const other = await call('GET', `${at('globex')}/deliveries/${d!.deliveryId}`);
    const retried = await call('POST', `${at('globex')}/deliveries/${d!.deliveryId}/retry`);

    expect(own.status).toBe(200);
    expect([other.status, retried.status]).toEqual([404, 404]);
  });
});
