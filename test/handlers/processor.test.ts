/**
 * The processor handler through the real adapters, AWS SDK mocked: SQS batch in, partial batch
 * response out, DynamoDB claims and SNS publishes observed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { createProcessorHandler } from '../../lambdas/processor/create-handler';
import { serializeEnvelope } from '../../lambdas/core/inbound/envelope';
import { createRouter } from '../../lambdas/core/inbound/routing';
import { silentLog } from '../../lambdas/core/kernel/log';
import { manualClock, tokens } from '../helpers/fakes';

const ddb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:events';
const context = { getRemainingTimeInMillis: () => 25_000 };

function record(id: string, body?: string): SQSRecord {
  return {
    messageId: `msg-${id}`,
    receiptHandle: `rh-${id}`,
    body:
      body ??
      serializeEnvelope(
        { id, source: 'stripe', type: 'invoice.paid', receivedAt: '2026-11-23T12:00:00.000Z', headers: {} },
        '{}',
      ),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:stripe',
    awsRegion: 'us-east-1',
  };
}

function build() {
  return createProcessorHandler({
    sourceId: 'stripe',
    store: new DynamoEventStore(new DynamoDBClient({ region: 'us-east-1' }), 'events'),
    topic: new SnsTopic(new SNSClient({ region: 'us-east-1' }), TOPIC),
    router: createRouter([]),
    clock: manualClock(),
    leaseMs: 60_000,
    dedupeSeconds: 86_400,
    newToken: tokens(),
    publishSafetyMs: 3_000,
    log: silentLog,
  });
}

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const isClaim = (input: { UpdateExpression?: string }) =>
  input.UpdateExpression?.startsWith('SET #status = :processing') ?? false;

describe('processor handler', () => {
  beforeEach(() => {
    ddb.reset();
    sns.reset();
    ddb.on(UpdateItemCommand).resolves({});
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: Array<{ Id: string }> }) => ({
      Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
      Failed: [],
    }));
  });

  it('claims, publishes with filterable attributes in one PublishBatch, and marks completed', async () => {
    const response = await build()(batch(record('evt_1'), record('evt_2')), context);

    expect(response).toEqual({ batchItemFailures: [] });
    const publish = sns.commandCalls(PublishBatchCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]!.args[0].input.TopicArn).toBe(TOPIC);
    expect(publish[0]!.args[0].input.PublishBatchRequestEntries![0]!.MessageAttributes).toEqual({
      source: { DataType: 'String', StringValue: 'stripe' },
      type: { DataType: 'String', StringValue: 'invoice.paid' },
      eventId: { DataType: 'String', StringValue: 'evt_1' },
    });
    const updates = ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input.UpdateExpression);
    expect(updates.filter((u) => u?.startsWith('SET #status = :completed'))).toHaveLength(2);
  });

  it('reports only the records SNS failed as batch item failures', async () => {
    sns.on(PublishBatchCommand).resolves({
      Successful: [{ Id: 'e0', MessageId: 'x' }],
      Failed: [{ Id: 'e1', Code: 'InternalError', SenderFault: false }],
    });

    const response = await build()(batch(record('evt_1'), record('evt_2')), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-evt_2' }] });
  });

  it('retries every record when SNS is unavailable, marking each failed', async () => {
    sns.on(PublishBatchCommand).rejects(new Error('SNS is down'));

    const response = await build()(batch(record('evt_1'), record('evt_2')), context);

    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['msg-evt_1', 'msg-evt_2']);
    const failed = ddb
      .commandCalls(UpdateItemCommand)
      .filter((c) => c.args[0].input.UpdateExpression?.startsWith('SET #status = :failed'));
    expect(failed).toHaveLength(2);
  });

  it('skips an already-completed event without publishing and acknowledges it', async () => {
    ddb.on(UpdateItemCommand).callsFake((input: { UpdateExpression?: string }) => {
      if (isClaim(input)) {
        throw new ConditionalCheckFailedException({
          message: 'no',
          $metadata: {},
          Item: { status: { S: 'completed' }, source: { S: 'stripe' }, eventId: { S: 'evt_1' } },
        });
      }
      return {};
    });

    const response = await build()(batch(record('evt_1')), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('fails a poison message alone; its batch-mates are published', async () => {
    const response = await build()(batch(record('evt_1'), record('bad', '\u0000garbage'), record('evt_2')), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-bad' }] });
    expect(sns.commandCalls(PublishBatchCommand)[0]!.args[0].input.PublishBatchRequestEntries).toHaveLength(2);
  });

  it('claims with one conditional update that refuses completed and live claims', async () => {
    await build()(batch(record('evt_1')), context);

    const claim = ddb
      .commandCalls(UpdateItemCommand)
      .map((c) => c.args[0].input)
      .find(isClaim)!;
    expect(claim.ConditionExpression).toBe(
      'attribute_not_exists(#pk) OR #status IN (:received, :enqueued, :failed) OR (#status = :processing AND #leaseUntil < :now)',
    );
  });
});
