/**
 * Outbound delivery end to end through the local stack: the `/v1` API, intake, fan-out, the delivery worker, the
 * real HTTP sender, and a receiver that verifies signatures with the official standardwebhooks library.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createListener, type ReceivedRequest } from '../../cli/lib/listener';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { keys } from '../../lambdas/adapters/dynamo-outbound-codec';
import { localDynamoClient } from '../../local/dynamo';
import { LOCAL_OUTBOUND_TABLE_NAME } from '../../local/outbound-table';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let t: TestStack;
let receiver: ReturnType<typeof createListener>;
let secret = '';
let receiverUrl = '';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.stack.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on by shape
  return { status: response.status, text, json: JSON.parse(text) as Record<string, any> };
}

async function startReceiver(statuses: number[]) {
  receiver = createListener({ secret: () => secret, statuses });
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
}

async function addEndpoint(fields: Record<string, unknown> = {}) {
  const created = await call('POST', '/v1/tenants/acme/endpoints', {
    url: receiverUrl,
    filterTypes: ['invoice.*'],
    retryDelaysSeconds: [1, 1],
    ...fields,
  });
  expect(created.status).toBe(201);
  secret = created.json.secret as string;
  return created.json.endpoint.endpointId as string;
}

beforeEach(async () => {
  t = await startTestStack();
});
afterEach(async () => {
  await t.stop();
  await new Promise((r) => receiver?.server.close(r));
});

describe('outbound delivery through the local stack', () => {
  it('a receiver answering 500 then 200 gets the message twice, signed, with the same webhook-id; both attempts are logged', async () => {
    await startReceiver([500, 200]);
    await addEndpoint();

    const sent = await call(
      'POST',
      '/v1/tenants/acme/messages',
      '{"type":"invoice.paid","payload":{"amount":12345678901234567890}}',
      { 'idempotency-key': 'msg_e2e_1' },
    );
    expect(sent).toMatchObject({ status: 202, json: { status: 'accepted', id: 'msg_e2e_1', deliveries: 1 } });

    const list = await waitFor('the delivery to be delivered', async () => {
      const r = await call('GET', '/v1/tenants/acme/deliveries?status=delivered');
      return (r.json.deliveries as unknown[]).length === 1 ? r : undefined;
    });
    const id = list.json.deliveries[0].deliveryId as string;
    const shown = await call('GET', `/v1/tenants/acme/deliveries/${id}`);
    expect(shown.json.delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });
    expect(shown.json.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);

    expect(receiver.received.map((r: ReceivedRequest) => [r.verified, r.headers['webhook-id'], r.answered])).toEqual([
      [true, 'msg_e2e_1', 500],
      [true, 'msg_e2e_1', 200],
    ]);
    // The payload reaches the receiver byte for byte inside the Standard Webhooks envelope.
    expect(receiver.received[0]!.body).toContain('"data":{"amount":12345678901234567890}');
    expect(receiver.received[0]!.headers['user-agent']).toMatch(/^webhook-ingestion-stack\//);
  });

  it('a 64 KiB payload is kept apart from the table and reaches the receiver byte for byte, signed', async () => {
    await startReceiver([200]);
    await addEndpoint();
    const payload = `{"blob":"${'x'.repeat(64 * 1024)}","big":12345678901234567890}`;

    const sent = await call('POST', '/v1/tenants/acme/messages', `{"type":"invoice.paid","payload":${payload}}`, {
      'idempotency-key': 'msg_large',
    });
    expect(sent.status).toBe(202);

    await waitFor('the large message delivered', () => receiver.received.length === 1);
    expect(receiver.received[0]!.verified).toBe(true);
    expect(receiver.received[0]!.body).toContain(`"data":${payload}}`);
    const item = await localDynamoClient(t.stack.dynamoEndpoint).send(
      new GetItemCommand({ TableName: LOCAL_OUTBOUND_TABLE_NAME, Key: keys.message('acme', 'msg_large') }),
    );
    expect(item.Item?.payload).toBeUndefined();
    expect(item.Item?.payloadRef?.S).toMatch(/^payloads\//);
  });

  it('the secret is shown at creation and rotation only; list and get never return it', async () => {
    await startReceiver([200]);
    const id = await addEndpoint();
    expect(secret).toMatch(/^whsec_/);

    const list = await call('GET', '/v1/tenants/acme/endpoints');
    const get = await call('GET', `/v1/tenants/acme/endpoints/${id}`);
    for (const r of [list, get]) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('whsec_');
      expect(r.text).not.toContain('"secrets"');
    }
    const rotated = await call('POST', `/v1/tenants/acme/endpoints/${id}/rotate-secret`);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(secret);
    expect(rotated.json.endpoint.previousSecretExpiresAt).toBeGreaterThan(Date.now());
  });

  it('during a rotation every request carries both signatures, so a receiver with the old secret still verifies', async () => {
    await startReceiver([200]);
    const id = await addEndpoint();
    const old = secret;
    await call('POST', `/v1/tenants/acme/endpoints/${id}/rotate-secret`);
    secret = old; // the receiver has not switched yet

    await call('POST', '/v1/tenants/acme/messages', { type: 'invoice.paid', payload: {} });

    await waitFor('a request', () => receiver.received.length === 1);
    expect(receiver.received[0]!.verified).toBe(true);
    expect(receiver.received[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
  });

  it('registration refuses a URL the SSRF guard blocks (instance metadata), with 422', async () => {
    await startReceiver([200]);
    const r = await call('POST', '/v1/tenants/acme/endpoints', { url: 'http://169.254.169.254/latest/meta-data/' });
    expect(r).toMatchObject({ status: 422, json: { error: 'url_refused' } });
  });

  it('the same id is accepted once: same payload → duplicate (200), other payload → 409; a non-matching type → no delivery', async () => {
    await startReceiver([200]);
    await addEndpoint();
    const body = { id: 'msg_dup', type: 'invoice.paid', payload: { a: 1 } };
    expect((await call('POST', '/v1/tenants/acme/messages', body)).status).toBe(202);
    expect(await call('POST', '/v1/tenants/acme/messages', body)).toMatchObject({
      status: 200,
      json: { status: 'duplicate' },
    });
    expect(await call('POST', '/v1/tenants/acme/messages', { ...body, payload: { a: 2 } })).toMatchObject({
      status: 409,
      json: { error: 'idempotency_conflict' },
    });
    expect((await call('POST', '/v1/tenants/acme/messages', { type: 'order.paid', payload: {} })).json.deliveries).toBe(
      0,
    );
    await waitFor('one request', () => receiver.received.length === 1);
  });

  it('an exhausted delivery is replayed by retry and then delivered', async () => {
    await startReceiver([503, 503, 200]);
    await addEndpoint({ retryDelaysSeconds: [1] });
    await call('POST', '/v1/tenants/acme/messages', { type: 'invoice.paid', payload: {} });
    const exhausted = await waitFor(
      'exhausted',
      async () =>
        (await call('GET', '/v1/tenants/acme/deliveries?status=exhausted')).json.deliveries[0] as
          | { deliveryId: string }
          | undefined,
    );

    expect((await call('POST', `/v1/tenants/acme/deliveries/${exhausted.deliveryId}/retry`)).status).toBe(202);

    await waitFor(
      'delivered',
      async () =>
        (await call('GET', `/v1/tenants/acme/deliveries/${exhausted.deliveryId}`)).json.delivery.status === 'delivered',
    );
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 503, 200]);
  });

  it('a disabled endpoint gets nothing, its message recorded as a skipped delivery; a deleted endpoint is 404 afterwards', async () => {
    await startReceiver([200]);
    const id = await addEndpoint();
    expect((await call('PATCH', `/v1/tenants/acme/endpoints/${id}`, { enabled: false })).json.endpoint.enabled).toBe(
      false,
    );
    expect((await call('POST', '/v1/tenants/acme/messages', { type: 'invoice.paid', payload: {} })).json).toMatchObject(
      { deliveries: 0, skipped: 1 },
    );
    expect((await call('GET', '/v1/tenants/acme/deliveries')).json.deliveries).toMatchObject([
      { endpointId: id, status: 'skipped', skipReason: 'endpoint_disabled', attemptCount: 0 },
    ]);
    expect(receiver.received).toEqual([]);
    expect((await call('DELETE', `/v1/tenants/acme/endpoints/${id}`)).status).toBe(200);
    expect((await call('GET', `/v1/tenants/acme/endpoints/${id}`)).status).toBe(404);
  });

  it('a verified Stripe event is relayed, signed, to the endpoints of the tenant config/relays.ts names', async () => {
    await startReceiver([200]);
    const created = await call('POST', '/v1/tenants/internal/endpoints', { url: receiverUrl });
    secret = created.json.secret as string;

    const stripe = signedRequest(t.stack.url, 'stripe');
    expect((await post(stripe)).status).toBe(202);

    await waitFor('the relayed delivery', () => receiver.received.length === 1);
    expect(receiver.received[0]!.verified).toBe(true);
    expect(receiver.received[0]!.headers['webhook-id']).toBe(`stripe:${stripe.eventId}`);
  });
});
