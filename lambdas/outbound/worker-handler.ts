/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures). */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoEndpointStateStore } from '../adapters/dynamo-endpoint-state';
import { SnsTopic } from '../adapters/sns-topic';
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
  admission: {
    store: new DynamoEndpointStateStore(new DynamoDBClient({}), config.tableName),
    newLeaseId: () => randomBytes(9).toString('base64url'),
    notifications: new SnsTopic(new SNSClient({}), config.operationsTopicArn),
  },
});
