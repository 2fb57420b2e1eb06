/**
 * The tenant sources' DynamoDB adapter against a DynamoDB protocol server: its conditional create, versioned modify
 * and pages, which aws-sdk-client-mock never evaluates, and the round trip of a record through `doc`. Run on the
 * embedded dynalite (always, as `npm start` runs it) and DynamoDB Local (integration tier).
 */
import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoTenantSources, tenantSourcesTableDefinition } from '../../lambdas/adapters/dynamo-tenant-sources';
import type { TenantSource } from '../../lambdas/core/inbound/tenant-sources/model';
import { ensureTable } from '../../local/dynamo';

const TABLE = 'tenant-sources';

const source = (tenantId: string, id: string): TenantSource => ({
  tenantId,
  id,
  scheme: 'github',
  options: {},
  maxBodyBytes: 200 * 1024,
  allowedCidrs: ['192.0.2.0/24'],
  eventId: { header: 'x-github-delivery' },
  rateLimit: { perSecond: 5, burst: 10 },
  dedupeWindowDays: 7,
  enabled: true,
  token: 'AAAAAAAAAAAAAAAAAAAAAA',
  sealedSecrets: 'sealed',
  createdAt: 1,
  updatedAt: 1,
});

export function tenantSourcesSuite(name: string, client: () => DynamoDBClient): void {
  describe(`DynamoTenantSources on ${name}`, () => {
    let repo: DynamoTenantSources;
    beforeEach(async () => {
      await client()
        .send(new DeleteTableCommand({ TableName: TABLE }))
        .catch((e: unknown) => {
          if (!(e instanceof ResourceNotFoundException)) throw e;
        });
      for (let i = 0; i < 100; i++) {
        try {
          await ensureTable(client(), tenantSourcesTableDefinition(TABLE));
          break;
        } catch (error) {
          // A table still being deleted: wait it out.
          if (i === 99) throw error;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      repo = new DynamoTenantSources(client(), TABLE);
    });

    it('creates a source once, reads it back whole, and refuses a second with the same id', async () => {
      expect(await repo.create(source('acme', 'github'))).toBe(true);
      expect(await repo.create({ ...source('acme', 'github'), sealedSecrets: 'other' })).toBe(false);
      expect(await repo.get('acme', 'github')).toEqual(source('acme', 'github'));
      expect(await repo.get('acme', 'github', true)).toEqual(source('acme', 'github'));
      expect(await repo.get('beta', 'github')).toBeUndefined();
    });

    it('modifies under a version check: a change made in between is read again, not overwritten', async () => {
      await repo.create(source('acme', 'github'));
      let rounds = 0;
      const updated = await repo.modify('acme', 'github', async (current) => {
        rounds++;
        // The first time, someone else changes the source between our read and our write.
        if (rounds === 1) await repo.modify('acme', 'github', async (s) => ({ ...s, description: 'theirs' }));
        return { ...current, enabled: false };
      });
      expect(rounds).toBe(2);
      expect(updated).toMatchObject({ enabled: false, description: 'theirs' });
      expect(await repo.get('acme', 'github', true)).toMatchObject({ enabled: false, description: 'theirs' });
      expect(await repo.modify('acme', 'nope', async (s) => s)).toBeUndefined();
    });

    it("lists one tenant's sources by id, a page at a time", async () => {
      for (const id of ['c', 'a', 'b']) await repo.create(source('acme', id));
      await repo.create(source('acmf', 'z'));

      const first = await repo.list('acme', { limit: 2 });
      const second = await repo.list('acme', { limit: 2, after: first.next });

      expect(first.sources.map((s) => s.id)).toEqual(['a', 'b']);
      expect(first.next).toBe('b');
      expect(second.sources.map((s) => s.id)).toEqual(['c']);
    });

    it('removes once', async () => {
      await repo.create(source('acme', 'github'));
      expect(await repo.remove('acme', 'github')).toBe(true);
      expect(await repo.remove('acme', 'github')).toBe(false);
      expect(await repo.get('acme', 'github', true)).toBeUndefined();
    });
  });
}
