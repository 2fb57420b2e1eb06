/**
 * The recovery routes of the outbound API: `POST …/endpoints/{endpoint}/recover` and `POST …/messages/replay`,
 * through the real handler (routing, body, error boundary) on in-memory stores.
 */
import { describe, expect, it } from 'vitest';
import type { Delivery, DeliveryStatus } from '../../lambdas/core/outbound/model';
import { retentionSettingsSchema } from '../../lambdas/core/outbound/retention';
import { createOutboundApiHandler } from '../../lambdas/outbound-api/create-handler';
import { verifierContext } from '../../local/local-http';
import { delivery, endpoint, message, NOW } from '../helpers/outbound';
import { apiPost, recoveryApi } from '../helpers/outbound-recovery';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RECOVER = '/v1/tenants/acme/endpoints/ep_1/recover';
const REPLAY = '/v1/tenants/acme/messages/replay';

/** Delivery n of ep_1, created n seconds into the last day. */
const lost = (n: number, status: DeliveryStatus = 'exhausted', overrides: Partial<Delivery> = {}): Delivery =>
  delivery({
    deliveryId: `dlv_${n}`,
    messageId: `msg_${n}`,
    status,
    attemptCount: 1,
    createdAt: NOW - DAY + n * 1000,
    ...(status === 'skipped' && { skipReason: 'endpoint_disabled' }),
    ...overrides,
  });

async function call(api: ReturnType<typeof recoveryApi>, path: string, body: unknown) {
  const response = await createOutboundApiHandler(api.deps)(apiPost(path, body), verifierContext());
  return { status: response.statusCode, json: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
}

describe('POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover', () => {
  it('answers 202 with the counts, requeues each lost delivery and wakes it', async () => {
    const api = recoveryApi({ deliveries: [lost(1), lost(2, 'skipped'), lost(3, 'failed'), lost(4, 'delivered')] });

    const r = await call(api, RECOVER, { since: new Date(NOW - 2 * DAY).toISOString() });

    expect(r).toMatchObject({
      status: 202,
      json: { recoveryId: expect.stringMatching(/^rcv_/), queued: 3, notRecoverable: 1 },
    });
    expect(api.wakeUps.sent).toEqual(
      ['dlv_1', 'dlv_2', 'dlv_3'].map((deliveryId) => ({ tenantId: 'acme', deliveryId, delaySeconds: 0 })),
    );
    expect(api.deliveries.deliveries.get('dlv_2')).toMatchObject({
      status: 'pending',
      nextAttemptAt: NOW,
      scheduleBase: 1,
    });
  });

  it('a second identical request queues nothing and wakes nothing', async () => {
    const api = recoveryApi({ deliveries: [lost(1), lost(2)] });
    const body = { since: NOW - 2 * DAY, until: NOW - HOUR };
    await call(api, RECOVER, body);
    api.wakeUps.sent.length = 0;

    expect(await call(api, RECOVER, body)).toMatchObject({
      status: 202,
      json: { queued: 0, alreadyQueued: 2, notRecoverable: 0 },
    });
    expect(api.wakeUps.sent).toEqual([]);
  });

  it('wakes the deliveries paced within a queue delay and leaves the later ones to the sweeper', async () => {
    const api = recoveryApi({
      endpoints: [endpoint({ rateLimit: { perSecond: 1, burst: 1 } })],
      deliveries: Array.from({ length: 903 }, (_, n) => lost(n)),
    });

    expect((await call(api, RECOVER, { since: NOW - 2 * DAY })).json).toMatchObject({ queued: 903 });

    // Paced one a second: due after 0 … 902 s. SQS holds a message at most 900 s.
    expect(api.wakeUps.sent.map((w) => w.delaySeconds)).toEqual(Array.from({ length: 901 }, (_, s) => s));
    expect(api.deliveries.deliveries.get('dlv_902')).toMatchObject({ status: 'pending', nextAttemptAt: NOW + 902_000 });
  });

  it('refuses a window older than the retention with a 400 that names it', async () => {
    const api = recoveryApi({ deliveries: [lost(1)] });

    const r = await call(api, RECOVER, { since: NOW - 31 * DAY });

    expect(r).toMatchObject({
      status: 400,
      json: { error: 'invalid_window', message: expect.stringContaining('older than the retention of 30 days') },
    });
    expect(api.recovery.requeued).toEqual([]);
  });

  it('reaches back as far as the configured retention, not the default', async () => {
    const api = recoveryApi({ retention: retentionSettingsSchema.parse({ messagesDays: 7, deliveriesDays: 7 }) });

    expect(await call(api, RECOVER, { since: NOW - 10 * DAY })).toMatchObject({
      status: 400,
      json: { message: expect.stringContaining('retention of 7 days') },
    });
  });

  it.each([
    ['since missing', {}, /since is required/],
    ['since not a time', { since: 'yesterday' }, /since must be an ISO 8601 time .* not "yesterday"/],
    ['until without its zone', { since: NOW - DAY, until: '2026-12-02T05:00:00' }, /until must be an ISO 8601 time/],
    ['a fractional epoch', { since: NOW - DAY + 0.5 }, /since must be/],
    ['a reversed window', { since: NOW - HOUR, until: NOW - DAY }, /since must be before until/],
    [
      'a window ending in the future',
      { since: NOW - HOUR, until: new Date(NOW + HOUR).toISOString() },
      /is in the future/,
    ],
  ])('refuses %s with a 400 invalid_window', async (_what, body, message) => {
    const r = await call(recoveryApi(), RECOVER, body);

    expect(r).toMatchObject({ status: 400, json: { error: 'invalid_window' } });
    expect(r.json.message).toMatch(message);
  });

  it.each([
    ['a body that is not JSON', '{since', /not valid JSON/],
    ['an unknown field', { since: NOW - HOUR, tenant: 'x' }, /Unknown field "tenant"/],
    ['an empty label', { since: NOW - HOUR, label: '' }, /label must be a non-empty string/],
  ])('refuses %s with a 400 bad_request', async (_what, body, message) => {
    const r = await call(recoveryApi(), RECOVER, body);

    expect(r).toMatchObject({ status: 400, json: { error: 'bad_request' } });
    expect(r.json.message).toMatch(message);
  });

  it('accepts epoch milliseconds as a string and ISO dates', async () => {
    const api = recoveryApi({ deliveries: [lost(1)] });

    expect(await call(api, RECOVER, { since: String(NOW - 2 * DAY), until: '2026-12-02' })).toMatchObject({
      status: 202,
      json: { queued: 1 },
    });
  });

  it('answers 404 for an endpoint the tenant does not have', async () => {
    expect(
      await call(recoveryApi(), '/v1/tenants/acme/endpoints/ep_none/recover', { since: NOW - HOUR }),
    ).toMatchObject({ status: 404, json: { error: 'not_found' } });
    expect(await call(recoveryApi(), '/v1/tenants/other/endpoints/ep_1/recover', { since: NOW - HOUR })).toMatchObject({
      status: 404,
    });
  });

  it('answers 409 for a disabled endpoint, whose requeued deliveries would be skipped again', async () => {
    const api = recoveryApi({ endpoints: [endpoint({ enabled: false })], deliveries: [lost(1, 'skipped')] });

    expect(await call(api, RECOVER, { since: NOW - 2 * DAY })).toMatchObject({
      status: 409,
      json: { error: 'endpoint_disabled', message: expect.stringContaining('enable it first') },
    });
    expect(api.recovery.requeued).toEqual([]);
  });

  it('a run that fails half-way wakes what it requeued; the same request again queues only the rest', async () => {
    const api = recoveryApi({ deliveries: [lost(1), lost(2), lost(3), lost(4), lost(5)] });
    api.recovery.failAfter = 2;
    const body = { since: NOW - 2 * DAY };

    expect((await call(api, RECOVER, body)).status).toBe(500);
    expect(api.wakeUps.sent.map((w) => w.deliveryId)).toEqual(['dlv_1', 'dlv_2']);
    api.recovery.failAfter = Infinity;

    expect(await call(api, RECOVER, body)).toMatchObject({
      status: 202,
      json: { queued: 3, alreadyQueued: 2, notRecoverable: 0 },
    });
    expect(api.wakeUps.sent.map((w) => w.deliveryId)).toEqual(['dlv_1', 'dlv_2', 'dlv_3', 'dlv_4', 'dlv_5']);
  });

  it('sends the wake-ups page by page, so a run killed outright leaves at most a page to the sweeper', async () => {
    const api = recoveryApi({ deliveries: [lost(1), lost(2), lost(3), lost(4), lost(5)] });

    await call(api, RECOVER, { since: NOW - 2 * DAY });

    // The fake store reads two deliveries a page.
    expect(api.wakeUps.calls).toEqual([['dlv_1', 'dlv_2'], ['dlv_3', 'dlv_4'], ['dlv_5']]);
  });

  it('a wake-up the queue refuses does not fail the recovery (the sweeper sends it)', async () => {
    const api = recoveryApi({ deliveries: [lost(1)] });
    api.wakeUps.fail = true;

    expect(await call(api, RECOVER, { since: NOW - 2 * DAY })).toMatchObject({ status: 202, json: { queued: 1 } });
    expect(api.log.lines.some((l) => l.level === 'warn' && l.message.startsWith('first wake-ups not sent'))).toBe(true);
  });
});

describe('POST /v1/tenants/{tenant}/messages/replay', () => {
  const stored = [
    message({ id: 'msg_a', createdAt: NOW - DAY }),
    message({ id: 'msg_b', type: 'order.paid', createdAt: NOW - DAY + 1 }),
    message({ id: 'msg_c', createdAt: NOW - DAY + 2 }),
  ];

  it('answers 202 with the counts, creates a new delivery per matching message and wakes it', async () => {
    const api = recoveryApi({ messages: stored });

    const r = await call(api, REPLAY, { since: NOW - 2 * DAY, type: 'invoice.*' });

    expect(r).toMatchObject({ status: 202, json: { replayId: expect.stringMatching(/^rpl_/), matched: 2, queued: 2 } });
    const created = [...api.deliveries.deliveries.values()];
    expect(created.map((d) => [d.messageId, d.endpointId, d.status])).toEqual([
      ['msg_a', 'ep_1', 'pending'],
      ['msg_c', 'ep_1', 'pending'],
    ]);
    expect(api.wakeUps.sent.map((w) => w.deliveryId)).toEqual(created.map((d) => d.deliveryId));
  });

  it('sends the wake-ups of a replay page by page', async () => {
    const api = recoveryApi({ messages: stored });

    await call(api, REPLAY, { since: NOW - 2 * DAY });

    expect(api.wakeUps.calls.map((c) => c.length)).toEqual([1, 1]);
  });

  it('rerunning the same replay creates nothing and wakes nothing', async () => {
    const api = recoveryApi({ messages: stored });
    await call(api, REPLAY, { since: NOW - 2 * DAY });
    api.wakeUps.sent.length = 0;

    expect(await call(api, REPLAY, { since: NOW - 2 * DAY })).toMatchObject({
      status: 202,
      json: { matched: 3, queued: 0 },
    });
    expect(api.wakeUps.sent).toEqual([]);
  });

  it('answers 404 for an endpoint the tenant does not have, and 409 for a disabled one', async () => {
    const api = recoveryApi({
      endpoints: [endpoint(), endpoint({ endpointId: 'ep_off', enabled: false })],
      messages: stored,
    });

    expect(await call(api, REPLAY, { since: NOW - DAY, endpoint: 'ep_none' })).toMatchObject({
      status: 404,
      json: { error: 'not_found' },
    });
    expect(await call(api, REPLAY, { since: NOW - DAY, endpoint: 'ep_off' })).toMatchObject({
      status: 409,
      json: { error: 'endpoint_disabled' },
    });
  });

  it('refuses a bad type pattern and a window beyond retention, with 400', async () => {
    const api = recoveryApi({ messages: stored });

    expect(await call(api, REPLAY, { since: NOW - DAY, type: 'invoice*' })).toMatchObject({
      status: 400,
      json: { error: 'bad_request' },
    });
    expect(await call(api, REPLAY, { since: NOW - 40 * DAY })).toMatchObject({
      status: 400,
      json: { error: 'invalid_window', message: expect.stringContaining('retention of 30 days') },
    });
  });
});
