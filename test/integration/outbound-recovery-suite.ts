/**
 * The recovery adapter (`endpoints recover`, `messages replay`) against a DynamoDB protocol server: the index
 * windows and their pages, and the conditional requeue. Run beside outbound-store-suite.ts on dynalite (always)
 * and DynamoDB Local (integration tier).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { DynamoRecoveryStore } from '../../lambdas/adapters/dynamo-outbound-recovery';
import type { Attempt, Delivery } from '../../lambdas/core/outbound/model';
import type { RecoverableDelivery, RequeueRequest } from '../../lambdas/core/outbound/recovery/recover';
import type { Window } from '../../lambdas/core/outbound/recovery/window';
import { ensureOutboundTable } from '../../local/outbound-table';
import { claimAndRecord, delivery, message, NOW } from '../helpers/outbound';

const TABLE = 'outbound';
const LEASE = 15 * 60_000;
const HOUR = 3_600_000;
const WINDOW: Window = { sinceMs: NOW - 10 * HOUR, untilMs: NOW - HOUR };

/** Delivery n of an endpoint, created n minutes into the window. */
const at = (n: number, overrides: Partial<Delivery> = {}): Delivery =>
  delivery({ deliveryId: `dlv_${n}`, messageId: `msg_${n}`, createdAt: WINDOW.sinceMs + n * 60_000, ...overrides });
const failure = (d: Delivery, number: number): Attempt => ({
  tenantId: d.tenantId,
  deliveryId: d.deliveryId,
  endpointId: d.endpointId,
  messageId: d.messageId,
  number,
  at: NOW - HOUR,
  latencyMs: 5,
  status: 503,
});

export function outboundRecoverySuite(name: string, client: () => DynamoDBClient, reset: () => Promise<void>): void {
  describe(`outbound recovery store against ${name}`, () => {
    let deliveries: DynamoDeliveryStore;
    let messages: DynamoMessageStore;
    let recovery: DynamoRecoveryStore;

    beforeEach(async () => {
      await reset();
      await ensureOutboundTable(client(), TABLE);
      deliveries = new DynamoDeliveryStore(client(), TABLE, { leaseMs: LEASE, dueShards: 2 });
      messages = new DynamoMessageStore(client(), TABLE);
      recovery = new DynamoRecoveryStore(client(), TABLE, { leaseMs: LEASE, dueShards: 2, pageSize: 2 });
    });

    async function all<T>(
      list: (cursor?: string) => Promise<{ readonly items: readonly T[]; readonly cursor?: string }>,
    ) {
      const pages: Array<readonly T[]> = [];
      let cursor: string | undefined;
      do {
        const page = await list(cursor);
        pages.push(page.items);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return pages;
    }

    /** An exhausted (or other) delivery of the window, made through the stores as the worker makes it. */
    async function stored(d: Delivery, status: 'exhausted' | 'failed' | 'delivered' = 'exhausted'): Promise<Delivery> {
      await deliveries.createIfAbsent([d]);
      await claimAndRecord(
        deliveries,
        failure(d, 1),
        { status, attemptCount: 1, updatedAt: NOW - HOUR, ...(status === 'failed' && { nextAttemptAt: NOW + HOUR }) },
        0,
      );
      return { ...d, status, attemptCount: 1 };
    }

    const request = (d: Delivery, overrides: Partial<RequeueRequest> = {}): RequeueRequest => ({
      tenantId: d.tenantId,
      deliveryId: d.deliveryId,
      recoveryId: 'rcv_1',
      expectedStatus: 'exhausted',
      dueAt: NOW,
      nowMs: NOW,
      ...overrides,
    });

    it("listByEndpoint() returns the endpoint's deliveries created in [since, until), oldest first, a page at a time", async () => {
      const inside = [at(0), at(1), at(2), at(3), at(4)];
      await deliveries.createIfAbsent([
        ...[...inside].reverse(),
        at(-1), // a minute before since
        at(540), // created at until
        at(5, { endpointId: 'ep_2' }),
        at(6, { tenantId: 'other' }),
      ]);

      const pages = await all((cursor) => recovery.listByEndpoint('acme', 'ep_1', WINDOW, cursor));

      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flat().map((d) => d.deliveryId)).toEqual(['dlv_0', 'dlv_1', 'dlv_2', 'dlv_3', 'dlv_4']);
    });

    it("listByTenant() returns the tenant's messages created in [since, until), oldest first, a page at a time", async () => {
      for (const n of [-1, 0, 1, 2, 540])
        await messages.putIfAbsent(message({ id: `msg_${n}`, createdAt: WINDOW.sinceMs + n * 60_000 }), NOW);
      await messages.putIfAbsent(message({ tenantId: 'other', id: 'msg_x', createdAt: WINDOW.sinceMs }), NOW);

      const pages = await all((cursor) => recovery.listByTenant('acme', WINDOW, cursor));

      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flat().map((m) => m.id)).toEqual(['msg_0', 'msg_1', 'msg_2']);
    });

    it("requeue() makes an exhausted delivery pending and due, with a fresh schedule, its attempt log kept and the run's id on it", async () => {
      const d = await stored(at(1));
      await deliveries.markExhaustedNotified('acme', d.deliveryId, NOW);
      expect((await deliveries.get('acme', d.deliveryId))?.exhaustedNotifiedAt).toBe(NOW);

      expect(await recovery.requeue(request(d, { dueAt: NOW + 2000 }))).toBe(true);

      const requeued = await deliveries.get('acme', d.deliveryId);
      expect(requeued).toMatchObject({
        status: 'pending',
        nextAttemptAt: NOW + 2000,
        attemptCount: 1,
        scheduleBase: 1,
        recoveryIds: ['rcv_1'],
      });
      expect(requeued?.exhaustedNotifiedAt).toBeUndefined(); // exhausted again, it is notified again
      expect(await deliveries.attempts('acme', d.deliveryId)).toEqual([failure(d, 1)]);
      expect((await recovery.listByEndpoint('acme', 'ep_1', WINDOW)).items[0]).toMatchObject({
        deliveryId: d.deliveryId,
        recoveryIds: ['rcv_1'],
      });
    });

    it('requeue() takes a skipped delivery back without its skip reason, and counts its probes out of the schedule base', async () => {
      const d = at(2, { attemptCount: 3, probes: 1 });
      await deliveries.createIfAbsent([d]);
      await deliveries.markSkipped('acme', d.deliveryId, 'endpoint_disabled', NOW - HOUR);

      expect(await recovery.requeue(request(d, { expectedStatus: 'skipped' }))).toBe(true);

      const requeued = (await deliveries.get('acme', d.deliveryId)) as RecoverableDelivery;
      expect(requeued).toMatchObject({ status: 'pending', scheduleBase: 2 });
      expect(requeued.skipReason).toBeUndefined();
    });

    it('requeue() refuses a second requeue with the same recovery id, and accepts another run', async () => {
      const d = await stored(at(1));
      await recovery.requeue(request(d));
      await claimAndRecord(deliveries, failure(d, 2), { status: 'exhausted', attemptCount: 2, updatedAt: NOW }, 1);

      expect(await recovery.requeue(request(d))).toBe(false);
      expect(await recovery.requeue(request(d, { recoveryId: 'rcv_2' }))).toBe(true);
      expect(await deliveries.get('acme', d.deliveryId)).toMatchObject({
        status: 'pending',
        scheduleBase: 2,
        recoveryIds: ['rcv_1', 'rcv_2'],
      });
    });

    it('requeue() refuses a delivery whose status changed since it was read', async () => {
      const d = await stored(at(1), 'failed');
      await claimAndRecord(
        deliveries,
        { ...failure(d, 2), status: 200 },
        { status: 'delivered', attemptCount: 2, updatedAt: NOW },
        1,
      );

      expect(await recovery.requeue(request(d, { expectedStatus: 'failed' }))).toBe(false);
      expect(await deliveries.get('acme', d.deliveryId)).toMatchObject({ status: 'delivered' });
    });

    it("requeue() refuses another tenant's delivery and one that does not exist", async () => {
      const d = await stored(at(1));

      expect(await recovery.requeue(request(d, { tenantId: 'other' }))).toBe(false);
      expect(await recovery.requeue(request(d, { deliveryId: 'dlv_none' }))).toBe(false);
    });

    it('a requeued delivery due within a queue delay is swept a lease after it is due; one due later is swept when due', async () => {
      const soon = await stored(at(1));
      const later = await stored(at(2));
      await recovery.requeue(request(soon, { dueAt: NOW + 1000 }));
      await recovery.requeue(request(later, { dueAt: NOW + HOUR }));

      expect(await deliveries.claimDue(NOW + 1000 + LEASE - 1, NOW, 10)).toEqual([]);
      expect(await deliveries.claimDue(NOW + 1000 + LEASE, NOW + HOUR, 10)).toEqual([
        { tenantId: 'acme', deliveryId: soon.deliveryId, nextAttemptAt: NOW + 1000, dueAt: NOW + 1000 + LEASE },
      ]);
      expect(await deliveries.claimDue(NOW + HOUR - 1, NOW + HOUR, 10)).toEqual([]);
      expect(await deliveries.claimDue(NOW + HOUR, NOW + HOUR, 10)).toEqual([
        { tenantId: 'acme', deliveryId: later.deliveryId, nextAttemptAt: NOW + HOUR, dueAt: NOW + HOUR },
      ]);
    });

    it('createIfAbsent() of a delivery paced beyond a queue delay (a replay) puts it in the due index at its due time', async () => {
      await deliveries.createIfAbsent([delivery({ createdAt: NOW, nextAttemptAt: NOW + HOUR })]);

      expect(await deliveries.claimDue(NOW + HOUR - 1, NOW, 10)).toEqual([]);
      expect(await deliveries.claimDue(NOW + HOUR, NOW + HOUR, 10)).toHaveLength(1);
    });
  });
}
