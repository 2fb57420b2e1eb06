/**
 * Operator routes that tell the truth, through the handler on the real DynamoDB adapters (dynalite): deliveries and
 * messages listed a page at a time with a cursor; a message shown with its deliveries; a retry refused while the
 * endpoint is disabled (409, as recover); disabling by hand notifies; recovery and replay runs read back, a rerun
 * saying what an earlier run had queued; header values never in an answer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseNotification } from '../../lambdas/core/outbound/admission/notifications';
import type { Delivery } from '../../lambdas/core/outbound/model';
import { apiCaller } from '../helpers/outbound-api';
import { outboundUnderTest, type OutboundUnderTest } from '../helpers/outbound-composition';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { freshOutboundTable } from '../helpers/outbound-table';
import { delivery, NOW, RECEIVER_HOST } from '../helpers/outbound';

const TABLE = 'outbound-api-operations';
const dynamo = useEmbeddedDynamo();
const ACME = '/v1/tenants/acme';
const HOUR = 3_600_000;

let clock = NOW;
let o: OutboundUnderTest;
let call: ReturnType<typeof apiCaller>;

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  clock = NOW;
  let endpoints = 0;
  o = outboundUnderTest({
    dynamo: dynamo.client,
    tableName: TABLE,
    now: () => clock,
    newEndpointId: () => `ep_${++endpoints}`,
  });
  call = apiCaller(o.api);
  await call('POST', `${ACME}/endpoints`, { url: `https://${RECEIVER_HOST}/hooks` });
});

async function send(id: string, at = clock) {
  clock = at;
  return call('POST', `${ACME}/messages`, { type: 'invoice.paid', payload: { id }, id });
}

describe('GET …/deliveries a page at a time', () => {
  it('answers at most limit deliveries, newest first, and a cursor that reaches every one once', async () => {
    for (let i = 0; i < 7; i++) await send(`msg_${i}`, NOW + i);

    const seen: string[] = [];
    let path = `${ACME}/deliveries?limit=3`;
    const sizes: number[] = [];
    for (;;) {
      const r = await call('GET', path);
      sizes.push(r.json.deliveries.length);
      seen.push(...(r.json.deliveries as Delivery[]).map((d) => d.messageId));
      if (r.json.cursor === undefined) break;
      path = `${ACME}/deliveries?limit=3&cursor=${encodeURIComponent(r.json.cursor as string)}`;
    }

    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(['msg_6', 'msg_5', 'msg_4', 'msg_3', 'msg_2', 'msg_1', 'msg_0']);
  });

  it('carries the message type, for the list to show', async () => {
    await send('msg_1');

    expect((await call('GET', `${ACME}/deliveries`)).json.deliveries[0]).toMatchObject({ type: 'invoice.paid' });
  });

  it.each([
    ['limit=0', 'bad_request'],
    ['limit=1001', 'bad_request'],
    ['limit=ten', 'bad_request'],
    ['cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
    ['status=lost', 'bad_request'],
  ])('refuses ?%s with a 400', async (query, error) => {
    expect(await call('GET', `${ACME}/deliveries?${query}`)).toMatchObject({ status: 400, json: { error } });
  });
});

it("a delivery a worker is sending is shown without the worker's claim (list, show, the message's deliveries)", async () => {
  await send('msg_1');
  const [d] = (await call('GET', `${ACME}/deliveries`)).json.deliveries as Delivery[];
  const claim = { attempt: 1, token: 'worker_token', at: clock, until: clock + 70_000 };
  expect(
    await o.stores.deliveries.claim({ tenantId: 'acme', deliveryId: d!.deliveryId, expectedAttemptCount: 0, claim }),
  ).toBe(true);

  const listed = (await call('GET', `${ACME}/deliveries`)).json.deliveries[0];
  const shown = (await call('GET', `${ACME}/deliveries/${d!.deliveryId}`)).json.delivery;
  const ofMessage = (await call('GET', `${ACME}/messages/msg_1`)).json.deliveries[0];

  for (const view of [listed, shown, ofMessage]) {
    expect(view).toMatchObject({ deliveryId: d!.deliveryId, status: 'pending' });
    expect(view).not.toHaveProperty('claim');
  }
  expect(JSON.stringify([listed, shown, ofMessage])).not.toContain('worker_token');
});

describe('messages', () => {
  it('GET …/messages lists the stored messages newest first, with a cursor, without payloads', async () => {
    for (let i = 0; i < 3; i++) await send(`msg_${i}`, NOW + i);

    const first = await call('GET', `${ACME}/messages?limit=2`);
    const rest = await call('GET', `${ACME}/messages?limit=2&cursor=${encodeURIComponent(first.json.cursor)}`);

    expect(first.json.messages.map((m: { id: string }) => m.id)).toEqual(['msg_2', 'msg_1']);
    expect(rest.json).toEqual({ messages: [expect.objectContaining({ id: 'msg_0', type: 'invoice.paid' })] });
    expect(first.json.messages[0]).not.toHaveProperty('payload');
  });

  it('GET …/messages/{id} shows the message, its payload, and its deliveries; 404 for an unknown id', async () => {
    await send('msg_1');

    const shown = await call('GET', `${ACME}/messages/msg_1`);
    const unknown = await call('GET', `${ACME}/messages/msg_nope`);

    expect(shown).toMatchObject({
      status: 200,
      json: {
        message: { id: 'msg_1', type: 'invoice.paid', payload: '{"id":"msg_1"}' },
        deliveries: [{ messageId: 'msg_1', endpointId: 'ep_1', status: 'pending' }],
        complete: true,
      },
    });
    expect(shown.json.message).not.toHaveProperty('fingerprint');
    expect(unknown).toMatchObject({ status: 404, json: { error: 'not_found' } });
  });
});

describe('POST …/deliveries/{id}/retry', () => {
  const exhausted = () => delivery({ status: 'exhausted', attemptCount: 10, nextAttemptAt: undefined });

  it('is refused with 409 endpoint_disabled while the endpoint is disabled, and changes nothing', async () => {
    await o.stores.deliveries.createIfAbsent([exhausted()]);
    await call('PATCH', `${ACME}/endpoints/ep_1`, { enabled: false });

    const r = await call('POST', `${ACME}/deliveries/${exhausted().deliveryId}/retry`);

    expect(r).toMatchObject({ status: 409, json: { error: 'endpoint_disabled' } });
    expect(await o.stores.deliveries.get('acme', exhausted().deliveryId)).toMatchObject({ status: 'exhausted' });
    expect(o.sent).toEqual([]);
  });

  it('makes the delivery due and wakes it when the endpoint is enabled', async () => {
    await o.stores.deliveries.createIfAbsent([exhausted()]);

    const r = await call('POST', `${ACME}/deliveries/${exhausted().deliveryId}/retry`);

    expect(r).toMatchObject({ status: 202, json: { delivery: { status: 'pending' } } });
    expect(o.sent).toEqual([{ tenantId: 'acme', deliveryId: exhausted().deliveryId, delaySeconds: 0 }]);
  });
});

describe('endpoints', () => {
  it('disabling one by hand publishes endpoint.disabled, as the notifications page documents', async () => {
    await call('PATCH', `${ACME}/endpoints/ep_1`, { enabled: false });

    expect(o.published.map((p) => parseNotification(JSON.parse(p.message)))).toMatchObject([
      { type: 'endpoint.disabled', data: { endpointId: 'ep_1', reason: 'manual', trigger: 'manual' } },
    ]);
  });

  it('answers header names, never their values, and sends the values to the receiver', async () => {
    const created = await call('POST', `${ACME}/endpoints`, {
      url: `https://${RECEIVER_HOST}/other`,
      headers: { Authorization: 'Bearer rcv_live_42' },
    });
    const listed = await call('GET', `${ACME}/endpoints`);

    expect(created.json.endpoint.headerNames).toEqual(['authorization']);
    expect(JSON.stringify([created.json, listed.json])).not.toContain('rcv_live_42');
  });
});

describe('GET …/recoveries/{id}', () => {
  it('reads back a recovery run: done, with its counts; a rerun says what the first had queued', async () => {
    await o.stores.deliveries.createIfAbsent([
      delivery({ status: 'exhausted', attemptCount: 10, createdAt: NOW - HOUR }),
    ]);
    const body = { since: NOW - 2 * HOUR };

    const first = await call('POST', `${ACME}/endpoints/ep_1/recover`, body);
    clock = NOW + 1000;
    const again = await call('POST', `${ACME}/endpoints/ep_1/recover`, body);
    const run = await call('GET', `${ACME}/recoveries/${first.json.recoveryId}`);

    expect(first.json).toMatchObject({ queued: 1, alreadyQueued: 0 });
    expect(again.json).toMatchObject({ recoveryId: first.json.recoveryId, queued: 0, alreadyQueued: 1 });
    expect(run).toMatchObject({
      status: 200,
      json: {
        recovery: {
          recoveryId: first.json.recoveryId,
          kind: 'recover',
          endpointId: 'ep_1',
          since: NOW - 2 * HOUR,
          runs: 2,
          done: true,
          examined: 1,
          queued: 0,
          alreadyQueued: 1,
          notRecoverable: 0,
          position: NOW - HOUR,
          startedAt: NOW + 1000,
          finishedAt: NOW + 1000,
        },
      },
    });
  });

  it('reads back a replay run, and a rerun of the replay says its deliveries were already queued', async () => {
    await send('msg_1', NOW - HOUR);
    clock = NOW;
    const body = { since: NOW - 2 * HOUR, until: NOW };

    const first = await call('POST', `${ACME}/messages/replay`, body);
    const again = await call('POST', `${ACME}/messages/replay`, body);
    const run = await call('GET', `${ACME}/recoveries/${first.json.replayId}`);

    expect(first.json).toMatchObject({ matched: 1, queued: 1, alreadyQueued: 0 });
    expect(again.json).toMatchObject({ matched: 1, queued: 0, alreadyQueued: 1 });
    expect(run.json.recovery).toMatchObject({ kind: 'replay', runs: 2, done: true, matched: 1, alreadyQueued: 1 });
  });

  it('says 404 for a run that never was, or another tenant’s', async () => {
    await o.stores.deliveries.createIfAbsent([delivery({ status: 'exhausted', createdAt: NOW - HOUR })]);
    const { json } = await call('POST', `${ACME}/endpoints/ep_1/recover`, { since: NOW - 2 * HOUR });

    expect((await call('GET', `${ACME}/recoveries/rcv_nope`)).status).toBe(404);
    expect((await call('GET', `/v1/tenants/globex/recoveries/${json.recoveryId}`)).status).toBe(404);
  });
});
