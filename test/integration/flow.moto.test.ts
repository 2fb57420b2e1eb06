/**
 * The whole flow with the unmodified Lambda handlers (lambdas/verifier/handler.ts and
 * lambdas/processor/deployed.ts), configured only by environment variables as on Lambda, against
 * moto: verifier → ingest queue → processor → topic → subscriber queue, with the event record read
 * back. This file plays API Gateway and the SQS event source mapping.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { BUNDLED_SOURCES_FILE, ENV } from '../../lambdas/contract';
import type { RuntimeSource } from '../../lambdas/core/inbound/source-schema';
import { ensureEventsTable } from '../../local/dynamo';
import { apiGatewayEvent, SECRET, signedWebhook, STRIPE_EVENT } from '../helpers/webhook';
import { clients, describeWithServer, sqsEventOf, TEST_CREDENTIALS, TEST_REGION } from './servers';

type Verifier = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string }>;
type Processor = (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<SQSBatchResponse>;

const TABLE = 'webhook-events';
const SECRET_NAME = 'WebhookIngestion/webhooks/stripe';
/** moto's default account; the topic is created by name, so its ARN is known before it exists. */
const TOPIC_ARN = `arn:aws:sns:${TEST_REGION}:123456789012:webhook-events`;
const context = { getRemainingTimeInMillis: () => 25_000 } as Context;

describeWithServer('moto', 'the unmodified handlers end to end against moto', (server) => {
  let verifier: Verifier;
  let processor: Processor;
  let dynamo: DynamoDBClient;
  let sqs: SQSClient;
  let sns: SNSClient;
  let ingestUrl: string;
  let subscriberUrl: string;
  const saved = { ...process.env };
  const taskRoot = mkdtempSync(join(tmpdir(), 'verifier-task-'));

  /**
   * The handlers' environment, as lib/ sets it on the functions, plus what Lambda's runtime provides; the verifier's
   * sources are in the file bundled beside its code (LAMBDA_TASK_ROOT), the queue by its fixed name and the secret
   * by its name, as the synth writes them.
   */
  const environment = (endpoint: string): Record<string, string> => {
    const source: RuntimeSource = {
      id: 'stripe',
      scheme: 'stripe',
      options: {},
      maxBodyBytes: 200 * 1024,
      allowedCidrs: [],
      dedupeSeconds: 7 * 86_400,
      queueName: 'ingest-stripe',
      secretId: SECRET_NAME,
    };
    writeFileSync(join(taskRoot, BUNDLED_SOURCES_FILE), JSON.stringify([source]));
    return {
      LAMBDA_TASK_ROOT: taskRoot,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      [ENV.eventsTable]: TABLE,
      [ENV.queueUrlPrefix]: `${endpoint}/123456789012/`,
      [ENV.secretsCacheSeconds]: '60',
      [ENV.leaseSeconds]: '30',
      [ENV.sourceId]: 'stripe',
      [ENV.topicArn]: TOPIC_ARN,
      [ENV.dedupeSeconds]: String(7 * 86_400),
    };
  };

  const createQueue = async (name: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!.QueueArn!;
    return { url, arn };
  };

  /** The topic and its raw-delivery subscriber queue, filtered on `source` as a config subscription would be. */
  const createTopic = async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'webhook-events' }))).TopicArn!;
    expect(topicArn).toBe(TOPIC_ARN);
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: (
          await sqs.send(new GetQueueAttributesCommand({ QueueUrl: subscriberUrl, AttributeNames: ['QueueArn'] }))
        ).Attributes!.QueueArn!,
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ source: ['stripe'] }) },
      }),
    );
  };

  const receive = async (url: string, visibilityTimeout = 30, wait = 0): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          AttributeNames: ['All'],
          VisibilityTimeout: visibilityTimeout,
          WaitTimeSeconds: wait,
        }),
      )
    ).Messages ?? [];

  /** What the event source mapping hands the processor for a received batch. */
  const sqsEvent = (messages: readonly Message[]): SQSEvent =>
    sqsEventOf(messages, `arn:aws:sqs:${TEST_REGION}:123456789012:ingest-stripe`);

  /** One poll of the event source mapping: receive, invoke, delete what the processor did not report failed. */
  const poll = async (visibilityTimeout = 30) => {
    const messages = await receive(ingestUrl, visibilityTimeout);
    const response = await processor(sqsEvent(messages), context);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: ingestUrl,
          Entries: done.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    return { messages, response };
  };

  const post = (body = STRIPE_EVENT) =>
    verifier(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: Date.now(), secret: SECRET, body })), context);

  beforeAll(async () => {
    const endpoint = server().endpoint;
    // Queue URLs embed the endpoint, not the state: the ingest queue's URL is the same after every reset.
    ({ dynamo, sqs, sns } = clients(endpoint));
    ingestUrl = `${endpoint}/123456789012/ingest-stripe`;
    Object.assign(process.env, environment(endpoint));
    // The deployed handlers write their metrics to stdout as Lambda wants; here they would only clutter the run.
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    vi.resetModules();
    verifier = (await import('../../lambdas/verifier/handler')).handler as unknown as Verifier;
    processor = (await import('../../bin/functions/processor')).handler as unknown as Processor;
  });

  afterAll(() => {
    rmSync(taskRoot, { recursive: true, force: true });
    for (const client of [dynamo, sqs, sns]) client?.destroy();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  beforeEach(async () => {
    await ensureEventsTable(dynamo, TABLE);
    expect((await createQueue('ingest-stripe')).url).toBe(ingestUrl);
    subscriberUrl = (await createQueue('subscriber')).url;
    const { secrets } = clients(server().endpoint);
    await secrets.send(
      new CreateSecretCommand({ Name: SECRET_NAME, SecretString: JSON.stringify({ current: SECRET }) }),
    );
    secrets.destroy();
  });

  it('a signed webhook is accepted, queued, processed, published once to the subscriber, and recorded completed; its duplicates change nothing', async () => {
    await createTopic();

    const accepted = await post();
    expect([accepted.statusCode, JSON.parse(accepted.body)]).toEqual([202, { status: 'accepted', id: 'evt_1' }]);
    const duplicate = await post();
    expect([duplicate.statusCode, JSON.parse(duplicate.body)]).toEqual([200, { status: 'duplicate', id: 'evt_1' }]);

    const { messages, response } = await poll();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.MessageAttributes?.type?.StringValue).toBe('invoice.paid');
    expect(response).toEqual({ batchItemFailures: [] });

    const delivered = await receive(subscriberUrl);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]!.Body!)).toMatchObject({
      id: 'evt_1',
      source: 'stripe',
      type: 'invoice.paid',
      payload: JSON.parse(STRIPE_EVENT),
    });
    expect(
      Object.fromEntries(Object.entries(delivered[0]!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
    ).toEqual({ source: 'stripe', type: 'invoice.paid', eventId: 'evt_1' });

    // SQS delivers the same message again (at-least-once): acknowledged, not published again.
    const again = await processor(sqsEvent(messages), context);
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await receive(subscriberUrl, 30, 1)).toEqual([]);
    expect(await receive(ingestUrl)).toEqual([]);

    const record = await new DynamoEventStore(dynamo, TABLE).get('stripe', 'evt_1');
    expect(record).toMatchObject({
      source: 'stripe',
      eventId: 'evt_1',
      status: 'completed',
      type: 'invoice.paid',
      attempts: 1,
    });
    expect(record?.processedAt).toBeGreaterThanOrEqual(record!.receivedAt);
  });

  it('a failed publish is reported as a batch item failure, recorded failed, and published once when SQS retries', async () => {
    // No topic yet: PublishBatch fails with NotFound, as it would for a deleted topic or a denied publish.
    expect((await post()).statusCode).toBe(202);

    const first = await poll(1);
    expect(first.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([first.messages[0]!.MessageId]);
    const store = new DynamoEventStore(dynamo, TABLE);
    expect(await store.get('stripe', 'evt_1')).toMatchObject({
      status: 'failed',
      error: 'publish failed',
      attempts: 1,
    });

    await createTopic();
    await new Promise((r) => setTimeout(r, 1_100)); // the failed message's visibility timeout
    const retry = await poll();
    expect(retry.messages.map((m) => [m.MessageId, m.Attributes?.ApproximateReceiveCount])).toEqual([
      [first.messages[0]!.MessageId, '2'],
    ]);
    expect(retry.response).toEqual({ batchItemFailures: [] });

    expect((await receive(subscriberUrl)).map((m) => JSON.parse(m.Body!).id)).toEqual(['evt_1']);
    const record = await store.get('stripe', 'evt_1');
    expect(record).toMatchObject({ status: 'completed', attempts: 2 });
    expect(record).not.toHaveProperty('error');
  });
});
