/**
 * The DynamoDB `EndpointStateStore` against a DynamoDB protocol server: the compare-and-set conditions themselves
 * (which aws-sdk-client-mock never evaluates), and `update()`'s retry over real lost races.
 * Run on the embedded dynalite (always) and DynamoDB Local (integration tier).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
