/**
 * The delivery store's reads of one endpoint through the `byEndpoint` index (`endpoints show`, the release of parked
 * deliveries): newest first, only that endpoint, and bounded; the index holds keys only, so the items are read.
 * Run on dynalite (always) and DynamoDB Local.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import type { Attempt, Delivery } from '../../lambdas/core/outbound/model';
import { ensureOutboundTable } from '../../local/outbound-table';
import { claimAndRecord, delivery, NOW } from '../helpers/outbound';

const TABLE = 'outbound';
const MIN = 60_000;

/** A delivery of `endpointId` created `agoMs` before NOW. */
const made = (id: string, agoMs: number, overrides: Partial<Delivery> = {}): Delivery =>
  delivery({
    deliveryId: id,
    messageId: `msg_${id}`,
    createdAt: NOW - agoMs,
    updatedAt: NOW - agoMs,
    nextAttemptAt: NOW - agoMs,
    ...overrides,
  });

const attemptOf = (d: Delivery, number: number, at: number, status = 500): Attempt => ({
  tenantId: d.tenantId,
  deliveryId: d.deliveryId,
  endpointId: d.endpointId,
  messageId: d.messageId,
  number,
  at,
  latencyMs: 7,
  status,
});

export function endpointIndexSuite(name: string, client: () => DynamoDBClient, reset: () => Promise<void>): void {
  describe(`reads of one endpoint on the byEndpoint index against ${name}`, () => {
    let deliveries: DynamoDeliveryStore;

    beforeEach(async () => {
      await reset();
      await ensureOutboundTable(client(), TABLE);
      deliveries = new DynamoDeliveryStore(client(), TABLE, { leaseMs: 15 * MIN });
    });

    it('endpointDeliveries() lists only that endpoint, newest first, with the attempts its item holds', async () => {
      const [old, mid, recent] = [made('d_old', 30 * MIN), made('d_mid', 20 * MIN), made('d_new', 10 * MIN)];
      await deliveries.createIfAbsent([old, mid, recent, made('d_other', 5 * MIN, { endpointId: 'ep_2' })]);
      await claimAndRecord(
        deliveries,
        attemptOf(mid, 1, NOW - MIN),
        { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + MIN, updatedAt: NOW - MIN },
        0,
      );

      const read = await deliveries.endpointDeliveries('acme', 'ep_1', 10);

      expect(read.complete).toBe(true);
      expect(read.items.map((d) => d.deliveryId)).toEqual(['d_new', 'd_mid', 'd_old']);
      expect(read.items[1]!.attempts).toEqual([attemptOf(mid, 1, NOW - MIN)]);
      expect(read.items[0]!.attempts).toEqual([]);
    });

    it('endpointDeliveries() stops at its limit and says the read is not complete', async () => {
      await deliveries.createIfAbsent([made('d_1', 3 * MIN), made('d_2', 2 * MIN), made('d_3', MIN)]);

      const read = await deliveries.endpointDeliveries('acme', 'ep_1', 2);

      expect(read).toMatchObject({ complete: false, items: [{ deliveryId: 'd_3' }, { deliveryId: 'd_2' }] });
    });

    it('reads of one endpoint leave out deliveries past their retention, which TTL has not deleted yet', async () => {
      const DAY = 86_400_000;
      const later = new DynamoDeliveryStore(client(), TABLE, {
        leaseMs: 15 * MIN,
        retention: { messagesDays: 2, deliveriesDays: 2, attemptsDays: 2, responseBodiesDays: 1 },
        now: () => NOW + MIN,
      });
      await later.createIfAbsent([made('d_old', 2 * DAY), made('d_new', MIN)]);

      expect((await later.endpointDeliveries('acme', 'ep_1', 10)).items.map((d) => d.deliveryId)).toEqual(['d_new']);
      expect(
        (await later.waitingDeliveries('acme', 'ep_1', { dueBy: NOW, limit: 10, scanLimit: 10 })).items.map(
          (d) => d.deliveryId,
        ),
      ).toEqual(['d_new']);
    });

    it("waitingDeliveries() finds only that endpoint's pending and failed deliveries that are due", async () => {
      const due = made('d_due', 10 * MIN);
      const retryDue = made('d_retry', 20 * MIN);
      const backingOff = made('d_later', 15 * MIN);
      const done = made('d_done', 5 * MIN);
      await deliveries.createIfAbsent([
        due,
        retryDue,
        backingOff,
        done,
        made('d_other', 5 * MIN, { endpointId: 'ep_2' }),
      ]);
      await claimAndRecord(
        deliveries,
        attemptOf(retryDue, 1, NOW - 19 * MIN),
        { status: 'failed', attemptCount: 1, nextAttemptAt: NOW - MIN, updatedAt: NOW },
        0,
      );
      await claimAndRecord(
        deliveries,
        attemptOf(backingOff, 1, NOW - 14 * MIN),
        { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 60 * MIN, updatedAt: NOW },
        0,
      );
      await claimAndRecord(
        deliveries,
        attemptOf(done, 1, NOW - 4 * MIN, 200),
        { status: 'delivered', attemptCount: 1, updatedAt: NOW },
        0,
      );

      const read = await deliveries.waitingDeliveries('acme', 'ep_1', { dueBy: NOW, limit: 10, scanLimit: 100 });

      expect(read.complete).toBe(true);
      expect(read.items.map((d) => [d.deliveryId, d.status])).toEqual([
        ['d_due', 'pending'],
        ['d_retry', 'failed'],
      ]);
    });

    it('waitingDeliveries() examines at most scanLimit deliveries, newest first, and says it stopped', async () => {
      await deliveries.createIfAbsent([
        made('d_1', 4 * MIN),
        made('d_2', 3 * MIN),
        made('d_3', 2 * MIN),
        made('d_4', MIN),
      ]);

      const scanned = await deliveries.waitingDeliveries('acme', 'ep_1', { dueBy: NOW, limit: 10, scanLimit: 2 });
      const limited = await deliveries.waitingDeliveries('acme', 'ep_1', { dueBy: NOW, limit: 3, scanLimit: 100 });

      expect(scanned).toMatchObject({ complete: false, items: [{ deliveryId: 'd_4' }, { deliveryId: 'd_3' }] });
      expect(limited.complete).toBe(false);
      expect(limited.items.map((d) => d.deliveryId)).toEqual(['d_4', 'd_3', 'd_2']);
    });
  });
}
