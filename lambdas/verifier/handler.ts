/** Verifier Lambda entry: wires the real adapters once per cold start. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../adapters/powertools-log';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { DynamoTenantSources } from '../adapters/dynamo-tenant-sources';
import { KmsSecretCipher } from '../adapters/kms-secret-cipher';
import { SecretsManagerSource } from '../adapters/secrets-manager-source';
import { lazyS3ObjectStore } from '../adapters/lazy-s3-object-store';
import { SqsQueue } from '../adapters/sqs-queue';
import { verifierConfig } from '../wiring/inbound-env';
import { memoryRateLimiter } from '../core/inbound/rate-limit';
import { prepareSources } from '../core/inbound/sources';
import { TenantSourceResolver } from '../core/inbound/tenant-sources/resolve';
import { createVerifierHandler } from './create-handler';

const config = verifierConfig();
const log = powertoolsLog(new Logger());
const dynamo = new DynamoDBClient({});
const tenant = config.tenantSources;

export const handler = createVerifierHandler({
  sources: prepareSources(config.sources, config.queues),
  ...(tenant &&
    config.queues.sharedUrl !== undefined && {
      tenantSources: new TenantSourceResolver({
        repository: new DynamoTenantSources(dynamo, tenant.tableName),
        cipher: new KmsSecretCipher(new KMSClient({}), tenant.keyId),
        queueUrl: config.queues.sharedUrl,
        clock: Date.now,
        ttlMs: tenant.cacheMs,
        missesPerSecond: tenant.missesPerSecond,
        log,
      }),
    }),
  store: new DynamoEventStore(dynamo, config.tableName),
  queue: new SqsQueue(new SQSClient({})),
  secrets: new SecretsManagerSource(new SecretsManagerClient({}), config.secretsCacheMs),
  rateLimiter: memoryRateLimiter(),
  clock: Date.now,
  leaseMs: config.leaseMs,
  newToken: randomUUID,
  log,
  ...(config.archiveBucket && { archive: lazyS3ObjectStore(config.archiveBucket) }),
});
