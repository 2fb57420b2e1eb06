/**
 * Tracing without a tracing SDK (decision 0028): inside Lambda, the AWS SDK itself sends the invocation's X-Ray trace
 * header (`_X_AMZN_TRACE_ID`) with every call. That is what carries one trace across the hops: SQS keeps it with the
 * message (AWSTraceHeader) for the consumer's invocation to link to, SNS (topic tracing on) passes it to the
 * subscribed queue. These tests hold the adapters each hop sends through to it, as the request leaves the client
 * (after signing), with nothing sent.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { SqsQueue } from '../../lambdas/adapters/sqs-queue';
import { SqsWakeUpQueue } from '../../lambdas/adapters/sqs-wake-up-queue';

const TRACE = 'Root=1-6750a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
const config = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1,
};

class Captured extends Error {
  constructor(readonly headers: Record<string, string>) {
    super('captured');
  }
}

/** The client, stopped just before sending: the headers it would send are thrown as `Captured`. */
function capturing<C extends SQSClient | SNSClient | DynamoDBClient>(client: C): C {
  (client.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
    () => async (args: { request: { headers: Record<string, string> } }) => {
      throw new Captured({ ...args.request.headers });
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureHeaders' },
  );
  return client;
}

async function headersOf(call: () => Promise<unknown>): Promise<Record<string, string>> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Captured)) throw error;
  return error.headers;
}

const traceHeader = (headers: Record<string, string>) =>
  Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amzn-trace-id')?.[1];

describe('in a Lambda invocation, each hop sends the trace header', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'WebhookIngestion-Verifier');
    vi.stubEnv('_X_AMZN_TRACE_ID', TRACE);
  });
  afterEach(() => vi.unstubAllEnvs());

  it('the verifier enqueueing an event (SQS SendMessage)', async () => {
    const queue = new SqsQueue(capturing(new SQSClient(config)));
    const headers = await headersOf(() =>
      queue.send('https://sqs.us-east-1.amazonaws.com/123456789012/q', { body: '{}', attributes: { source: 's' } }),
    );
    expect(traceHeader(headers)).toBe(TRACE);
  });

  it('the verifier recording an event (DynamoDB)', async () => {
    const store = new DynamoEventStore(capturing(new DynamoDBClient(config)), 'events');
    expect(traceHeader(await headersOf(() => store.get('stripe', 'evt_1')))).toBe(TRACE);
  });

  it('the processor publishing (SNS PublishBatch)', async () => {
    const topic = new SnsTopic(capturing(new SNSClient(config)), 'arn:aws:sns:us-east-1:123456789012:events');
    const headers = await headersOf(() =>
      topic.publishBatch([{ id: 'e1', message: '{}', attributes: { source: 's', type: 't', eventId: 'evt_1' } }]),
    );
    expect(traceHeader(headers)).toBe(TRACE);
  });

  it('the outbound intake waking the delivery worker (SQS SendMessageBatch)', async () => {
    const wakeUps = new SqsWakeUpQueue(
      capturing(new SQSClient(config)),
      'https://sqs.us-east-1.amazonaws.com/123456789012/deliveries',
    );
    const headers = await headersOf(() => wakeUps.send([{ tenantId: 'acme', deliveryId: 'dlv_1', delaySeconds: 0 }]));
    expect(traceHeader(headers)).toBe(TRACE);
  });
});

describe('outside Lambda', () => {
  it('no trace header is invented (the local stack and the CLI send none)', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    vi.stubEnv('_X_AMZN_TRACE_ID', '');
    try {
      const queue = new SqsQueue(capturing(new SQSClient(config)));
      const headers = await headersOf(() =>
        queue.send('https://sqs.us-east-1.amazonaws.com/123456789012/q', { body: '{}', attributes: {} }),
      );
      expect(traceHeader(headers)).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
