/** The local SQS event source mapping, with a stand-in handler: batching, partial failures, invalid responses. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../lambdas/core/kernel/log';
import { SqsEventSource, md5OfMessageAttributes, type RecordOutcome } from '../../local/event-source';
import { LocalQueue } from '../../local/queue';
import { waitFor } from '../e2e/helpers';

let source: SqsEventSource | undefined;
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

async function setup(
  handle: (event: SQSEvent) => Promise<SQSBatchResponse>,
  o: { batchSize?: number; batchingWindowMs?: number; maxConcurrency?: number } = {},
) {
  const queue = await LocalQueue.open({
    name: 'webhooks-t',
    visibilityTimeoutMs: 200,
    maxReceiveCount: 3,
    retentionMs: 60_000,
  });
  const batches: SQSEvent[] = [];
  const outcomes: RecordOutcome[] = [];
  source = new SqsEventSource({
    queue,
    functionName: 'processor-t',
    batchSize: o.batchSize ?? 10,
    maxConcurrency: o.maxConcurrency ?? 2,
    batchingWindowMs: o.batchingWindowMs ?? 0,
    timeoutMs: 5000,
    log: silentLog,
    createHandler: () => async (event) => {
      batches.push(event);
      return handle(event);
    },
    onRecord: (r) => outcomes.push(r),
  });
  return { queue, batches, outcomes, source };
}

const send = (queue: LocalQueue, body: string) =>
  queue.sendMessage({ body, attributes: { source: 't', type: 'x', eventId: body } });

describe('SqsEventSource', () => {
  it('passes real SQS records: ids, receipt handles, receive count, attributes, md5s, ARN', async () => {
    const { queue, batches, source } = await setup(async () => ({ batchItemFailures: [] }));
    const id = await send(queue, 'hello');
    source.start();

    await waitFor('one batch', () => batches.length === 1);

    expect(batches[0]!.Records).toEqual([
      {
        messageId: id,
        receiptHandle: expect.any(String),
        body: 'hello',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d+$/),
          SenderId: expect.any(String),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        },
        messageAttributes: {
          eventId: { stringValue: 'hello', stringListValues: [], binaryListValues: [], dataType: 'String' },
          source: { stringValue: 't', stringListValues: [], binaryListValues: [], dataType: 'String' },
          type: { stringValue: 'x', stringListValues: [], binaryListValues: [], dataType: 'String' },
        },
        md5OfBody: '5d41402abc4b2a76b9719d911017c592',
        md5OfMessageAttributes: md5OfMessageAttributes({ source: 't', type: 'x', eventId: 'hello' }),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:webhooks-t',
        awsRegion: 'local',
      },
    ]);
  });

  it('gathers messages for the batching window, up to the batch size', async () => {
    const { queue, batches, source } = await setup(async () => ({ batchItemFailures: [] }), {
      batchSize: 4,
      batchingWindowMs: 300,
    });
    source.start();

    for (const b of ['a', 'b', 'c', 'd', 'e']) await send(queue, b);
    await waitFor('all five delivered', () => batches.flatMap((e) => e.Records).length === 5);

    expect(batches.map((e) => e.Records.map((r) => r.body))).toEqual([['a', 'b', 'c', 'd'], ['e']]);
  });

  it('deletes the records not reported as failures and redelivers the reported one', async () => {
    let first = true;
    const { queue, outcomes, source } = await setup(async (event) => {
      const failing = first
        ? event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId }))
        : [];
      first = false;
      return { batchItemFailures: failing };
    });
    for (const b of ['ok1', 'bad', 'ok2']) await send(queue, b);
    source.start();

    await waitFor('bad deleted on its second receive', () =>
      outcomes.some((o) => o.message.body === 'bad' && o.outcome === 'deleted'),
    );

    expect(outcomes.map((o) => [o.message.body, o.outcome, o.message.receiveCount])).toEqual([
      ['ok1', 'deleted', 1],
      ['bad', 'retry', 1],
      ['ok2', 'deleted', 1],
      ['bad', 'deleted', 2],
    ]);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, deleted: 3 });
  });

  it.each([
    [
      'an unknown itemIdentifier',
      async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }),
      'invalid_response',
    ],
    ['a thrown error', async (): Promise<SQSBatchResponse> => Promise.reject(new Error('boom')), 'invocation_error'],
  ] as const)('fails the whole batch on %s', async (_what, handle, reason) => {
    const { queue, outcomes, source } = await setup(handle);
    for (const b of ['a', 'b']) await send(queue, b);
    source.start();

    await waitFor('both records back in the queue', () => outcomes.length >= 2);

    expect(outcomes.slice(0, 2).map((o) => [o.message.body, o.outcome, o.reason])).toEqual([
      ['a', 'retry', reason],
      ['b', 'retry', reason],
    ]);
  });

  it('never runs more invocations at once than maxConcurrency', async () => {
    let running = 0;
    let peak = 0;
    const { queue, batches, source } = await setup(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return { batchItemFailures: [] };
      },
      { batchSize: 1, maxConcurrency: 3 },
    );
    for (let i = 0; i < 12; i++) await send(queue, `m${i}`);
    source.start();

    await waitFor('all delivered', () => batches.length === 12);

    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
