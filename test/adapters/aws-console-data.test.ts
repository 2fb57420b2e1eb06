/**
 * The operator console's data on AWS (aws-console-data.ts), against mocked clients: each source's per-minute requests
 * from CloudWatch (rejections by the reasons CloudWatch has), the queues' depths and dead-letter queues from SQS,
 * a look at dead letters that keeps them (visibility 0, no bodies), and SQS's redrive of the right dead-letter queue.
 */
import * as CloudWatch from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsConsoleData } from '../../lambdas/adapters/console/aws-console-data';
import { consoleConfig } from '../../lambdas/wiring/console-env';

const NOW = Date.UTC(2026, 11, 7, 12, 30, 20);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/Stack-stripe-ingest';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:Stack-StripeDlq-ABC';
const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/Stack-StripeDlq-ABC';

const sqs = mockClient(SQSClient);
const cw = mockClient(CloudWatch.CloudWatchClient);

function data() {
  return awsConsoleData({
    sources: [{ id: 'stripe', scheme: 'stripe' }],
    tenantSources: true,
    queues: [{ name: 'stripe', url: QUEUE_URL }],
    namespace: 'Stack',
    eventsTable: 'events',
    outboundTable: 'outbound',
    dynamo: new DynamoDBClient({ region: 'us-east-1' }),
    sqs: new SQSClient({ region: 'us-east-1' }),
    cloudwatch: async () => ({
      client: new CloudWatch.CloudWatchClient({ region: 'us-east-1' }),
      commands: CloudWatch,
    }),
    getEvent: async () => undefined,
    now: () => NOW,
  });
}

beforeEach(() => {
  sqs.reset();
  cw.reset();
  sqs
    .on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ['RedrivePolicy'] })
    .resolves({ Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 }) } })
    .on(GetQueueAttributesCommand, {
      QueueUrl: QUEUE_URL,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' } })
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' } })
    .on(GetQueueUrlCommand, { QueueName: 'Stack-StripeDlq-ABC', QueueOwnerAWSAccountId: '123456789012' })
    .resolves({ QueueUrl: DLQ_URL });
});

describe('awsConsoleData', () => {
  it('reads each source’s last hour per minute from CloudWatch, rejections by reason, tenant sources as one row', async () => {
    cw.on(CloudWatch.ListMetricsCommand).resolves({
      Metrics: [
        {
          Dimensions: [
            { Name: 'Source', Value: 'stripe' },
            { Name: 'Reason', Value: 'invalid_signature' },
          ],
        },
      ],
    });
    const minute = (ago: number) => new Date(Math.floor(NOW / 60_000) * 60_000 - ago * 60_000);
    cw.on(CloudWatch.GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'a0', Timestamps: [minute(0), minute(2)], Values: [5, 7] },
        { Id: 'r0_0', Timestamps: [minute(0)], Values: [2] },
        { Id: 'a1', Timestamps: [minute(59)], Values: [1] },
      ],
    });
    const o = await data().overview();
    const stripe = o.sources.find((s) => s.id === 'stripe')!;
    expect(stripe.requests.perMinute).toHaveLength(60);
    expect(stripe.requests.perMinute.at(-1)).toBe(7);
    expect(stripe.requests.perMinute.at(-3)).toBe(7);
    expect(stripe.requests.rejectedPerMinute.at(-1)).toBe(2);
    expect(stripe.requests.outcomes).toEqual({ accepted: 12, 'rejected:invalid_signature': 2 });
    const tenant = o.sources.find((s) => s.id === '(tenant)')!;
    expect(tenant.requests.perMinute[0]).toBe(1);
    const sent = cw.commandCalls(CloudWatch.GetMetricDataCommand)[0]!.args[0].input;
    expect(sent.MetricDataQueries!.every((q) => q.MetricStat!.Metric!.Namespace === 'Stack')).toBe(true);
    expect(sent.MetricDataQueries!.every((q) => q.MetricStat!.Period === 60)).toBe(true);
    expect(o.queues).toEqual([{ name: 'stripe', visible: 3, inFlight: 1, deadLetters: 2 }]);
  });

  it('asks SQS for a queue’s dead-letter queue once per container, then two depth reads per queue and view', async () => {
    cw.on(CloudWatch.ListMetricsCommand).resolves({});
    cw.on(CloudWatch.GetMetricDataCommand).resolves({});
    const d = data();
    await d.overview();
    await d.overview();
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(1);
    expect(
      sqs
        .commandCalls(GetQueueAttributesCommand)
        .filter((c) => c.args[0].input.AttributeNames?.includes('RedrivePolicy')),
    ).toHaveLength(1);
    expect(sqs.commandCalls(GetQueueAttributesCommand)).toHaveLength(1 + 2 * 2);
  });

  it('looks at dead letters without taking them (visibility 0) and without their bodies', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm1',
          Body: 'secret payload',
          Attributes: { ApproximateReceiveCount: '6' },
          MessageAttributes: { eventId: { DataType: 'String', StringValue: 'evt_1' } },
        },
      ],
    });
    expect(await data().deadLetters('stripe')).toEqual([
      { id: 'm1', eventId: 'evt_1', type: undefined, receiveCount: 6, bytes: 14 },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: DLQ_URL,
      VisibilityTimeout: 0,
    });
    expect(await data().deadLetters('nope')).toBeUndefined();
  });

  it('redrives a queue by starting SQS’s move task on its dead-letter queue', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'h1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1 }],
    });
    expect(await data().redrive('stripe')).toEqual({ status: 'running', moved: 1 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({ SourceArn: DLQ_ARN });
    expect(await data().redrive('nope')).toBeUndefined();
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(1);
  });
});

describe('consoleConfig', () => {
  const env = {
    EVENTS_TABLE_NAME: 'events',
    WEBHOOK_QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/123456789012/',
    POWERTOOLS_METRICS_NAMESPACE: 'Stack',
    WEBHOOK_CONSOLE: JSON.stringify({
      queues: { 'outbound:intake': 'https://sqs.us-east-1.amazonaws.com/123456789012/intake' },
      tenantSources: false,
    }),
  };
  const sources = JSON.stringify([
    { id: 'stripe', scheme: 'stripe', queueName: 'Stack-stripe-ingest' },
    { id: 'shopify', scheme: 'shopify' },
  ]);

  it('lists the config sources and their own queues, then the named ones', () => {
    expect(consoleConfig(env, () => sources)).toEqual({
      eventsTable: 'events',
      namespace: 'Stack',
      sources: [
        { id: 'stripe', scheme: 'stripe' },
        { id: 'shopify', scheme: 'shopify' },
      ],
      queues: [
        { name: 'stripe', url: QUEUE_URL },
        { name: 'outbound:intake', url: 'https://sqs.us-east-1.amazonaws.com/123456789012/intake' },
      ],
      tenantSources: false,
    });
  });

  it('is off without its variable, and names what is wrong when set badly', () => {
    const { WEBHOOK_CONSOLE: _, ...off } = env;
    expect(consoleConfig(off, () => sources)).toBeUndefined();
    expect(() => consoleConfig({ ...env, WEBHOOK_CONSOLE: '{' }, () => sources)).toThrow(
      /WEBHOOK_CONSOLE: not valid JSON/,
    );
    expect(() => consoleConfig({ ...env, EVENTS_TABLE_NAME: undefined }, () => sources)).toThrow(/EVENTS_TABLE_NAME/);
  });
});
