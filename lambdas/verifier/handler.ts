/** Verifier Lambda entry: wires the real adapters once per cold start. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../adapters/powertools-log';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { SecretsManagerSource } from '../adapters/secrets-manager-source';
import { lazyS3ObjectStore } from '../adapters/lazy-s3-object-store';
import { SqsQueue } from '../adapters/sqs-queue';
import { verifierConfig } from '../wiring/inbound-env';
import { prepareSources } from '../core/inbound/sources';
import { createVerifierHandler } from './create-handler';

const config = verifierConfig();
const log = powertoolsLog(new Logger());

export const handler = createVerifierHandler({
  sources: prepareSources(config.sources),
  store: new DynamoEventStore(new DynamoDBClient({}), config.tableName),
  queue: new SqsQueue(new SQSClient({})),
  secrets: new SecretsManagerSource(new SecretsManagerClient({}), config.secretsCacheMs),
  clock: Date.now,
  leaseMs: config.leaseMs,
  newToken: randomUUID,
  log,
  ...(config.archiveBucket && { archive: lazyS3ObjectStore(config.archiveBucket) }),
});
