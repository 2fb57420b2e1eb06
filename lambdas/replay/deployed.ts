/** The replay function as deployed: adapters built once per cold start from the environment, your routes a parameter. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { DynamoReplayStore } from '../adapters/dynamo-replay-store';
import { powertoolsLog } from '../adapters/powertools-log';
import { S3ObjectStore } from '../adapters/s3-object-store';
import { SecretsManagerSource } from '../adapters/secrets-manager-source';
import { SnsTopic } from '../adapters/sns-topic';
import { SqsQueue } from '../adapters/sqs-queue';
import { replayConfig } from '../wiring/inbound-env';
import { createRouter, type Route } from '../core/inbound/routing';
import { prepareSources } from '../core/inbound/sources';
import { createReplayHandler } from './create-handler';

export function deployedReplay(routes: readonly Route[]) {
  const config = replayConfig();
  const log = powertoolsLog(new Logger());
  const lambda = new LambdaClient({});
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? '';
  const dynamo = new DynamoDBClient({});
  return createReplayHandler({
    replay: {
      archive: new S3ObjectStore(new S3Client({}), config.archiveBucket),
      jobs: new DynamoReplayStore(dynamo, config.tableName),
      topic: new SnsTopic(new SNSClient({}), config.topicArn),
      queue: new SqsQueue(new SQSClient({})),
      records: new DynamoEventStore(dynamo, config.tableName),
      secrets: new SecretsManagerSource(new SecretsManagerClient({}), 60_000),
      sources: prepareSources(config.sources, config.queues),
      router: createRouter(routes),
      clock: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      newId: randomUUID,
      log,
      // Longer than the gap between two checkpoints; a dead run's job is taken over after it.
      leaseMs: 120_000,
    },
    limits: { retentionDays: new Map(Object.entries(config.retentionDays)), subscriptions: config.subscriptions },
    continueAsync: async (event) => {
      await lambda.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: JSON.stringify(event) }),
      );
    },
    log,
  });
}
