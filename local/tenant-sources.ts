/**
 * Tenant sources in the local stack: their table on the embedded DynamoDB, the real API handler and the verifier's
 * resolver on the same adapter, and an AES-GCM stand-in for their KMS key (its key file in the data directory, apart
 * from the outbound one). Everything a deployed stack does with a tenant source, `npm start` does.
 */
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoTenantSources, tenantSourcesTableDefinition } from '../lambdas/adapters/dynamo-tenant-sources';
import type { Log } from '../lambdas/core/kernel/log';
import { TenantSourceResolver } from '../lambdas/core/inbound/tenant-sources/resolve';
import { createSourcesApiHandler } from '../lambdas/sources-api/create-handler';
import type { VerifierInvoke } from './api-gateway';
import { ensureTable } from './dynamo';
import { LocalSecretCipher } from './local-cipher';
import { verifierContext } from './local-http';

export const LOCAL_TENANT_SOURCES_TABLE = 'webhook-tenant-sources';

export interface LocalTenantSources {
  readonly tableName: string;
  readonly repository: DynamoTenantSources;
  readonly resolver: TenantSourceResolver;
  /** The `/v1/tenants/{tenant}/sources…` API. */
  invoke: VerifierInvoke;
}

export async function startLocalTenantSources(
  client: DynamoDBClient,
  o: {
    /** How long the verifier keeps a source it read (or an unknown path), and its lookup budget a second. */
    readonly cache: { readonly ttlMs: number; readonly missesPerSecond: number };
    readonly sharedQueueUrl: string;
    readonly dataDir: string | undefined;
    readonly log: Log;
  },
): Promise<LocalTenantSources> {
  await ensureTable(client, tenantSourcesTableDefinition(LOCAL_TENANT_SOURCES_TABLE));
  const repository = new DynamoTenantSources(client, LOCAL_TENANT_SOURCES_TABLE);
  const cipher = LocalSecretCipher.open(o.dataDir === undefined ? undefined : join(o.dataDir, 'source-secrets.key'));
  const api = createSourcesApiHandler({ sources: repository, cipher, now: Date.now, log: o.log });
  return {
    tableName: LOCAL_TENANT_SOURCES_TABLE,
    repository,
    resolver: new TenantSourceResolver({
      repository,
      cipher,
      queueUrl: o.sharedQueueUrl,
      clock: Date.now,
      ttlMs: o.cache.ttlMs,
      missesPerSecond: o.cache.missesPerSecond,
      log: o.log,
    }),
    invoke: async (event) => api(event, verifierContext()),
  };
}
