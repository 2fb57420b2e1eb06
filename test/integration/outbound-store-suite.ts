/**
 * The outbound DynamoDB stores against a DynamoDB protocol server: the condition and update expressions
 * themselves (which aws-sdk-client-mock never evaluates), the sparse `due` index, and the crash-safe attempt log.
 * Run on the embedded dynalite (always) and DynamoDB Local (integration tier).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { attemptAttribute, INLINE_ATTEMPTS } from '../../lambdas/adapters/dynamo-delivery-codec';
import { keys, timeKey } from '../../lambdas/adapters/dynamo-outbound-codec';
import { PAYLOAD_INLINE_MAX_BYTES, payloadKey } from '../../lambdas/adapters/payload-store';
import { outboundTableDefinition } from '../../lambdas/adapters/outbound-table';
import { OUTBOUND_TABLE } from '../../lambdas/contract';
import { acceptMessage } from '../../lambdas/core/outbound/intake/accept';
import type { Attempt } from '../../lambdas/core/outbound/model';
import { retentionSettingsSchema } from '../../lambdas/core/outbound/retention';
import { ensureOutboundTable, migrateLegacyTable } from '../../local/outbound-table';
import { claimAndRecord, delivery, endpoint, message, NOW } from '../helpers/outbound';

const TABLE = 'outbound';
const LEASE = 15 * 60_000;

const attempt = (number: number, status = 500): Attempt => ({
  tenantId: 'acme',
  deliveryId: delivery().deliveryId,
  endpointId: 'ep_1',
  messageId: 'msg_1',
  number,
  at: NOW + number,
  latencyMs: 5,
  status,
  responseBody: 'no',
});

export function outboundStoreSuite(name: string, client: () => DynamoDBClient, reset: () => Promise<void>): void {
  describe(`outbound stores against ${name}`, () => {
    let deliveries: DynamoDeliveryStore;
    let endpoints: DynamoEndpointRepository;
    let messages: DynamoMessageStore;

    beforeEach(async () => {
      await reset();
      await ensureOutboundTable(client(), TABLE);
      deliveries = new DynamoDeliveryStore(client(), TABLE, { leaseMs: LEASE, dueShards: 2 });
      endpoints = new DynamoEndpointRepository(client(), TABLE);
      messages = new DynamoMessageStore(client(), TABLE);
    });

    const raw = async (key: Record<string, { S: string }>) =>
      (await client().send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;

    it('putIfAbsent() records a message once and returns the stored one to a second put', async () => {
      expect(await messages.putIfAbsent(message(), NOW)).toEqual({ created: true });
      const second = await messages.putIfAbsent(message({ payload: '{"other":1}' }), NOW + 1);
      expect(second).toEqual({ created: false, existing: message() });
    });

    it('putIfAbsent() replaces an expired record (TTL deletes lazily)', async () => {
      await messages.putIfAbsent(message({ expiresAt: NOW + 10 }), NOW);
      expect(await messages.putIfAbsent(message({ payload: '{"new":1}' }), NOW + 11)).toEqual({ created: true });
      expect((await messages.get('acme', 'msg_1'))?.payload).toBe('{"new":1}');
    });

    it('a payload over PAYLOAD_INLINE_MAX_BYTES is stored apart and the item keeps its key; it reads back byte for byte', async () => {
      const apart = new Map<string, string>();
      const store = new DynamoMessageStore(client(), TABLE, {
        payloads: { put: async (k, p) => void apart.set(k, p), get: async (k) => apart.get(k) },
      });
      const large = message({
        payload: `{"blob":"${'é'.repeat(PAYLOAD_INLINE_MAX_BYTES / 2)}","n":12345678901234567890}`,
      });
      const small = message({ id: 'msg_small' });

      expect(await store.putIfAbsent(large, NOW)).toEqual({ created: true });
      await store.putIfAbsent(small, NOW);

      const item = await raw(keys.message('acme', 'msg_1') as Record<string, { S: string }>);
      expect(item?.payload).toBeUndefined();
      expect(item?.payloadRef?.S).toBe(payloadKey(large));
      expect([...apart.values()]).toEqual([large.payload]);
      expect(await store.get('acme', 'msg_1')).toEqual(large);
      expect(await store.get('acme', 'msg_small')).toEqual(small);
      expect(await store.putIfAbsent(large, NOW + 1)).toEqual({ created: false, existing: large });
    });

    it('endpoints: create refuses a second create, modify bumps the version, disable and remove', async () => {
      expect(await endpoints.create(endpoint())).toBe(true);
      expect(await endpoints.create(endpoint())).toBe(false);
      const changed = await endpoints.modify('acme', 'ep_1', async (e) => ({ ...e, description: 'billing' }));
      expect(changed?.description).toBe('billing');
      await endpoints.disable('acme', 'ep_1', '410 Gone', NOW);
      expect(await endpoints.get('acme', 'ep_1')).toMatchObject({
        enabled: false,
        disabledReason: '410 Gone',
        description: 'billing',
      });
      expect((await endpoints.listByTenant('acme')).map((e) => e.endpointId)).toEqual(['ep_1']);
      expect(await endpoints.listByTenant('other')).toEqual([]);
      expect(await endpoints.remove('acme', 'ep_1')).toBe(true);
      expect(await endpoints.remove('acme', 'ep_1')).toBe(false);
      expect(await endpoints.modify('acme', 'ep_1', async (e) => e)).toBeUndefined();
    });

    it('createIfAbsent() creates each delivery once; one due now stays out of the due index, one due later enters it', async () => {
      const later = delivery({ deliveryId: 'dlv_later', nextAttemptAt: NOW + 3_600_000 });
      expect(await deliveries.createIfAbsent([delivery(), later])).toBe(2);
      expect(await deliveries.createIfAbsent([delivery()])).toBe(0);
      expect(
        (await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>))?.sweepAt,
      ).toBeUndefined();
      expect(Number((await raw(keys.delivery('dlv_later') as Record<string, { S: string }>))?.sweepAt?.N)).toBe(
        NOW + 3_600_000,
      );
      expect(await deliveries.get('acme', delivery().deliveryId)).toEqual(delivery());
      expect(await deliveries.get('other', delivery().deliveryId)).toBeUndefined();
    });

    it('createIfAbsent() with sweep puts a delivery due now in the due index a lease later (recovery, replay)', async () => {
      await deliveries.createIfAbsent([delivery()], { sweep: true });
      expect(
        Number((await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>))?.sweepAt?.N),
      ).toBe(NOW + LEASE);
    });

    it('createOrFind() answers with the delivery as stored when it exists (the refused put carries it)', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await claimAndRecord(deliveries, attempt(1), {
        status: 'failed',
        attemptCount: 1,
        nextAttemptAt: NOW + 5_000,
        updatedAt: NOW,
      });
      expect(await deliveries.createOrFind([delivery()])).toEqual([
        {
          created: false,
          delivery: { ...delivery(), status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5_000, updatedAt: NOW },
        },
      ]);
    });

    it('createIfAbsent() keeps a delivery skipped at intake out of the due index: it is never attempted', async () => {
      const skipped = delivery({ status: 'skipped', skipReason: 'endpoint_disabled', nextAttemptAt: undefined });
      expect(await deliveries.createIfAbsent([skipped])).toBe(1);
      expect(await deliveries.claimDue(NOW + 100 * LEASE, NOW + 100 * LEASE, 10)).toEqual([]);
      expect(await deliveries.get('acme', skipped.deliveryId)).toEqual(skipped);
    });

    it('sweepAt() puts deliveries whose wake-up was refused in the due index at that time', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.sweepAt([delivery()], NOW + 60_000);
      expect(await deliveries.claimDue(NOW + 59_999, NOW, 10)).toEqual([]);
      expect(await deliveries.claimDue(NOW + 60_000, NOW + 60_000, 10)).toHaveLength(1);
    });

    it('claim() is taken once per attempt; recordAttempt() applies only under the claim, logs the attempt and releases it', async () => {
      await deliveries.createIfAbsent([delivery()]);
      const claim = (token: string, expectedAttemptCount = 0) =>
        deliveries.claim({
          tenantId: 'acme',
          deliveryId: delivery().deliveryId,
          expectedAttemptCount,
          claim: { attempt: 1, token, at: NOW, until: NOW + 70_000 },
        });
      expect(await claim('first')).toBe(true);
      expect(await claim('second')).toBe(false);
      expect((await deliveries.get('acme', delivery().deliveryId))?.claim).toEqual({
        attempt: 1,
        token: 'first',
        at: NOW,
        until: NOW + 70_000,
      });
      const update = { status: 'failed' as const, attemptCount: 1, nextAttemptAt: NOW + 5_000, updatedAt: NOW };
      expect(await deliveries.recordAttempt(attempt(1, 502), update, 'second')).toBe(false);
      expect(await deliveries.recordAttempt(attempt(1), update, 'first')).toBe(true);
      expect(await deliveries.recordAttempt(attempt(1), update, 'first')).toBe(false);
      expect(await deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1)]);
      const stored = await deliveries.get('acme', delivery().deliveryId);
      expect(stored).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5_000 });
      expect(stored?.claim).toBeUndefined();
      expect(await claim('stale count')).toBe(false);
    });

    it("claim() settles a dead worker's claim in the same write: its attempt logged as unknown, the next claim taken", async () => {
      await deliveries.createIfAbsent([delivery()]);
      const taken = { attempt: 1, token: 'dead', at: NOW, until: NOW + 70_000 };
      await deliveries.claim({
        tenantId: 'acme',
        deliveryId: delivery().deliveryId,
        expectedAttemptCount: 0,
        claim: taken,
      });
      const unknown = {
        ...attempt(1),
        latencyMs: undefined,
        status: undefined,
        responseBody: undefined,
        error: 'unknown' as const,
      };
      const { latencyMs: _l, status: _s, responseBody: _b, ...logged } = unknown;
      const settle = (token: string) =>
        deliveries.claim({
          tenantId: 'acme',
          deliveryId: delivery().deliveryId,
          expectedAttemptCount: 0,
          stale: {
            token,
            attempt: logged,
            update: { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 80_000, updatedAt: NOW + 80_000 },
          },
          claim: { attempt: 2, token: 'next', at: NOW + 80_000, until: NOW + 150_000 },
        });
      expect(await settle('not the dead one')).toBe(false);
      expect(await settle('dead')).toBe(true);
      expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({
        status: 'failed',
        attemptCount: 1,
        claim: { attempt: 2, token: 'next' },
      });
      expect(await deliveries.attempts('acme', delivery().deliveryId)).toEqual([logged]);
    });

    it('a short wait stays out of the due index (its wake-up is queued); a long wait is swept when due', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await claimAndRecord(deliveries, attempt(1), {
        status: 'failed',
        attemptCount: 1,
        nextAttemptAt: NOW + 5_000,
        updatedAt: NOW,
      });
      expect(await deliveries.claimDue(NOW + 100 * LEASE, NOW, 10)).toEqual([]);
      await claimAndRecord(deliveries, attempt(2), {
        status: 'failed',
        attemptCount: 2,
        nextAttemptAt: NOW + 3_600_000,
        updatedAt: NOW,
      });
      expect(await deliveries.claimDue(NOW + 3_599_999, NOW, 10)).toEqual([]);
      const claims = await deliveries.claimDue(NOW + 3_600_000, NOW + 3_600_000, 10);
      expect(claims).toEqual([
        { tenantId: 'acme', deliveryId: delivery().deliveryId, nextAttemptAt: NOW + 3_600_000, dueAt: NOW + 3_600_000 },
      ]);
      // Claimed: the next sweep within the lease finds nothing.
      expect(await deliveries.claimDue(NOW + 3_600_000 + LEASE - 1, NOW + 3_600_001, 10)).toEqual([]);
    });

    it('a final delivery leaves the due index', async () => {
      await deliveries.createIfAbsent([delivery({ nextAttemptAt: NOW + 3_600_000 })]);
      await deliveries.sweepAt([delivery()], NOW);
      await claimAndRecord(deliveries, attempt(1, 200), { status: 'delivered', attemptCount: 1, updatedAt: NOW });
      const item = await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>);
      expect(item?.sweepAt).toBeUndefined();
      expect(item?.dueShard).toBeUndefined();
      expect(await deliveries.claimDue(NOW + 100 * LEASE, NOW, 10)).toEqual([]);
    });

    it(`the ${INLINE_ATTEMPTS + 1}th attempt pushes the first out of the delivery item into an item of its own; all are listed`, async () => {
      await deliveries.createIfAbsent([delivery()]);
      const all = Array.from({ length: INLINE_ATTEMPTS + 1 }, (_, i) => attempt(i + 1));
      for (const a of all)
        await claimAndRecord(deliveries, a, {
          status: 'failed',
          attemptCount: a.number,
          nextAttemptAt: NOW + 5_000,
          updatedAt: NOW,
        });
      const item = await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>);
      expect(item?.[attemptAttribute(1)]).toBeUndefined();
      expect(item?.[attemptAttribute(INLINE_ATTEMPTS + 1)]).toBeDefined();
      expect(await raw(keys.attempt(delivery().deliveryId, 1) as Record<string, { S: string }>)).toBeDefined();
      expect(await deliveries.attempts('acme', delivery().deliveryId)).toEqual(all);
    });

    it('markSkipped() ends a waiting delivery, but not one a worker holds a live claim on', async () => {
      await deliveries.createIfAbsent([delivery(), delivery({ deliveryId: 'dlv_held' })]);
      await deliveries.claim({
        tenantId: 'acme',
        deliveryId: 'dlv_held',
        expectedAttemptCount: 0,
        claim: { attempt: 1, token: 't', at: NOW, until: NOW + 70_000 },
      });
      await deliveries.markSkipped('acme', delivery().deliveryId, 'endpoint_disabled', NOW);
      await deliveries.markSkipped('acme', 'dlv_held', 'endpoint_disabled', NOW);
      expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({
        status: 'skipped',
        skipReason: 'endpoint_disabled',
      });
      expect(await deliveries.get('acme', 'dlv_held')).toMatchObject({ status: 'pending' });
    });

    it('replay() makes an exhausted delivery due now and leaves a delivered one alone', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await claimAndRecord(deliveries, attempt(1, 410), { status: 'exhausted', attemptCount: 1, updatedAt: NOW }, 0);
      expect(await deliveries.replay('acme', delivery().deliveryId, NOW + 10)).toMatchObject({
        status: 'pending',
        nextAttemptAt: NOW + 10,
        attemptCount: 1,
      });
      expect(await deliveries.claimDue(NOW + 10 + LEASE, NOW + 20, 10)).toHaveLength(1);
      await claimAndRecord(deliveries, attempt(2, 200), { status: 'delivered', attemptCount: 2, updatedAt: NOW }, 1);
      expect(await deliveries.replay('acme', delivery().deliveryId, NOW + 30)).toMatchObject({ status: 'delivered' });
    });

    it('markExhaustedNotified() marks only an exhausted delivery, and replay() clears the mark so a second exhaustion is notified', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.markExhaustedNotified('acme', delivery().deliveryId, NOW);
      expect((await deliveries.get('acme', delivery().deliveryId))?.exhaustedNotifiedAt).toBeUndefined();
      await claimAndRecord(deliveries, attempt(1, 410), { status: 'exhausted', attemptCount: 1, updatedAt: NOW }, 0);
      await deliveries.markExhaustedNotified('acme', delivery().deliveryId, NOW + 1);
      expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({ exhaustedNotifiedAt: NOW + 1 });
      expect((await deliveries.replay('acme', delivery().deliveryId, NOW + 10))?.exhaustedNotifiedAt).toBeUndefined();
      expect((await deliveries.get('acme', delivery().deliveryId))?.exhaustedNotifiedAt).toBeUndefined();
    });

    it('list() filters by tenant, endpoint and status, newest first', async () => {
      const older = delivery();
      const newer = { ...delivery({ messageId: 'msg_2', createdAt: NOW }), deliveryId: 'dlv_2' };
      await deliveries.createIfAbsent([older, newer]);
      expect((await deliveries.list({ tenantId: 'acme' })).items.map((d) => d.deliveryId)).toEqual([
        'dlv_2',
        older.deliveryId,
      ]);
      expect(await deliveries.list({ tenantId: 'other' })).toEqual({ items: [] });
      expect((await deliveries.list({ tenantId: 'acme', status: 'pending', endpointId: 'ep_1' })).items.length).toBe(2);
      expect(await deliveries.list({ tenantId: 'acme', status: 'delivered' })).toEqual({ items: [] });
    });

    it('the list indexes hold keys and immutable attributes only: claims, attempts and status changes are not in them', async () => {
      const { endpointIndex, tenantIndex } = OUTBOUND_TABLE;
      await deliveries.createIfAbsent([delivery()]);
      await claimAndRecord(deliveries, attempt(1), {
        status: 'failed',
        attemptCount: 1,
        nextAttemptAt: NOW + 5000,
        updatedAt: NOW + 1,
      });
      await messages.putIfAbsent(message(), NOW);
      const query = async (index: { name: string; partitionKey: string; sortKey: string }, pk: string) =>
        (
          await client().send(
            new QueryCommand({
              TableName: TABLE,
              IndexName: index.name,
              KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
              ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
              ExpressionAttributeValues: {
                ':pk': { S: pk },
                ':from': { S: timeKey(NOW - 60_000) },
                ':to': { S: timeKey(NOW + 10) },
              },
            }),
          )
        ).Items ?? [];
      const names = (items: Array<Record<string, unknown>>) => items.map((i) => Object.keys(i).sort());
      const keyNames = ['listKey', 'pk', 'sk'];
      expect(names(await query(endpointIndex, keys.endpointDeliveries('acme', 'ep_1')))).toEqual([
        [endpointIndex.partitionKey, ...keyNames].sort(),
      ]);
      const tenantEntries = [tenantIndex.partitionKey, ...keyNames, 'createdAt', 'expiresAt', 'tenantId'];
      expect(names(await query(tenantIndex, keys.tenantKey('acme')))).toEqual([[...tenantEntries, 'messageId'].sort()]);
      expect(names(await query(tenantIndex, keys.tenantMessages('acme')))).toEqual([
        [...tenantEntries, 'id', 'type'].sort(),
      ]);
    });

    describe('retention', () => {
      const DAY = 86_400_000;
      const retention = retentionSettingsSchema.parse({
        messagesDays: 40,
        deliveriesDays: 35,
        attemptsDays: 20,
        responseBodiesDays: 3,
      });
      let clock: number;
      let stores: {
        deliveries: DynamoDeliveryStore;
        messages: DynamoMessageStore;
        endpoints: DynamoEndpointRepository;
      };
      beforeEach(() => {
        clock = NOW;
        stores = {
          deliveries: new DynamoDeliveryStore(client(), TABLE, { retention, now: () => clock }),
          messages: new DynamoMessageStore(client(), TABLE, { now: () => clock }),
          endpoints,
        };
      });
      const ttl = (item: Record<string, { N?: string }> | undefined) => Number(item?.[OUTBOUND_TABLE.ttlAttribute]?.N);
      const seconds = (ms: number) => Math.ceil(ms / 1000);

      it('every item gets the TTL of its kind from the settings: message, delivery, pushed-out attempt and response body', async () => {
        await endpoints.create(endpoint());
        const {
          deliveries: [d],
        } = await acceptMessage(
          { tenantId: 'acme', id: 'msg_1', type: 'invoice.paid', payload: '{}' },
          { ...stores, nowMs: NOW, retention },
        );
        for (let number = 1; number <= INLINE_ATTEMPTS + 1; number++)
          await claimAndRecord(stores.deliveries, attempt(number), {
            status: 'failed',
            attemptCount: number,
            nextAttemptAt: NOW + 5000,
            updatedAt: NOW,
          });

        expect(ttl(await raw(keys.message('acme', 'msg_1') as Record<string, { S: string }>))).toBe(
          seconds(NOW + 40 * DAY),
        );
        expect(ttl(await raw(keys.delivery(d!.deliveryId) as Record<string, { S: string }>))).toBe(
          seconds(NOW + 35 * DAY),
        );
        expect(ttl(await raw(keys.attempt(d!.deliveryId, 1) as Record<string, { S: string }>))).toBe(
          seconds(attempt(1).at + 20 * DAY),
        );
        expect(ttl(await raw(keys.attemptBody(d!.deliveryId, 1) as Record<string, { S: string }>))).toBe(
          seconds(attempt(1).at + 3 * DAY),
        );
      });

      it('the response body is an item of its own, on no index, written once; the delivery item logs the attempt without it', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        await claimAndRecord(stores.deliveries, attempt(1), {
          status: 'failed',
          attemptCount: 1,
          nextAttemptAt: NOW + 5000,
          updatedAt: NOW,
        });

        const item = await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>);
        const body = await raw(keys.attemptBody(delivery().deliveryId, 1) as Record<string, { S: string }>);
        expect(item?.[attemptAttribute(1)]?.S).not.toContain('responseBody');
        expect(body).toMatchObject({ body: { S: 'no' } });
        expect(body?.endpointKey).toBeUndefined();
        expect(body?.listKey).toBeUndefined();
        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1)]);
      });

      it('a long response body is stored gzipped when that makes it smaller, and read back as it was', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        const long = { ...attempt(1), responseBody: '{"error":"upstream timeout"}'.repeat(100) };
        await claimAndRecord(stores.deliveries, long, {
          status: 'failed',
          attemptCount: 1,
          nextAttemptAt: NOW + 5000,
          updatedAt: NOW,
        });
        const body = await raw(keys.attemptBody(delivery().deliveryId, 1) as Record<string, { S: string }>);
        expect(body?.body).toBeUndefined();
        expect((body?.gz as { B: Uint8Array } | undefined)?.B.length).toBeLessThan(200);
        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([long]);
      });

      it('a response body expires before its attempt: past responseBodiesDays the attempt is listed without it, past attemptsDays not at all', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        await claimAndRecord(
          stores.deliveries,
          attempt(1),
          { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW },
          0,
        );
        await claimAndRecord(
          stores.deliveries,
          attempt(2),
          { status: 'failed', attemptCount: 2, nextAttemptAt: NOW + 9000, updatedAt: NOW },
          1,
        );
        const { responseBody, ...withoutBody } = attempt(1);
        expect(responseBody).toBe('no');

        clock = attempt(2).at + 3 * DAY; // both bodies at their expiry, still stored (TTL deletes lazily)
        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([
          withoutBody,
          { ...attempt(2), responseBody: undefined },
        ]);
        clock = attempt(2).at + 20 * DAY;
        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([]);
      });

      it('an attempt logged in the delivery item is not listed past attemptsDays, though its delivery is kept longer', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        await claimAndRecord(stores.deliveries, attempt(1), {
          status: 'failed',
          attemptCount: 1,
          nextAttemptAt: NOW + 5000,
          updatedAt: NOW,
        });
        clock = attempt(1).at + 20 * DAY;
        expect(await stores.deliveries.get('acme', delivery().deliveryId)).toBeDefined();
        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([]);
      });

      it('a delivery or a message past its retention is not read back, though TTL has not deleted it yet', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        await stores.messages.putIfAbsent(message({ expiresAt: NOW + 40 * DAY }), NOW);
        clock = delivery().createdAt + 35 * DAY;
        expect(await stores.deliveries.get('acme', delivery().deliveryId)).toBeUndefined();
        expect(await stores.deliveries.list({ tenantId: 'acme' })).toEqual({ items: [] });
        expect(await stores.messages.get('acme', 'msg_1')).toBeDefined();
        clock = NOW + 40 * DAY;
        expect(await stores.messages.get('acme', 'msg_1')).toBeUndefined();
      });
    });

    it('the local stack copies a table made by an older version into the current one, then drops it', async () => {
      const old = 'outbound-old';
      const def = outboundTableDefinition(old);
      // The table as v2 made it: the list indexes under their old names, projecting every attribute.
      const { endpointIndex, tenantIndex } = OUTBOUND_TABLE;
      const oldNames: Record<string, string> = { [endpointIndex.name]: 'byEndpoint', [tenantIndex.name]: 'byTenant' };
      await client().send(
        new CreateTableCommand({
          ...def,
          GlobalSecondaryIndexes: def.GlobalSecondaryIndexes!.map((g) =>
            g.IndexName === 'due'
              ? g
              : { ...g, IndexName: oldNames[g.IndexName!], Projection: { ProjectionType: 'ALL' } },
          ),
        }),
      );
      await new DynamoMessageStore(client(), old).putIfAbsent(message(), NOW);
      expect(await migrateLegacyTable(client(), old, TABLE)).toBe(1);
      expect(await migrateLegacyTable(client(), old, TABLE)).toBe(0);
      expect((await messages.putIfAbsent(message(), NOW)).created).toBe(false);
      await expect(client().send(new DescribeTableCommand({ TableName: old }))).rejects.toThrow();
    });
  });
}
