import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../lambdas/core/kernel/errors';
import { silentLog } from '../../../../lambdas/core/kernel/log';
import { toHttpResponse } from '../../../../lambdas/core/kernel/http';
import { IdempotencyConflictError } from '../../../../lambdas/core/outbound/errors';
import { acceptMessage, MAX_PAYLOAD_BYTES, type MessageInput } from '../../../../lambdas/core/outbound/intake/accept';
import { retentionSettingsSchema } from '../../../../lambdas/core/outbound/retention';

const DEFAULT_RETENTION_MS = 30 * 86_400_000;
import {
  endpoint,
  FakeDeliveryStore,
  FakeEndpointStore,
  FakeMessageStore,
  NOW,
  PAYLOAD,
  TENANT,
} from '../../../helpers/outbound';

const INPUT: MessageInput = { tenantId: TENANT, id: 'msg_1', type: 'invoice.paid', payload: PAYLOAD };

/** The fixture: a tenant with one endpoint for invoices and empty stores. */
function fixture() {
  const messages = new FakeMessageStore();
  const deliveries = new FakeDeliveryStore();
  const endpoints = new FakeEndpointStore([endpoint()]);
  return { messages, deliveries, endpoints, deps: (nowMs = NOW) => ({ messages, deliveries, endpoints, nowMs }) };
}

describe('acceptMessage()', () => {
  it('records the message once and creates its deliveries, with no second write of the message', async () => {
    const { deps, messages, deliveries } = fixture();

    const outcome = await acceptMessage(INPUT, deps());

    expect(outcome.status).toBe('accepted');
    expect(outcome.deliveries).toHaveLength(1);
    expect(deliveries.deliveries.size).toBe(1);
    expect(messages.records.get(`${TENANT}#msg_1`)).toMatchObject({
      payload: PAYLOAD,
      createdAt: NOW,
      expiresAt: NOW + DEFAULT_RETENTION_MS,
    });
  });

  it('answers duplicate for the same id and payload, creates nothing more, and answers with the deliveries as stored', async () => {
    const { deps, deliveries } = fixture();
    const first = await acceptMessage(INPUT, deps());
    deliveries.deliveries.get(first.deliveries[0]!.deliveryId)!.attemptCount = 1;

    const again = await acceptMessage(INPUT, deps(NOW + 1000));

    expect(again.status).toBe('duplicate');
    expect(again.deliveries).toMatchObject([{ deliveryId: first.deliveries[0]!.deliveryId, attemptCount: 1 }]);
    expect(deliveries.deliveries.size).toBe(1);
  });

  it('still answers duplicate 24 hours later', async () => {
    const { deps } = fixture();
    await acceptMessage(INPUT, deps());

    expect(await acceptMessage(INPUT, deps(NOW + 24 * 3600 * 1000))).toMatchObject({ status: 'duplicate' });
  });

  it('accepts the id again once the record has expired', async () => {
    const { deps } = fixture();
    await acceptMessage(INPUT, deps());

    expect(await acceptMessage(INPUT, deps(NOW + DEFAULT_RETENTION_MS))).toMatchObject({ status: 'accepted' });
  });

  it('answers 409 idempotency_conflict for the same id with another payload', async () => {
    const { deps } = fixture();
    await acceptMessage(INPUT, deps());

    const error = await acceptMessage({ ...INPUT, payload: '{"invoice":"in_2"}' }, deps()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyConflictError);
    const response = toHttpResponse(error, silentLog);
    expect(response).toMatchObject({ statusCode: 409 });
    expect(JSON.parse(response.body)).toMatchObject({ error: 'idempotency_conflict' });
  });

  it('answers 409 for the same id with another type', async () => {
    const { deps } = fixture();
    await acceptMessage(INPUT, deps());

    await expect(acceptMessage({ ...INPUT, type: 'invoice.voided' }, deps())).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
  });

  it('treats the same id from another tenant as another message', async () => {
    const { deps } = fixture();
    await acceptMessage(INPUT, deps());

    expect(await acceptMessage({ ...INPUT, tenantId: 'globex' }, deps())).toMatchObject({ status: 'accepted' });
  });

  it('completes an interrupted fan-out when the sender retries', async () => {
    const { deps, deliveries, messages } = fixture();
    const outage = new FakeDeliveryStore();
    outage.createOrFind = () => Promise.reject(new Error('ServiceUnavailable'));
    const failing = { ...deps(), deliveries: outage };
    await expect(acceptMessage(INPUT, failing)).rejects.toThrow('ServiceUnavailable');

    const retried = await acceptMessage(INPUT, deps(NOW + 2000));

    expect(retried.status).toBe('duplicate');
    expect(retried.deliveries).toHaveLength(1);
    expect(deliveries.deliveries.size).toBe(1);
    expect(messages.records.get(`${TENANT}#msg_1`)?.createdAt).toBe(NOW);
  });

  it('gives an endpoint added since the first accept a delivery when the sender retries', async () => {
    const { deps, endpoints } = fixture();
    await acceptMessage(INPUT, deps());
    endpoints.endpoints.push({ ...endpoint({ endpointId: 'ep_2' }) });

    const retried = await acceptMessage(INPUT, deps(NOW + 2000));

    expect(retried.deliveries.map((d) => d.endpointId).sort()).toEqual(['ep_1', 'ep_2']);
  });

  it.each([
    ['an id with a space', { id: 'msg 1' }],
    ['an empty id', { id: '' }],
    ['an id longer than 256 characters', { id: 'm'.repeat(257) }],
    ['a wildcard type', { type: 'invoice.*' }],
    ['a payload that is not JSON', { payload: '{"a":' }],
    ['a payload over the size limit', { payload: `"${'a'.repeat(MAX_PAYLOAD_BYTES)}"` }],
    ['a malformed tenant id', { tenantId: 'acme/../globex' }],
  ])('refuses %s with 400', async (_what, change) => {
    const { deps, messages } = fixture();

    await expect(acceptMessage({ ...INPUT, ...change }, deps())).rejects.toBeInstanceOf(BadRequestError);
    expect(messages.records.size).toBe(0);
  });

  it('refuses a message retention (the idempotency window) shorter than 24 hours', async () => {
    const { deps } = fixture();
    const retention = { ...retentionSettingsSchema.parse({}), messagesDays: 0.5 }; // the schema itself refuses it; settings built by hand do not

    await expect(acceptMessage(INPUT, { ...deps(), retention })).rejects.toThrow(RangeError);
  });

  it('keeps the message, and its idempotency key, for messagesDays of the retention settings', async () => {
    const { deps, messages } = fixture();

    await acceptMessage(INPUT, {
      ...deps(),
      retention: retentionSettingsSchema.parse({ messagesDays: 45, deliveriesDays: 40 }),
    });

    expect(messages.records.get(`${TENANT}#msg_1`)?.expiresAt).toBe(NOW + 45 * 86_400_000);
  });
});
