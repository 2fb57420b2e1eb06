/** The processor as deployed: AWS adapters built once per cold start from the environment, your routes as a parameter. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { powertoolsLog } from '../adapters/powertools-log';
import { S3ObjectStore } from '../adapters/s3-object-store';
import { SnsTopic } from '../adapters/sns-topic';
import { processorConfig } from '../wiring/inbound-env';
import { PUBLISH_SAFETY_MS } from '../contract';
import { createRouter, type Route } from '../core/inbound/routing';
import { createProcessorHandler } from './create-handler';

export function deployedProcessor(routes: readonly Route[]) {
  const config = processorConfig();
  return createProcessorHandler({
    sourceId: config.sourceId,
    store: new DynamoEventStore(new DynamoDBClient({}), config.tableName),
    topic: new SnsTopic(new SNSClient({}), config.topicArn),
    router: createRouter(routes),
    clock: Date.now,
    leaseMs: config.leaseMs,
    dedupeSeconds: config.dedupeSeconds,
    newToken: randomUUID,
    publishSafetyMs: PUBLISH_SAFETY_MS,
    log: powertoolsLog(new Logger()),
    ...(config.archiveBucket && {
      archive: {
        store: new S3ObjectStore(new S3Client({}), config.archiveBucket),
        denyHeaders: config.archiveDenyHeaders,
        newId: randomUUID,
      },
    }),
  });
}
