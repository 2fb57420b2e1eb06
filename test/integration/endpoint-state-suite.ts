/**
 * The DynamoDB `EndpointStateStore` against a DynamoDB protocol server: the compare-and-set conditions themselves
 * (which aws-sdk-client-mock never evaluates), and `update()`'s retry over real lost races.
 * Run on the embedded dynalite (always) and DynamoDB Local (integration tier).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDataKeyStore } from '../../lambdas/adapters/dynamo-data-key';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DynamoEndpointRepository } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { update, type EndpointStateKey } from '../../lambdas/core/outbound/admission/state-store';
import { CLOSED, type CircuitState } from '../../lambdas/core/outbound/admission/circuit';
import { ensureOutboundTable } from '../../local/outbound-table';
import { endpoint, NOW } from '../helpers/outbound';

const TABLE = 'outbound';
const rateKey: EndpointStateKey<'rate'> = { tenantId: 'acme', endpointId: 'ep_1', kind: 'rate' };
const circuitKey: EndpointStateKey<'circuit'> = { tenantId: 'acme', endpointId: 'ep_1', kind: 'circuit' };
const OPEN: CircuitState = {
  status: 'open',
  reason: 'consecutive_failures',
  openedAt: NOW,
  openUntil: NOW + 30_000,
  coolDownMs: 30_000,
};

export function endpointStateSuite(name: string, client: () => DynamoDBClient, reset: () => Promise<void>): void {
  describe(`endpoint state store against ${name}`, () => {
    let store: DynamoEndpointStateStore;

    beforeEach(async () => {
      await reset();
      await ensureOutboundTable(client(), TABLE);
      store = new DynamoEndpointStateStore(client(), TABLE);
    });

    it('read() of a record never written is version 0 with no value', async () => {
      expect(await store.read(rateKey)).toEqual({ value: undefined, version: 0 });
    });

    it('compareAndSet() creates at version 0 once, and a second create loses', async () => {
      expect(await store.compareAndSet(rateKey, 0, { level: 5, at: NOW })).toBe(true);
      expect(await store.compareAndSet(rateKey, 0, { level: 1, at: NOW })).toBe(false);
      expect(await store.read(rateKey)).toEqual({ value: { level: 5, at: NOW }, version: 1 });
    });

    it('compareAndSet() writes only at the version read, and bumps it', async () => {
      await store.compareAndSet(circuitKey, 0, CLOSED);
      expect(await store.compareAndSet(circuitKey, 1, OPEN)).toBe(true);
      expect(await store.compareAndSet(circuitKey, 1, CLOSED)).toBe(false);
      expect(await store.compareAndSet(circuitKey, 5, CLOSED)).toBe(false);
      expect(await store.read(circuitKey)).toEqual({ value: OPEN, version: 2 });
    });

    it('kinds and endpoints are separate records', async () => {
      await store.compareAndSet(rateKey, 0, { level: 5, at: NOW });
      expect(await store.read(circuitKey)).toEqual({ value: undefined, version: 0 });
      expect(await store.read({ ...rateKey, endpointId: 'ep_2' })).toEqual({ value: undefined, version: 0 });
      expect(await store.read({ ...rateKey, tenantId: 'other' })).toEqual({ value: undefined, version: 0 });
    });

    it('state records do not show up among the tenant endpoints', async () => {
      const endpoints = new DynamoEndpointRepository(client(), TABLE);
      await endpoints.create(endpoint());
      await store.compareAndSet(circuitKey, 0, OPEN);
      expect((await endpoints.listByTenant('acme')).map((e) => e.endpointId)).toEqual(['ep_1']);
    });

    it('count() adds concurrent results atomically: none lost, the run of failures and the slice totals exact', async () => {
      const ref = { tenantId: 'acme', endpointId: 'ep_1' };
      const results = Array.from({ length: 12 }, (_, i) => ({ success: i % 3 === 0, at: NOW + i }));
      await Promise.all(results.map((r) => store.count(ref, [r], 60_000)));
      const { counts, health } = await store.readCircuit(ref);
      expect(counts.window).toEqual([{ start: NOW - (NOW % 10_000), total: 12, failures: 8 }]);
      expect(health.lastFailureAt).toBeGreaterThan(0);
    });

    it('count() of a batch in finishing order: the run of failures after the last success, and the failing clock from its first', async () => {
      const ref = { tenantId: 'acme', endpointId: 'ep_1' };
      const first = await store.count(ref, [{ success: false, at: NOW }], 60_000);
      expect(first.counts.consecutiveFailures).toBe(1);
      expect(first.health).toEqual({ failingSince: NOW, lastFailureAt: NOW });
      const after = await store.count(
        ref,
        [
          { success: false, at: NOW + 1 },
          { success: true, at: NOW + 2 },
          { success: false, at: NOW + 3 },
          { success: false, at: NOW + 4 },
        ],
        60_000,
      );
      expect(after.counts.consecutiveFailures).toBe(2);
      expect(after.health).toEqual({ failingSince: NOW + 3, lastFailureAt: NOW + 4, lastSuccessAt: NOW + 2 });
      const healed = await store.count(ref, [{ success: true, at: NOW + 5 }], 60_000);
      expect(healed.counts.consecutiveFailures).toBe(0);
      expect(healed.health).toEqual({ lastFailureAt: NOW + 4, lastSuccessAt: NOW + 5 });
    });

    it('count() rolls a slot of the window over to a new slice, and drops what a newer slice replaced', async () => {
      const ref = { tenantId: 'acme', endpointId: 'ep_1' };
      const slice = 10_000;
      const t0 = NOW - (NOW % slice);
      await store.count(ref, [{ success: false, at: t0 }], 60_000);
      await store.count(ref, [{ success: true, at: t0 + 6 * slice }], 60_000); // same slot, six slices later
      await store.count(ref, [{ success: false, at: t0 + 1 }], 60_000); // a late result for the replaced slice
      const { counts } = await store.readCircuit(ref);
      expect(counts.window).toEqual([{ start: t0 + 6 * slice, total: 1, failures: 0 }]);
      expect(counts.consecutiveFailures).toBe(1);
    });

    it('the circuit state changes by compare-and-set without touching the counts; closing starts them afresh; reset() stops the failing clock', async () => {
      const ref = { tenantId: 'acme', endpointId: 'ep_1' };
      await store.count(ref, [{ success: false, at: NOW }], 60_000);
      expect(await store.compareAndSet(circuitKey, 0, OPEN)).toBe(true);
      await store.count(ref, [{ success: false, at: NOW + 1 }], 60_000);
      expect(await store.read(circuitKey)).toEqual({ value: OPEN, version: 1 });
      expect((await store.readCircuit(ref)).counts.consecutiveFailures).toBe(2);
      expect(await store.compareAndSet(circuitKey, 1, CLOSED)).toBe(true);
      expect((await store.readCircuit(ref)).counts).toEqual({ consecutiveFailures: 0, window: [] });
      await store.reset(ref);
      expect(await store.readCircuit(ref)).toEqual({
        circuit: { value: CLOSED, version: 3 },
        counts: { consecutiveFailures: 0, window: [] },
        health: { lastFailureAt: NOW + 1 },
      });
    });

    it('the data key store keeps one current key, replaced only from the one it was read at', async () => {
      const keys = new DynamoDataKeyStore(client(), TABLE);
      expect(await keys.current()).toBeUndefined();
      expect(await keys.replace({ ciphertext: 'k1', createdAt: NOW })).toBe(true);
      expect(await keys.replace({ ciphertext: 'k2', createdAt: NOW + 1 })).toBe(false);
      expect(await keys.replace({ ciphertext: 'k2', createdAt: NOW + 1 }, NOW - 5)).toBe(false);
      expect(await keys.replace({ ciphertext: 'k2', createdAt: NOW + 1 }, NOW)).toBe(true);
      expect(await keys.current()).toEqual({ ciphertext: 'k2', createdAt: NOW + 1 });
    });

    it('update() from concurrent writers loses no increment (each lost race re-reads)', async () => {
      const add = () =>
        update(store, rateKey, (b) => ({ next: { level: (b?.level ?? 0) + 1, at: NOW }, result: undefined }), 20);
      await Promise.all(Array.from({ length: 5 }, add));
      expect(await store.read(rateKey)).toEqual({ value: { level: 5, at: NOW }, version: 5 });
    });

    it('compareAndSet() throws errors other than a failed condition (a missing table is not a lost race)', async () => {
      const elsewhere = new DynamoEndpointStateStore(client(), 'no-such-table');
      await expect(elsewhere.compareAndSet(rateKey, 0, { level: 1, at: NOW })).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
      await expect(elsewhere.read(rateKey)).rejects.toBeInstanceOf(ResourceNotFoundException);
    });
  });
}
