/**
 * The processor handler with the archive on S3, AWS SDK mocked: one PutObject per batch with a SHA-256 checksum,
 * before the batch is answered; when it fails, every message of the batch is retried, published events are recorded
 * `completed` without `archivedAt` (so the redelivery archives them without publishing again), and a claim-checked
 * payload is read back before any route runs.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { S3ObjectStore } from '../../lambdas/adapters/s3-object-store';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { createProcessorHandler } from '../../lambdas/processor/create-handler';
import { serializeEnvelope } from '../../lambdas/core/inbound/envelope';
import { createRouter } from '../../lambdas/core/inbound/routing';
import { silentLog } from '../../lambdas/core/kernel/log';
import { manualClock, tokens } from '../helpers/fakes';

const ddb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const context = { getRemainingTimeInMillis: () => 25_000 };
const META = { source: 'stripe', type: 'invoice.paid', receivedAt: '2026-11-23T12:00:00.000Z', headers: {} };

function record(id: string, payload = `{"id":"${id}"}`, archive?: object): SQSRecord {
  return {
    messageId: `msg-${id}`,
    receiptHandle: `rh-${id}`,
    body: serializeEnvelope({ id, ...META }, archive && 'ref' in archive ? 'null' : payload),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: archive ? { archive: { dataType: 'String', stringValue: JSON.stringify(archive) } } : {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:stripe',
    awsRegion: 'us-east-1',
  };
}

function build(seen: string[] = []) {
  return createProcessorHandler({
    sourceId: 'stripe',
    store: new DynamoEventStore(new DynamoDBClient({ region: 'us-east-1' }), 'events'),
    topic: new SnsTopic(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:123456789012:events'),
    router: createRouter([
      { source: '*', type: '*', handle: (e, raw) => (seen.push(raw), { publish: true, message: raw }) },
    ]),
    clock: manualClock(),
    leaseMs: 60_000,
    dedupeSeconds: 86_400,
    newToken: tokens(),
    publishSafetyMs: 3000,
    log: silentLog,
    archive: {
      store: new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 'archive-bucket'),
      denyHeaders: [],
      newId: () => 'n',
    },
  });
}

beforeEach(() => {
  ddb.reset();
  sns.reset();
  s3.reset();
  ddb.on(UpdateItemCommand).resolves({});
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id })),
  }));
});

const completedWrites = () =>
  ddb
    .commandCalls(UpdateItemCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.ExpressionAttributeValues?.[':completed']);

describe('processor handler with the archive', () => {
  it('writes one checksummed object for the batch, then records completed with archivedAt', async () => {
    s3.on(PutObjectCommand).resolves({});
    const out = await build()({ Records: [record('evt_1'), record('evt_2')] }, context);
    expect(out.batchItemFailures).toEqual([]);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({
      Bucket: 'archive-bucket',
      Key: expect.stringMatching(/^events\/source=stripe\/day=2026-11-23\/.*\.json\.gz$/),
      ChecksumAlgorithm: 'SHA256',
      ContentEncoding: 'gzip',
    });
    expect(completedWrites().map((i) => i.UpdateExpression)).toEqual([
      expect.stringContaining('archivedAt = :now'),
      expect.stringContaining('archivedAt = :now'),
    ]);
  });

  it('retries the whole batch when the archive write fails, recording completed without archivedAt', async () => {
    s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
    const out = await build()({ Records: [record('evt_1')] }, context);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'msg-evt_1' }]);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    expect(completedWrites()[0]!.UpdateExpression).not.toContain('archivedAt');
  });

  it('puts a claim-checked payload back before the route sees the event', async () => {
    const payload = `{"id":"evt_big","pad":"${'x'.repeat(100)}"}`;
    const sha = createHash('sha256').update(payload).digest('hex');
    const ref = `payloads/source=stripe/day=2026-11-23/${sha}`;
    s3.on(GetObjectCommand, { Key: ref }).resolves({
      // The SDK's stream mixin, as far as the adapter reads it.
      Body: { transformToByteArray: async () => Buffer.from(payload) } as never,
    });
    s3.on(PutObjectCommand).resolves({});
    const seen: string[] = [];
    const out = await build(seen)(
      { Records: [record('evt_big', payload, { h: {}, s: 0, sha, n: payload.length, ref })] },
      context,
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(JSON.parse(seen[0]!).payload).toEqual(JSON.parse(payload));
  });

  it('fails only the message whose claim-checked payload is missing', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' }));
    s3.on(PutObjectCommand).resolves({});
    const out = await build()(
      {
        Records: [
          record('evt_ok'),
          record('evt_gone', '', { h: {}, s: 0, sha: 'f'.repeat(64), n: 1, ref: 'payloads/x' }),
        ],
      },
      context,
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'msg-evt_gone' }]);
  });
});
