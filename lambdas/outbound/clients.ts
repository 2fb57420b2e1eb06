/** The outbound functions' adapters, built once per cold start from the parsed config. */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoEndpointStateStore } from '../adapters/dynamo-endpoint-state';
import { SnsTopic } from '../adapters/sns-topic';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDeliveryStore } from '../adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../adapters/dynamo-outbound-endpoints';
import { DynamoRecoveryStore } from '../adapters/dynamo-outbound-recovery';
import { createHttpSender, dnsResolver } from '../adapters/http-sender';
import { KmsSecretCipher } from '../adapters/kms-secret-cipher';
import { powertoolsLog } from '../adapters/powertools-log';
import { SqsWakeUpQueue } from '../adapters/sqs-wake-up-queue';
import { ssrfPolicy } from '../core/outbound/ssrf';
import type { OutboundConfig } from './config';

export function outboundAdapters(config: OutboundConfig) {
  const dynamo = new DynamoDBClient({});
  const ssrf = ssrfPolicy(config.allowedCidrs);
  return {
    endpoints: new DynamoEndpointRepository(dynamo, config.tableName),
    messages: new DynamoMessageStore(dynamo, config.tableName),
    deliveries: new DynamoDeliveryStore(dynamo, config.tableName, { retention: config.retention }),
    /** `endpoints recover`, `messages replay`: the same table, lease and due shards as `deliveries`. */
    recovery: new DynamoRecoveryStore(dynamo, config.tableName),
    /** Intake (message expiry), management (custom schedules checked against it), recovery's reach. */
    retention: config.retention,
    wakeUps: new SqsWakeUpQueue(new SQSClient({}), config.deliveryQueueUrl),
    cipher: new KmsSecretCipher(new KMSClient({}), config.secretsKeyId),
    resolver: dnsResolver,
    sender: createHttpSender({ policy: ssrf }),
    ssrf,
    now: Date.now,
    newId: () => `ep_${randomBytes(12).toString('base64url')}`,
    log: powertoolsLog(new Logger()),
    /** Endpoint state (rate, circuit, health) and the operations topic: the worker's gate, the API's re-enable. */
    operations: {
      store: new DynamoEndpointStateStore(dynamo, config.tableName),
      notifications: new SnsTopic(new SNSClient({}), config.operationsTopicArn),
    },
  };
}
