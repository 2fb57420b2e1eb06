import { describe, expect, it } from 'vitest';
import { toHttpResponse } from '../../../../lambdas/core/kernel/http';
import { silentLog } from '../../../../lambdas/core/kernel/log';
import type { Delivery, DeliveryStatus, MessageRecord } from '../../../../lambdas/core/outbound/model';
import {
  recoverEndpoint,
  type DeliveryPage,
  type RecoverableDelivery,
  type RecoveryStore,
  type RequeueRequest,
} from '../../../../lambdas/core/outbound/recovery/recover';
import { replayMessages, selectForReplay, type MessagePager } from '../../../../lambdas/core/outbound/recovery/replay';
import { RecoveryWindowError, validateWindow, type Window } from '../../../../lambdas/core/outbound/recovery/window';
import { retentionSettingsSchema } from '../../../../lambdas/core/outbound/retention';
import { endpoint, ENDPOINT_ID, FakeDeliveryStore, message, NOW, TENANT } from '../../../helpers/outbound';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Deliveries in memory; `requeue` is conditional like the DynamoDB update; `crashAfter` throws after n requeues. */
class FakeRecoveryStore implements RecoveryStore {
  readonly deliveries = new Map<string, Mutable<RecoverableDelivery>>();
  readonly requeued: RequeueRequest[] = [];
  crashAfter = Infinity;

  constructor(
    items: readonly RecoverableDelivery[],
    readonly pageSize = 3,
  ) {
    for (const d of items) this.deliveries.set(d.deliveryId, { ...d });
  }

  async listByEndpoint(tenantId: string, endpointId: string, window: Window, cursor?: string): Promise<DeliveryPage> {
    const all = [...this.deliveries.values()]
      .filter(
        (d) =>
          d.tenantId === tenantId &&
          d.endpointId === endpointId &&
          d.createdAt >= window.sinceMs &&
          d.createdAt < window.untilMs,
      )
      .sort((a, b) => a.createdAt - b.createdAt);
    const start = cursor === undefined ? 0 : Number(cursor);
    const next = start + this.pageSize;
    return {
      items: all.slice(start, next).map((d) => ({ ...d })),
      cursor: next < all.length ? String(next) : undefined,
    };
  }

  async requeue(r: RequeueRequest): Promise<boolean> {
    if (this.requeued.length >= this.crashAfter) throw new Error('Lambda timed out');
    const d = this.deliveries.get(r.deliveryId);
    if (!d || d.status !== r.expectedStatus || (d.recoveryIds ?? []).includes(r.recoveryId)) return false;
    Object.assign(d, {
      status: 'pending',
      nextAttemptAt: r.dueAt,
      recoveryIds: [...(d.recoveryIds ?? []), r.recoveryId],
      updatedAt: r.nowMs,
    });
    this.requeued.push(r);
    return true;
  }
}

function d(n: number, status: DeliveryStatus, overrides: Partial<Delivery> = {}): RecoverableDelivery {
  return {
    tenantId: TENANT,
    deliveryId: `dlv_${n}`,
    messageId: `msg_${n}`,
    endpointId: ENDPOINT_ID,
    status,
    attemptCount: 1,
    createdAt: NOW - 10 * HOUR + n * 1000,
    updatedAt: NOW,
    ...overrides,
  };
}

describe('validateWindow()', () => {
  it('defaults until to now', () => {
    expect(validateWindow({ since: NOW - HOUR }, NOW)).toEqual({ sinceMs: NOW - HOUR, untilMs: NOW });
  });

  it.each([
    ['a reversed window', { since: NOW - HOUR, until: NOW - 2 * HOUR }, 'since must be before until'],
    ['an empty window', { since: NOW - HOUR, until: NOW - HOUR }, 'since must be before until'],
    ['a window ending in the future', { since: NOW - HOUR, until: NOW + HOUR }, 'is in the future'],
    ['a window older than the retention', { since: NOW - 31 * DAY }, 'older than the retention of 30 days'],
    ['an invalid time', { since: Number.NaN }, 'valid times'],
  ])('refuses %s with a 400 that says why', (_what, input, message) => {
    const refuse = () => validateWindow(input, NOW);

    expect(refuse).toThrow(RecoveryWindowError);
    expect(refuse).toThrow(message);
    try {
      refuse();
    } catch (error) {
      expect(toHttpResponse(error, silentLog)).toMatchObject({
        statusCode: 400,
        body: expect.stringContaining('"error":"invalid_window"'),
      });
    }
  });

  it('names the configured retention and the oldest time that can be asked for', () => {
    const retention = retentionSettingsSchema.parse({ messagesDays: 14, deliveriesDays: 10 });

    expect(() => validateWindow({ since: NOW - 11 * DAY }, NOW, retention)).toThrow(
      'older than the retention of 10 days: recovery and replay reach back 10 days (message retention 14 days, delivery retention 10 days), so the oldest time you can ask for is 2026-11-22T06:00:00.000Z',
    );
    expect(validateWindow({ since: NOW - 10 * DAY }, NOW, retention).sinceMs).toBe(NOW - 10 * DAY);
  });
});

describe('recoverEndpoint()', () => {
  const mixed = () => [
    d(1, 'failed'),
    d(2, 'exhausted'),
    d(3, 'skipped', { skipReason: 'endpoint_disabled' }),
    d(4, 'delivered'),
    d(5, 'pending'),
    d(6, 'skipped', { skipReason: 'transform' }),
    d(7, 'exhausted', { endpointId: 'ep_other' }),
    d(8, 'exhausted', { createdAt: NOW - 20 * HOUR }),
    d(9, 'exhausted'),
  ];

  it('requeues every failed, exhausted and endpoint-disabled skipped delivery in the window, and only those', async () => {
    const store = new FakeRecoveryStore(mixed());

    const r = await recoverEndpoint(store, { endpoint: endpoint(), since: NOW - 12 * HOUR }, NOW);

    expect(store.requeued.map((q) => q.deliveryId)).toEqual(['dlv_1', 'dlv_2', 'dlv_3', 'dlv_9']);
    expect(r).toMatchObject({ queued: 4, notRecoverable: 3, recoveryId: expect.stringMatching(/^rcv_[0-9a-f]{32}$/) });
    expect(store.deliveries.get('dlv_2')).toMatchObject({ status: 'pending', nextAttemptAt: NOW });
  });

  it('respects until', async () => {
    const store = new FakeRecoveryStore(mixed());

    await recoverEndpoint(store, { endpoint: endpoint(), since: NOW - 12 * HOUR, until: NOW - 10 * HOUR + 2500 }, NOW);

    expect(store.requeued.map((q) => q.deliveryId)).toEqual(['dlv_1', 'dlv_2']);
  });

  it("paces them at the endpoint's rate, oldest first", async () => {
    const store = new FakeRecoveryStore(Array.from({ length: 6 }, (_, i) => d(i, 'exhausted')));

    await recoverEndpoint(
      store,
      { endpoint: endpoint({ rateLimit: { perSecond: 2, burst: 2 } }), since: NOW - DAY },
      NOW,
    );

    expect(store.requeued.map((q) => q.dueAt - NOW)).toEqual([0, 0, 500, 1000, 1500, 2000]);
  });

  it('after a crash half-way, the same command resumes: each delivery requeued exactly once, counts add up', async () => {
    const items = Array.from({ length: 10 }, (_, i) => d(i, i % 2 ? 'failed' : 'exhausted'));
    const store = new FakeRecoveryStore(items);
    store.crashAfter = 4;
    const request = { endpoint: endpoint(), since: NOW - DAY, until: NOW - HOUR };

    await expect(recoverEndpoint(store, request, NOW)).rejects.toThrow('Lambda timed out');
    store.crashAfter = Infinity;
    // Meanwhile a worker already retried one of the requeued deliveries and it failed again: still not twice.
    Object.assign(store.deliveries.get('dlv_0')!, { status: 'failed' });
    const resumed = await recoverEndpoint(store, request, NOW + 60_000);

    expect(resumed.queued).toBe(6);
    expect(store.requeued.map((q) => q.deliveryId).sort()).toEqual(items.map((i) => i.deliveryId).sort());
    expect(new Set(store.requeued.map((q) => q.recoveryId)).size).toBe(1);
  });

  it('without until, the same command run later is the same run: it requeues nothing twice', async () => {
    const store = new FakeRecoveryStore([d(1, 'exhausted')]);
    const request = { endpoint: endpoint(), since: NOW - DAY };
    const first = await recoverEndpoint(store, request, NOW);
    // Its re-delivery failed again meanwhile.
    Object.assign(store.deliveries.get('dlv_1')!, { status: 'exhausted' });

    const later = await recoverEndpoint(store, request, NOW + 60_000);

    expect(later).toMatchObject({ recoveryId: first.recoveryId, queued: 0 });
  });

  it('a deliberate second recovery of the same window (new label) sends them again', async () => {
    const store = new FakeRecoveryStore([d(1, 'exhausted')]);
    const request = { endpoint: endpoint(), since: NOW - DAY, until: NOW - HOUR };
    await recoverEndpoint(store, request, NOW);
    Object.assign(store.deliveries.get('dlv_1')!, { status: 'exhausted' });

    expect((await recoverEndpoint(store, request, NOW)).queued).toBe(0);
    expect((await recoverEndpoint(store, { ...request, label: 'second' }, NOW)).queued).toBe(1);
  });

  it('refuses a window beyond retention before reading anything', async () => {
    const store = new FakeRecoveryStore(mixed());

    await expect(recoverEndpoint(store, { endpoint: endpoint(), since: NOW - 40 * DAY }, NOW)).rejects.toThrow(
      RecoveryWindowError,
    );
    expect(store.requeued).toEqual([]);
  });
});

describe('messages replay', () => {
  const messages: MessageRecord[] = [
    message({ id: 'm1', type: 'invoice.paid', createdAt: NOW - 5 * HOUR }),
    message({ id: 'm2', type: 'invoice.voided', createdAt: NOW - 4 * HOUR }),
    message({ id: 'm3', type: 'customer.created', createdAt: NOW - 3 * HOUR }),
    message({ id: 'm4', type: 'invoice.paid', createdAt: NOW - 30 * HOUR }),
    message({ id: 'm5', type: 'invoice.paid', createdAt: NOW - 2 * HOUR, tenantId: 'other' }),
    message({ id: 'm6', type: 'invoice.paid', createdAt: NOW - 2 * HOUR, expiresAt: NOW - 1 }),
  ];
  const pager: MessagePager = {
    async listByTenant(tenantId, window, cursor) {
      const all = messages.filter(
        (m) => m.tenantId === tenantId && m.createdAt >= window.sinceMs && m.createdAt < window.untilMs,
      );
      const start = Number(cursor ?? 0);
      return { items: all.slice(start, start + 2), cursor: start + 2 < all.length ? String(start + 2) : undefined };
    },
  };
  const endpoints = [
    endpoint({ endpointId: 'ep_invoices', filterTypes: ['invoice.*'] }),
    endpoint({ endpointId: 'ep_all', filterTypes: ['*'], rateLimit: { perSecond: 1, burst: 1 } }),
    endpoint({ endpointId: 'ep_off', filterTypes: ['*'], enabled: false }),
  ];
  const ports = (deliveries = new FakeDeliveryStore()) => ({
    messages: pager,
    endpoints: { listByTenant: async () => endpoints },
    deliveries,
  });

  it('selects by tenant, window and type pattern, never an expired message', () => {
    const window = { sinceMs: NOW - DAY, untilMs: NOW };

    expect(
      selectForReplay(messages, { tenantId: TENANT, window, typePattern: 'invoice.*' }, NOW).map((m) => m.id),
    ).toEqual(['m1', 'm2']);
    expect(selectForReplay(messages, { tenantId: TENANT, window }, NOW).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(
      selectForReplay(messages, { tenantId: TENANT, window, typePattern: 'invoice.paid' }, NOW).map((m) => m.id),
    ).toEqual(['m1']);
  });

  it('queues new deliveries to the enabled matching endpoints, paced per endpoint, and reports the count', async () => {
    const store = new FakeDeliveryStore();

    const r = await replayMessages(ports(store), { tenantId: TENANT, since: NOW - DAY }, NOW);

    expect(r).toMatchObject({ matched: 3, queued: 5, replayId: expect.stringMatching(/^rpl_/) });
    const toAll = [...store.deliveries.values()]
      .filter((x) => x.endpointId === 'ep_all')
      .map((x) => x.nextAttemptAt! - NOW);
    expect(toAll).toEqual([0, 1000, 2000]);
    expect([...store.deliveries.values()].some((x) => x.endpointId === 'ep_off')).toBe(false);
  });

  it('sends only to --endpoint, and refuses an endpoint of another tenant', async () => {
    const store = new FakeDeliveryStore();

    expect(
      await replayMessages(ports(store), { tenantId: TENANT, since: NOW - DAY, endpointId: 'ep_invoices' }, NOW),
    ).toMatchObject({ matched: 3, queued: 2 });
    await expect(
      replayMessages(ports(store), { tenantId: TENANT, since: NOW - DAY, endpointId: 'ep_nope' }, NOW),
    ).rejects.toThrow('does not belong');
  });

  it('creates nothing twice when run again (a crash, a retried request)', async () => {
    const store = new FakeDeliveryStore();
    const request = { tenantId: TENANT, since: NOW - DAY, until: NOW - HOUR, typePattern: 'invoice.*' };

    const first = await replayMessages(ports(store), request, NOW);
    const again = await replayMessages(ports(store), request, NOW + 5000);

    expect([first.queued, again.queued]).toEqual([4, 0]);
    expect(store.deliveries.size).toBe(4);
  });

  it('without until, the same replay run later creates nothing twice', async () => {
    const store = new FakeDeliveryStore();
    const request = { tenantId: TENANT, since: NOW - DAY, typePattern: 'invoice.*' };

    const first = await replayMessages(ports(store), request, NOW);
    const later = await replayMessages(ports(store), request, NOW + 60_000);

    expect([first.queued, later.queued]).toEqual([4, 0]);
    expect(later.replayId).toBe(first.replayId);
  });

  it('refuses a bad type pattern and a window beyond retention', async () => {
    await expect(
      replayMessages(ports(), { tenantId: TENANT, since: NOW - DAY, typePattern: 'inv*' }, NOW),
    ).rejects.toThrow('must be *, <type>.* or an event type');
    await expect(replayMessages(ports(), { tenantId: TENANT, since: NOW - 31 * DAY }, NOW)).rejects.toThrow(
      RecoveryWindowError,
    );
  });
});
