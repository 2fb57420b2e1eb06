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
import { keys, timeKey } from '../../lambdas/adapters/dynamo-outbound-codec';
import { outboundTableDefinition } from '../../lambdas/adapters/outbound-table';
import { OUTBOUND_TABLE } from '../../lambdas/contract';
import { acceptMessage } from '../../lambdas/core/outbound/intake/accept';
import type { Attempt } from '../../lambdas/core/outbound/model';
import { retentionSettingsSchema } from '../../lambdas/core/outbound/retention';
import { ensureOutboundTable, migrateLegacyTable } from '../../local/outbound-table';
import { delivery, endpoint, message, NOW } from '../helpers/outbound';

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

    it('markFannedOut() sets the time once', async () => {
      await messages.putIfAbsent(message(), NOW);
      await messages.markFannedOut('acme', 'msg_1', NOW + 1);
      await messages.markFannedOut('acme', 'msg_1', NOW + 2);
      expect((await messages.get('acme', 'msg_1'))?.fannedOutAt).toBe(NOW + 1);
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

    it('createIfAbsent() creates each delivery once and puts it in the due index one lease after it is due', async () => {
      expect(await deliveries.createIfAbsent([delivery()])).toBe(1);
      expect(await deliveries.createIfAbsent([delivery()])).toBe(0);
      const item = await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>);
      expect(Number(item?.sweepAt?.N)).toBe(delivery().nextAttemptAt! + LEASE);
      expect(await deliveries.get('acme', delivery().deliveryId)).toEqual(delivery());
      expect(await deliveries.get('other', delivery().deliveryId)).toBeUndefined();
    });

    it('createIfAbsent() keeps a delivery skipped at intake out of the due index: it is never attempted', async () => {
      const skipped = delivery({ status: 'skipped', skipReason: 'endpoint_disabled', nextAttemptAt: undefined });
      expect(await deliveries.createIfAbsent([skipped])).toBe(1);
      expect(await deliveries.claimDue(NOW + 100 * LEASE, NOW + 100 * LEASE, 10)).toEqual([]);
      expect(await deliveries.get('acme', skipped.deliveryId)).toEqual(skipped);
    });

    it('recordAttempt() applies only with the expected attempt count, and logs the attempt', async () => {
      await deliveries.createIfAbsent([delivery()]);
      const update = { status: 'failed' as const, attemptCount: 1, nextAttemptAt: NOW + 5_000, updatedAt: NOW };
      expect(await deliveries.recordAttempt(attempt(1), update, 0)).toBe(true);
      expect(await deliveries.recordAttempt(attempt(1, 502), update, 0)).toBe(false);
      expect(await deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1)]);
      expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({
        status: 'failed',
        attemptCount: 1,
        nextAttemptAt: NOW + 5_000,
      });
    });

    it('a short wait stays out of the sweep until a lease after it is due; a long wait is swept when due', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.recordAttempt(
        attempt(1),
        { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5_000, updatedAt: NOW },
        0,
      );
      expect(await deliveries.claimDue(NOW + 5_000 + LEASE - 1, NOW, 10)).toEqual([]);
      await deliveries.recordAttempt(
        attempt(2),
        { status: 'failed', attemptCount: 2, nextAttemptAt: NOW + 3_600_000, updatedAt: NOW },
        1,
      );
      expect(await deliveries.claimDue(NOW + 3_599_999, NOW, 10)).toEqual([]);
      const claims = await deliveries.claimDue(NOW + 3_600_000, NOW + 3_600_000, 10);
      expect(claims).toEqual([
        { tenantId: 'acme', deliveryId: delivery().deliveryId, nextAttemptAt: NOW + 3_600_000, dueAt: NOW + 3_600_000 },
      ]);
      // Claimed: the next sweep within the lease finds nothing.
      expect(await deliveries.claimDue(NOW + 3_600_000 + LEASE - 1, NOW + 3_600_001, 10)).toEqual([]);
    });

    it('a final delivery leaves the due index', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.recordAttempt(attempt(1, 200), { status: 'delivered', attemptCount: 1, updatedAt: NOW }, 0);
      const item = await raw(keys.delivery(delivery().deliveryId) as Record<string, { S: string }>);
      expect(item?.sweepAt).toBeUndefined();
      expect(item?.dueShard).toBeUndefined();
      expect(await deliveries.claimDue(NOW + 100 * LEASE, NOW, 10)).toEqual([]);
    });

    it('an attempt whose own item was never written (a crash between the writes) is still listed, and written by the next one', async () => {
      await deliveries.createIfAbsent([delivery()]);
      const failing = client();
      let refuseBatch = true;
      failing.middlewareStack.add(
        (next, context) => async (args) => {
          if (refuseBatch && context.commandName === 'BatchWriteItemCommand') throw new Error('killed');
          return next(args);
        },
        { step: 'initialize', name: 'crashBetweenWrites' },
      );
      await expect(
        deliveries.recordAttempt(
          attempt(1),
          { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5_000, updatedAt: NOW },
          0,
        ),
      ).rejects.toThrow('killed');
      refuseBatch = false;
      failing.middlewareStack.remove('crashBetweenWrites');
      expect(await deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1)]);
      await deliveries.recordAttempt(attempt(2, 200), { status: 'delivered', attemptCount: 2, updatedAt: NOW }, 1);
      expect(await raw(keys.attempt(delivery().deliveryId, 1) as Record<string, { S: string }>)).toBeDefined();
      expect(await deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1), attempt(2, 200)]);
    });

    it('markSkipped() ends a waiting delivery and leaves a final one alone', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.markSkipped('acme', delivery().deliveryId, 'endpoint_disabled', NOW);
      expect(await deliveries.get('acme', delivery().deliveryId)).toMatchObject({
        status: 'skipped',
        skipReason: 'endpoint_disabled',
      });
    });

    it('replay() makes an exhausted delivery due now and leaves a delivered one alone', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.recordAttempt(attempt(1, 410), { status: 'exhausted', attemptCount: 1, updatedAt: NOW }, 0);
      expect(await deliveries.replay('acme', delivery().deliveryId, NOW + 10)).toMatchObject({
        status: 'pending',
        nextAttemptAt: NOW + 10,
        attemptCount: 1,
      });
      expect(await deliveries.claimDue(NOW + 10 + LEASE, NOW + 20, 10)).toHaveLength(1);
      await deliveries.recordAttempt(attempt(2, 200), { status: 'delivered', attemptCount: 2, updatedAt: NOW }, 1);
      expect(await deliveries.replay('acme', delivery().deliveryId, NOW + 30)).toMatchObject({ status: 'delivered' });
    });

    it('markExhaustedNotified() marks only an exhausted delivery, and replay() clears the mark so a second exhaustion is notified', async () => {
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.markExhaustedNotified('acme', delivery().deliveryId, NOW);
      expect((await deliveries.get('acme', delivery().deliveryId))?.exhaustedNotifiedAt).toBeUndefined();
      await deliveries.recordAttempt(attempt(1, 410), { status: 'exhausted', attemptCount: 1, updatedAt: NOW }, 0);
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

    it("the endpoint index holds an endpoint's deliveries by creation time and its attempts by attempt time; the tenant index its messages", async () => {
      const { endpointIndex, tenantIndex } = OUTBOUND_TABLE;
      await deliveries.createIfAbsent([delivery()]);
      await deliveries.recordAttempt(
        attempt(1),
        { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW + 1 },
        0,
      );
      await deliveries.recordAttempt(
        attempt(2),
        { status: 'failed', attemptCount: 2, nextAttemptAt: NOW + 9000, updatedAt: NOW + 2 },
        1,
      );
      await messages.putIfAbsent(message(), NOW);
      const query = async (index: string, pk: string, key: string) =>
        (
          await client().send(
            new QueryCommand({
              TableName: TABLE,
              IndexName: index,
              KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
              ExpressionAttributeNames: { '#pk': key, '#sk': endpointIndex.sortKey },
              ExpressionAttributeValues: {
                ':pk': { S: pk },
                ':from': { S: timeKey(NOW - 60_000) },
                ':to': { S: timeKey(NOW + 10) },
              },
            }),
          )
        ).Items ?? [];
      expect(
        (await query(endpointIndex.name, keys.endpointDeliveries('acme', 'ep_1'), endpointIndex.partitionKey)).map(
          (i) => i.kind?.S,
        ),
      ).toEqual(['delivery']);
      expect(
        (await query(endpointIndex.name, keys.endpointAttempts('acme', 'ep_1'), endpointIndex.partitionKey)).map(
          (i) => i.sk?.S,
        ),
      ).toEqual(['ATT#000001', 'ATT#000002']);
      expect(
        (await query(tenantIndex.name, keys.tenantMessages('acme'), tenantIndex.partitionKey)).map((i) => i.kind?.S),
      ).toEqual(['message']);
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
          messages: new DynamoMessageStore(client(), TABLE, () => clock),
          endpoints,
        };
      });
      const ttl = (item: Record<string, { N?: string }> | undefined) => Number(item?.[OUTBOUND_TABLE.ttlAttribute]?.N);
      const seconds = (ms: number) => Math.ceil(ms / 1000);

      it('every item gets the TTL of its kind from the settings: message, delivery, attempt and response body', async () => {
        await endpoints.create(endpoint());
        const {
          deliveries: [d],
        } = await acceptMessage(
          { tenantId: 'acme', id: 'msg_1', type: 'invoice.paid', payload: '{}' },
          { ...stores, nowMs: NOW, retention },
        );
        await stores.deliveries.recordAttempt(
          attempt(1),
          { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW },
          0,
        );

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

      it('the response body is an item of its own, on no index; the attempt item keeps the index keys and not the body', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        await stores.deliveries.recordAttempt(
          attempt(1),
          { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW },
          0,
        );

        const item = await raw(keys.attempt(delivery().deliveryId, 1) as Record<string, { S: string }>);
        const body = await raw(keys.attemptBody(delivery().deliveryId, 1) as Record<string, { S: string }>);
        expect(item?.endpointKey?.S).toBe(keys.endpointAttempts('acme', 'ep_1'));
        expect(item?.doc?.S).not.toContain('responseBody');
        expect(body).toMatchObject({ body: { S: 'no' } });
        expect(body?.endpointKey).toBeUndefined();
        expect(body?.listKey).toBeUndefined();
        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1)]);
      });

      it('a response body expires before its attempt: past responseBodiesDays the attempt is listed without it, past attemptsDays not at all', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        await stores.deliveries.recordAttempt(
          attempt(1),
          { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW },
          0,
        );
        await stores.deliveries.recordAttempt(
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

      it('the last attempt kept in the delivery (its own items never written) loses its body at responseBodiesDays too', async () => {
        await stores.deliveries.createIfAbsent([delivery()]);
        const crashing = client();
        crashing.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'BatchWriteItemCommand') throw new Error('killed');
            return next(args);
          },
          { step: 'initialize', name: 'crashBeforeItems' },
        );
        await expect(
          stores.deliveries.recordAttempt(
            attempt(1),
            { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW },
            0,
          ),
        ).rejects.toThrow('killed');
        crashing.middlewareStack.remove('crashBeforeItems');

        expect(await stores.deliveries.attempts('acme', delivery().deliveryId)).toEqual([attempt(1)]);
        clock = attempt(1).at + 3 * DAY;
        expect((await stores.deliveries.attempts('acme', delivery().deliveryId))[0]).not.toHaveProperty('responseBody');
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
      // The table as v1 made it: no endpoint index, nor (DynamoDB Local, unlike dynalite, refuses an unused one) its key's definition.
      const { endpointIndex } = OUTBOUND_TABLE;
      await client().send(
        new CreateTableCommand({
          ...def,
          AttributeDefinitions: def.AttributeDefinitions!.filter((a) => a.AttributeName !== endpointIndex.partitionKey),
          GlobalSecondaryIndexes: def.GlobalSecondaryIndexes!.filter((g) => g.IndexName !== endpointIndex.name),
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
