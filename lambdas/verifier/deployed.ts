/**
 * The verifier as deployed: AWS adapters built once per cold start from the environment. `instrument` sees each AWS
 * client before an adapter gets it (bench/what-if/ measures tracing SDKs through it; the handler passes none).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../adapters/powertools-log';
import { powertoolsMetrics } from '../adapters/powertools-metrics';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { SecretsManagerSource } from '../adapters/secrets-manager-source';
import { lazyS3ObjectStore } from '../adapters/lazy-s3-object-store';
import { SqsQueue } from '../adapters/sqs-queue';
import { verifierConfig } from '../wiring/inbound-env';
import { prepareSources } from '../core/inbound/sources';
import { createVerifierHandler } from './create-handler';

export function deployedVerifier(instrument: <C extends object>(client: C) => C = (client) => client) {
  const config = verifierConfig();
  return createVerifierHandler({
    sources: prepareSources(config.sources),
    store: new DynamoEventStore(instrument(new DynamoDBClient({})), config.tableName),
    queue: new SqsQueue(instrument(new SQSClient({}))),
    secrets: new SecretsManagerSource(instrument(new SecretsManagerClient({})), config.secretsCacheMs),
    clock: Date.now,
    leaseMs: config.leaseMs,
    newToken: randomUUID,
    log: powertoolsLog(new Logger()),
    metrics: powertoolsMetrics(),
    ...(config.archiveBucket && { archive: lazyS3ObjectStore(config.archiveBucket) }),
  });
}
