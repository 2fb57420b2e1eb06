/**
 * The outbound intake queue and the relay with the unmodified Lambda handlers (bin/functions/outbound-intake.ts
 * and lambdas/outbound-relay/handler.ts), configured only by environment variables, against moto's SQS and SNS, with the outbound
 * table on the embedded DynamoDB (dynalite, through `AWS_ENDPOINT_URL_DYNAMODB`): messages sent to the intake
 * queue (or published to the topic and relayed) become deliveries whose wake-ups are found on the delivery queue;
 * messages the handler refuses are reported failed and reach the dead-letter queue. This file plays the SQS event
 * source mapping.
 */
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { keys } from '../../lambdas/adapters/dynamo-outbound-codec';
import { payloadKey, S3PayloadStore } from '../../lambdas/adapters/payload-store';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { ENV, eventAttributes } from '../../lambdas/contract';
import { deliveryIdFor } from '../../lambdas/core/outbound/intake/fanout';
import { defineRelays, relayFilterPolicy } from '../../lambdas/core/outbound/intake/relay';
import { DEFAULT_RETENTION } from '../../lambdas/core/outbound/retention';
import { parseWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';
import { endpoint } from '../helpers/outbound';
import { clients, describeWithServer, sqsEventOf, TEST_CREDENTIALS, TEST_REGION } from './servers';
import { freshOutboundTable } from '../helpers/outbound-table';

type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

const TABLE = 'outbound';
const BUCKET = 'outbound-payloads';
const ACCOUNT = '123456789012';

/** config/relays.ts's rules, as the stack passes them. */
const RULES = defineRelays([
  { source: 'stripe', types: ['*'], tenant: 'internal' },
  { tenantSources: true, types: ['*'] },
]);

describeWithServer('moto', 'the outbound intake queue and relay against moto', (server) => {
  let dynamo: EmbeddedDynamo;
  let sqs: SQSClient;
  let sns: SNSClient;
  let s3: S3Client;
  let intake: QueueHandler;
  let relay: QueueHandler;
  let deliveryUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    const endpointUrl = server().endpoint;
    dynamo = await startEmbeddedDynamo();
    ({ sqs, sns } = clients(endpointUrl));
    s3 = new S3Client({
      endpoint: endpointUrl,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    // Queue URLs embed the endpoint, not the state: the delivery queue's URL is the same after every reset.
    deliveryUrl = `${endpointUrl}/${ACCOUNT}/outbound-delivery`;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpointUrl,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      [ENV.outboundTable]: TABLE,
      [ENV.deliveryQueueUrl]: deliveryUrl,
      // Read at cold start, not used by intake: nothing is encrypted or notified here.
      [ENV.secretsKeyId]: `arn:aws:kms:${TEST_REGION}:${ACCOUNT}:key/unused`,
      [ENV.operationsTopicArn]: `arn:aws:sns:${TEST_REGION}:${ACCOUNT}:unused`,
      // As the construct sets it: intake gives each message its retention.
      [ENV.retention]: JSON.stringify(DEFAULT_RETENTION),
      // The bucket of large payloads (moto's S3).
      [ENV.payloadBucket]: BUCKET,
      // As the construct sets it for the relay function (config/relays.ts's rules).
      [ENV.relays]: JSON.stringify(RULES),
    });
    vi.resetModules();
    intake = (await import('../../bin/functions/outbound-intake')).handler as unknown as QueueHandler;
    relay = (await import('../../lambdas/outbound-relay/handler')).handler as unknown as QueueHandler;
  });

  afterAll(async () => {
    for (const client of [sqs, sns, s3]) client?.destroy();
    await dynamo?.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  beforeEach(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await freshOutboundTable(dynamo.client, TABLE);
    const endpoints = new DynamoEndpointRepository(dynamo.client, TABLE);
    await endpoints.create(endpoint({ tenantId: 'acme', endpointId: 'ep_acme', filterTypes: ['order.*'] }));
    await endpoints.create(endpoint({ tenantId: 'internal', endpointId: 'ep_internal' }));
    expect(await createQueue('outbound-delivery')).toEqual(expect.objectContaining({ url: deliveryUrl }));
  });

  const createQueue = async (name: string, attributes: Record<string, string> = {}) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!.QueueArn!;
    return { url, arn };
  };
  /** A queue whose messages are dead-lettered on their second receive, as the intake queue's after its limit. */
  const queueWithDeadLetters = async (name: string) => {
    const dlq = await createQueue(`${name}-dlq`);
    const queue = await createQueue(name, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    return { ...queue, dlqUrl: dlq.url };
  };
  const receive = async (url: string, visibilityTimeout = 30): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          AttributeNames: ['All'],
          VisibilityTimeout: visibilityTimeout,
        }),
      )
    ).Messages ?? [];

  const sqsEvent = (messages: readonly Message[], queue: string): SQSEvent =>
    sqsEventOf(messages, `arn:aws:sqs:${TEST_REGION}:${ACCOUNT}:${queue}`);

  /**
   * One poll of the event source mapping: receive, invoke, delete what the handler did not report failed. The
   * failed ones are received with no visibility timeout, so the next receive sees them again at once.
   */
  const poll = async (url: string, queue: string, handler: QueueHandler) => {
    const messages = await receive(url, 0);
    const response = await handler(sqsEvent(messages, queue));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: done.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    return { messages, failed: messages.filter((m) => failed.has(m.MessageId!)) };
  };

  const wakeUps = async () => (await receive(deliveryUrl)).map((m) => parseWakeUp(m.Body!));
  const attrs = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));

  it('messages with tenant and type attributes become deliveries woken on the delivery queue; refused ones are reported and dead-lettered', async () => {
    const queue = await queueWithDeadLetters('outbound-intake');
    const send = async (body: string, attributes: Record<string, string>) =>
      (
        await sqs.send(
          new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body, MessageAttributes: attrs(attributes) }),
        )
      ).MessageId!;
    await send('{"total":42}', { tenant: 'acme', type: 'order.paid', id: 'order-42' });
    const noId = await send('{"total":7}', { tenant: 'acme', type: 'order.paid' });
    await send('{"total":1}', { type: 'order.paid' }); // no tenant
    await send('{"total":', { tenant: 'acme', type: 'order.paid', id: 'broken' }); // not JSON

    const first = await poll(queue.url, 'outbound-intake', intake);

    expect(first.messages).toHaveLength(4);
    expect(first.failed.map((m) => m.Body).sort()).toEqual(['{"total":', '{"total":1}']);
    expect((await wakeUps()).map((w) => w?.deliveryId).sort()).toEqual(
      [deliveryIdFor('acme', 'order-42', 'ep_acme'), deliveryIdFor('acme', noId, 'ep_acme')].sort(),
    );
    const messages = new DynamoMessageStore(dynamo.client, TABLE);
    expect(await messages.get('acme', 'order-42')).toMatchObject({ type: 'order.paid', payload: '{"total":42}' });
    expect(await messages.get('acme', noId)).toMatchObject({ payload: '{"total":7}' });
    expect(await messages.get('acme', 'broken')).toBeUndefined();

    // The refused ones come back and, past the receive limit, SQS moves them to the dead-letter queue.
    expect(await receive(queue.url)).toEqual([]);
    expect((await receive(queue.dlqUrl)).map((m) => m.Body).sort()).toEqual(['{"total":', '{"total":1}']);
  });

  it('a large payload is written to the bucket and the message item keeps its key; it reads back byte for byte', async () => {
    const queue = await queueWithDeadLetters('outbound-intake');
    const payload = `{"blob":"${'y'.repeat(20_000)}","n":10000000000000000001}`;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: payload,
        MessageAttributes: attrs({ tenant: 'acme', type: 'order.paid', id: 'big-1' }),
      }),
    );

    expect((await poll(queue.url, 'outbound-intake', intake)).failed).toEqual([]);

    const payloads = new S3PayloadStore(s3, BUCKET);
    const stored = await new DynamoMessageStore(dynamo.client, TABLE, { payloads }).get('acme', 'big-1');
    expect(stored?.payload).toBe(payload);
    const item = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: keys.message('acme', 'big-1') }));
    expect(item.Item?.payload).toBeUndefined();
    expect(item.Item?.payloadRef?.S).toBe(payloadKey(stored!));
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: payloadKey(stored!) }));
    expect(await object.Body?.transformToString('utf8')).toBe(payload);
  });

  it('a redelivered intake message is acknowledged as a duplicate: one delivery, woken again while never attempted', async () => {
    const queue = await queueWithDeadLetters('outbound-intake');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"a":1}',
        MessageAttributes: attrs({ tenant: 'acme', type: 'order.paid', id: 'k1' }),
      }),
    );
    const [message] = await receive(queue.url, 0);

    expect(await intake(sqsEvent([message!], 'outbound-intake'))).toEqual({ batchItemFailures: [] });
    expect(await intake(sqsEvent([message!], 'outbound-intake'))).toEqual({ batchItemFailures: [] });

    const woken = { tenantId: 'acme', deliveryId: deliveryIdFor('acme', 'k1', 'ep_acme') };
    expect(await wakeUps()).toEqual([woken, woken]);
  });

  it("events published to the topic reach the relay queue (raw, filtered as the construct filters) and are relayed to the configured tenant, and a tenant source's to its own tenant", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'webhook-events' }))).TopicArn!;
    const queue = await queueWithDeadLetters('outbound-relay');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        // The construct's policy: the rules' sources, or any tenant source's event (an `$or`).
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(relayFilterPolicy(RULES)) },
      }),
    );
    const failed = await new SnsTopic(sns, topicArn).publishBatch([
      {
        id: 'e0',
        message: '{"id":"evt_1","type":"invoice.paid"}',
        attributes: eventAttributes('stripe', 'invoice.paid', 'evt_1'),
      },
      { id: 'e1', message: '{"id":"gh_1"}', attributes: eventAttributes('github-app', 'push', 'gh_1') },
      { id: 'e2', message: '{"id":"d1"}', attributes: eventAttributes('acme.shop', 'order.created', 'd1', 'acme') },
    ]);
    expect([...failed]).toEqual([]);

    const polled = await poll(queue.url, 'outbound-relay', relay);

    expect(polled.messages.map((m) => m.Body).sort()).toEqual(['{"id":"d1"}', '{"id":"evt_1","type":"invoice.paid"}']);
    expect(polled.failed).toEqual([]);
    // The relay rules above (config/relays.ts): every Stripe event goes to tenant "internal", as message
    // `stripe:<eventId>`; the tenant source's event to its own tenant, acme, as `acme.shop:<eventId>`.
    expect((await wakeUps()).sort((a, b) => (a!.tenantId < b!.tenantId ? -1 : 1))).toEqual([
      { tenantId: 'acme', deliveryId: deliveryIdFor('acme', 'acme.shop:d1', 'ep_acme') },
      { tenantId: 'internal', deliveryId: deliveryIdFor('internal', 'stripe:evt_1', 'ep_internal') },
    ]);
    expect(await new DynamoMessageStore(dynamo.client, TABLE).get('internal', 'stripe:evt_1')).toMatchObject({
      type: 'invoice.paid',
      payload: '{"id":"evt_1","type":"invoice.paid"}',
    });
  });

  it('a relay queue message without the event attributes is reported failed and dead-lettered', async () => {
    const queue = await queueWithDeadLetters('outbound-relay');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"id":"evt_2"}',
        MessageAttributes: attrs({ source: 'stripe', type: 'invoice.paid' }),
      }),
    );

    expect((await poll(queue.url, 'outbound-relay', relay)).failed).toHaveLength(1);

    expect(await receive(queue.url)).toEqual([]);
    expect((await receive(queue.dlqUrl)).map((m) => m.Body)).toEqual(['{"id":"evt_2"}']);
    expect(await wakeUps()).toEqual([]);
  });
});
