/** Processor Lambda entry: wires the real adapters once per cold start. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../adapters/powertools-log';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { SnsTopic } from '../adapters/sns-topic';
import { processorConfig } from '../config';
import { createRouter } from '../core/inbound/routing';
import { PUBLISH_SAFETY_MS } from '../contract';
import { createProcessorHandler } from './create-handler';
import { routes } from './routes';

const config = processorConfig();

export const handler = createProcessorHandler({
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
});
