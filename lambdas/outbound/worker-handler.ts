/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures). */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoEndpointStateStore } from '../adapters/dynamo-endpoint-state';
import { LogTopic } from '../adapters/log-topic';
import { createTransformer } from '../core/outbound/transform';
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createDeliveryWorker } from './create-worker-handler';
import { transforms } from './transforms';

const config = outboundConfig();
const adapters = outboundAdapters(config);
export const handler = createDeliveryWorker({
  ...adapters,
  transform: createTransformer(transforms),
  random: Math.random,
  // Operator notifications are log lines until the SNS operations topic is built (issue #13).
  admission: { store: new DynamoEndpointStateStore(new DynamoDBClient({}), config.tableName), newLeaseId: () => randomBytes(9).toString('base64url'), notifications: new LogTopic(adapters.log) },
});
