/**
 * The outbound API's lists on a DynamoDB protocol server: a tenant's deliveries and messages a page at a time,
 * newest first, with an opaque cursor that reaches every item once; a cursor refused when it is not one the list
 * gave; the deliveries of one message; the record of a recovery run. Run on dynalite and DynamoDB Local.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { DynamoRecoveryStore } from '../../lambdas/adapters/dynamo-outbound-recovery';
import { InvalidCursorError } from '../../lambdas/core/outbound/errors';
import type { Delivery } from '../../lambdas/core/outbound/model';
import type { Page } from '../../lambdas/core/outbound/ports';
import type { RecoveryRun } from '../../lambdas/core/outbound/recovery/runs';
import { ensureOutboundTable } from '../../local/outbound-table';
import { claimAndRecord, delivery, message, NOW } from '../helpers/outbound';

const TABLE = 'outbound';
const DAY = 86_400_000;

/** Every item of a list, page by page, and the number of pages it took. */
async function readAll<T>(read: (cursor?: string) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
  } while (cursor !== undefined);
  return { items, pages };
}

const made = (i: number, overrides: Partial<Delivery> = {}): Delivery =>
  delivery({
    deliveryId: `dlv_${String(i).padStart(3, '0')}`,
    messageId: `msg_${i}`,
    createdAt: NOW + i,
    ...overrides,
  });

export function outboundListsSuite(name: string, client: () => DynamoDBClient, reset: () => Promise<void>): void {
  describe(`outbound lists against ${name}`, () => {
    let clock = NOW;
    let deliveries: DynamoDeliveryStore;
    let messages: DynamoMessageStore;
    let runs: DynamoRecoveryStore;

    beforeEach(async () => {
      await reset();
      await ensureOutboundTable(client(), TABLE);
      clock = NOW + 1000;
      deliveries = new DynamoDeliveryStore(client(), TABLE, { now: () => clock });
      messages = new DynamoMessageStore(client(), TABLE, { now: () => clock });
      runs = new DynamoRecoveryStore(client(), TABLE, { now: () => clock });
    });

    it("list() pages through a tenant's 120 deliveries newest first, each once, never more than the limit a page", async () => {
      await deliveries.createIfAbsent(Array.from({ length: 120 }, (_, i) => made(i)));
      await deliveries.createIfAbsent([made(500, { tenantId: 'other', deliveryId: 'dlv_other' })]);

      const pageSizes: number[] = [];
      const all = await readAll(async (cursor) => {
        const page = await deliveries.list({ tenantId: 'acme', limit: 50, ...(cursor && { cursor }) });
        pageSizes.push(page.items.length);
        return page;
      });

      expect(all.items.map((d) => d.deliveryId)).toEqual(
        Array.from({ length: 120 }, (_, i) => `dlv_${String(119 - i).padStart(3, '0')}`),
      );
      expect(pageSizes).toEqual([50, 50, 20]);
    });

    it('list() with a filter fills each page with matching deliveries and still reaches every one', async () => {
      await deliveries.createIfAbsent(
        Array.from({ length: 90 }, (_, i) => made(i, i % 3 === 0 ? { endpointId: 'ep_2' } : {})),
      );

      const first = await deliveries.list({ tenantId: 'acme', endpointId: 'ep_2', limit: 7 });
      const all = await readAll((cursor) =>
        deliveries.list({ tenantId: 'acme', endpointId: 'ep_2', limit: 7, ...(cursor && { cursor }) }),
      );

      expect(first.items).toHaveLength(7);
      expect(all.items).toHaveLength(30);
      expect(new Set(all.items.map((d) => d.deliveryId)).size).toBe(30);
      expect(all.items.every((d) => d.endpointId === 'ep_2')).toBe(true);
    });

    it('list() by status reads each status from its delivery item (the index entries hold none), so a change after creation counts', async () => {
      await deliveries.createIfAbsent(Array.from({ length: 30 }, (_, i) => made(i)));
      for (const i of [3, 17, 25]) {
        const d = made(i);
        const recorded = await claimAndRecord(
          deliveries,
          {
            tenantId: d.tenantId,
            deliveryId: d.deliveryId,
            endpointId: d.endpointId,
            messageId: d.messageId,
            number: 1,
            at: NOW + 100,
            latencyMs: 5,
            status: 500,
          },
          { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW + 101 },
        );
        expect(recorded).toBe(true);
      }

      const all = await readAll((cursor) =>
        deliveries.list({ tenantId: 'acme', status: 'failed', limit: 2, ...(cursor && { cursor }) }),
      );

      expect(all.items.map((d) => d.deliveryId)).toEqual(['dlv_025', 'dlv_017', 'dlv_003']);
      expect(all.items.every((d) => d.status === 'failed' && d.attemptCount === 1)).toBe(true);
      expect((await deliveries.list({ tenantId: 'acme', status: 'pending', limit: 100 })).items).toHaveLength(27);
    });

    it.each([
      ['not base64 JSON', 'not a cursor'],
      [
        'another partition (a start key of tenant other)',
        Buffer.from(JSON.stringify({ tenantKey: { S: 'TENANT#other' } })).toString('base64url'),
      ],
      ['JSON that is no start key', Buffer.from('[1,2]').toString('base64url')],
    ])('list() refuses a cursor that is %s with InvalidCursorError (400)', async (_what, cursor) => {
      await expect(deliveries.list({ tenantId: 'acme', cursor })).rejects.toThrow(InvalidCursorError);
    });

    it("messages list() pages through a tenant's live messages newest first, without payloads", async () => {
      for (let i = 0; i < 5; i++) await messages.putIfAbsent(message({ id: `msg_${i}`, createdAt: NOW + i }), NOW);
      await messages.putIfAbsent(message({ id: 'msg_gone', createdAt: NOW + 9, expiresAt: NOW + 10 }), NOW);

      const all = await readAll((cursor) => messages.list('acme', { limit: 2, ...(cursor && { cursor }) }));

      expect(all.items.map((m) => m.id)).toEqual(['msg_4', 'msg_3', 'msg_2', 'msg_1', 'msg_0']);
      expect(all.items[0]).not.toHaveProperty('payload');
      expect(all.pages).toBe(3);
    });

    it("messageDeliveries() finds a message's deliveries from its creation on, and says when it stopped short", async () => {
      const m = message({ id: 'msg_5', createdAt: NOW + 5 });
      await deliveries.createIfAbsent([
        ...Array.from({ length: 20 }, (_, i) => made(i)),
        made(5, { deliveryId: 'dlv_5_other_endpoint', endpointId: 'ep_2' }),
        made(15, { deliveryId: 'dlv_5_replayed', messageId: 'msg_5' }),
      ]);

      const found = await deliveries.messageDeliveries('acme', m, { limit: 10, scanLimit: 100 });
      const cut = await deliveries.messageDeliveries('acme', m, { limit: 10, scanLimit: 5 });

      expect(found).toEqual({
        items: [
          expect.objectContaining({ deliveryId: 'dlv_005' }),
          expect.objectContaining({ deliveryId: 'dlv_5_other_endpoint' }),
          expect.objectContaining({ deliveryId: 'dlv_5_replayed' }),
        ],
        complete: true,
      });
      expect(cut.complete).toBe(false);
    });

    it('a recovery run record is read back as written, and not once past the deliveries retention', async () => {
      const run: RecoveryRun = {
        recoveryId: 'rcv_1',
        kind: 'recover',
        tenantId: 'acme',
        endpointId: 'ep_1',
        since: NOW - DAY,
        runs: 1,
        startedAt: NOW,
        updatedAt: NOW,
        done: false,
        examined: 3,
        queued: 2,
        alreadyQueued: 0,
        notRecoverable: 1,
      };

      await runs.putRun(run);

      expect(await runs.getRun('acme', 'rcv_1')).toEqual(run);
      expect(await runs.getRun('other', 'rcv_1')).toBeUndefined();
      clock = NOW + 31 * DAY;
      expect(await runs.getRun('acme', 'rcv_1')).toBeUndefined();
    });
  });
}
