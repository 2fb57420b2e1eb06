import { describe, expect, it } from 'vitest';
import pricing from '../../bench/pricing.json';
import {
  CURRENT_DESIGN,
  DEFAULT_ASSUMPTIONS,
  dynamoItemBytes,
  floorCost,
  messageBytes,
  observabilityCost,
  processorBatchFill,
  stackCost,
  xraySampledFraction,
  type Drivers,
  type EventShape,
  type PriceTable,
} from '../../bench/cost/model';
import { readTemplate, renderAccessLog, type CfnTemplate } from '../../bench/cost/template';

const prices = pricing as PriceTable;

const drivers: Drivers = {
  api: { kind: 'http', accessLogs: false },
  verifier: { memoryMb: 256, arch: 'arm64', activeTracing: false, platformLogs: false, appLogLevel: 'WARN' },
  processor: {
    memoryMb: 256,
    arch: 'arm64',
    activeTracing: false,
    platformLogs: false,
    appLogLevel: 'WARN',
    batchSize: 10,
    batchingWindowSeconds: 0,
  },
  table: { billing: 'on-demand', encryption: 'service-owned', pointInTimeRecovery: false, replicas: 1 },
  ingestQueue: { encryption: 'service-owned', kmsDataKeyReuseSeconds: 300 },
  topic: { encryption: 'none', publishers: 1 },
  subscriber: undefined,
  dedupeSeconds: 7 * 86_400,
  secrets: 0,
  secretsCacheSeconds: 60,
  sources: 1,
  metrics: false,
  archive: undefined,
};

const shape = (payloadBytes: number, overhead = 300): EventShape => ({
  payloadBytes,
  queueMessageBytes: payloadBytes + overhead,
  publishBytes: payloadBytes + overhead,
  itemBytes: 250,
  accessLogBytes: 0,
  verifierMetricLineBytes: 300,
  processorMetricLineBytes: 250,
  processorMetricBytesPerEvent: 5,
  eventIdLogBytes: 30,
  archiveRowBytes: 600,
  claimCheck: false,
  offloaded: false,
});

/** Storage of a 250 B record for the 7-day dedupe window, per million events, at $0.25/GB-month. */
const STORAGE_PER_MILLION = 250e-9 * (7 / 30) * 0.25 * 1e6;
const line = (b: ReturnType<typeof stackCost>, service: string) => b.lines.find((l) => l.service === service)!;
const perMillion = (usd: number) => Math.round(usd * 1e6 * 1e6) / 1e6;

describe('floorCost()', () => {
  it('is one API request, one 128 MB 1 ms invocation, one WRU, one send and a tenth of a PublishBatch of 10', () => {
    const floor = floorCost(1024, prices);
    expect(perMillion(floor.total)).toBeCloseTo(1.0 + 0.2 + 0.0016667 + 0.625 + 0.4 + 0.05, 5);
  });

  it('bills the queue send per 64 KB of payload, and the batched publish per 64 KB of its batch', () => {
    expect(perMillion(line(floorCost(64 * 1024 + 1, prices), 'SQS ingest').usd)).toBeCloseTo(0.8, 6);
    // Ten 64 KiB payloads are 640 KiB: ten 64 KB units, one per event, as the stack's own PublishBatch counts them.
    expect(perMillion(line(floorCost(64 * 1024, prices), 'SNS').usd)).toBeCloseTo(0.5, 6);
    expect(perMillion(line(floorCost(6 * 1024, prices), 'SNS').usd)).toBeCloseTo(0.05, 6);
  });
});

describe('stackCost()', () => {
  const noExtras = { ...DEFAULT_ASSUMPTIONS, duplicateRate: 0, coldStartRate: 0 };

  it('counts one WRU per conditional write of a sub-1 KB record: four per event', () => {
    const cost = stackCost(drivers, shape(1024), noExtras, prices);
    expect(CURRENT_DESIGN.writes).toHaveLength(4);
    expect(perMillion(line(cost, 'DynamoDB').usd)).toBeCloseTo(4 * 0.625 + STORAGE_PER_MILLION, 6);
  });

  it('counts a refused conditional PutItem, and no read, for each duplicate delivery', () => {
    const cost = stackCost(drivers, shape(1024), { ...noExtras, duplicateRate: 0.1 }, prices);
    // 4 writes + 0.1 refused write (which returns the record it met), plus storage.
    expect(perMillion(line(cost, 'DynamoDB').usd)).toBeCloseTo(4.1 * 0.625 + STORAGE_PER_MILLION, 6);
  });

  it('bills two SQS requests for a message just over 64 KB', () => {
    const cost = stackCost(drivers, shape(64 * 1024), noExtras, prices);
    // send 2 + receive 2 + delete 1, batch of one.
    expect(perMillion(line(cost, 'SQS ingest').usd)).toBeCloseTo(5 * 0.4, 6);
  });

  it('amortizes receive, delete, invocation and publish over the batch a batching window fills', () => {
    const windowed = { ...drivers, processor: { ...drivers.processor, batchingWindowSeconds: 5 } };
    const cost = stackCost(windowed, shape(1024), noExtras, prices);
    expect(perMillion(line(cost, 'SQS ingest').usd)).toBeCloseTo((1 + 0.1 + 0.1) * 0.4, 6);
    expect(perMillion(line(cost, 'SNS').usd)).toBeCloseTo(0.05, 6);
  });

  it('makes no KMS request per event with SSE-SQS, an unencrypted topic and an AWS-owned table key', () => {
    const cost = stackCost(drivers, shape(1024), noExtras, prices);
    expect(line(cost, 'KMS').usd).toBe(0);
    expect(line(cost, 'KMS').detail).toBe('no KMS key on the path');
  });

  it('amortizes SNS data-key requests: 2 per 5 minutes per publishing role', () => {
    const kms = { ...drivers, topic: { encryption: 'aws-managed-kms' as const, publishers: 1 } };
    const cost = stackCost(kms, shape(1024), { ...noExtras, eventsPerDay: 1_000_000 }, prices);
    const requestsPerMonth = ((30 * 86_400) / 300) * 2;
    expect(line(cost, 'KMS').usd).toBeCloseTo((requestsPerMonth / 30_000_000) * (3 / 1e6), 12);
  });

  it("charges X-Ray traces with Lambda's fixed rule when tracing is Active", () => {
    const traced = { ...drivers, verifier: { ...drivers.verifier, activeTracing: true } };
    const cost = stackCost(traced, shape(1024), { ...noExtras, eventsPerDay: 86_400 * 11 }, prices);
    expect(perMillion(line(cost, 'X-Ray').usd)).toBeCloseTo(((1 + 0.05 * 10) / 11) * 5, 6);
  });

  it('prices the metric lines as log ingestion and the custom metrics per source, amortized over the month', () => {
    const a = { ...DEFAULT_ASSUMPTIONS, eventsPerDay: 1_000_000 };
    const b = stackCost({ ...drivers, metrics: true, sources: 2 }, shape(1024), a, prices);
    // 1 verifier line (+1% duplicates, which the processor never sees) + a 250 B processor line per message (no
    // batching window) + 5 B, each with the 26 B log-event overhead; 4 metrics × 2 sources × $0.30 over 30M events.
    const bytes = 1.01 * (300 + 26) + (250 + 26) + 5;
    expect(perMillion(line(b, 'CloudWatch metrics').usd)).toBeCloseTo(bytes * 0.5e-3 + (8 * 0.3) / 30, 4);
    expect(stackCost(drivers, shape(1024), a, prices).lines.some((l) => l.service === 'CloudWatch metrics')).toBe(
      false,
    );
  });

  it('counts the event ids on the processor line with the processor logs', () => {
    const info = { ...drivers, processor: { ...drivers.processor, appLogLevel: 'INFO' as const } };
    const withIds = line(stackCost(info, shape(1024), DEFAULT_ASSUMPTIONS, prices), 'CloudWatch Logs').usd;
    const without = line(
      stackCost(info, { ...shape(1024), eventIdLogBytes: 0 }, DEFAULT_ASSUMPTIONS, prices),
      'CloudWatch Logs',
    ).usd;
    expect(perMillion(withIds - without)).toBeCloseTo(30 * 0.5e-3, 6);
  });

  it('observability (metric lines, custom metrics, event ids, traces) adds at most $0.30 per million events at the default traffic', () => {
    const deployed = {
      ...drivers,
      metrics: true,
      sources: 2,
      processor: { ...drivers.processor, appLogLevel: 'INFO' as const, batchingWindowSeconds: 1 },
    };
    const measured = {
      ...shape(1024),
      verifierMetricLineBytes: 338,
      processorMetricLineBytes: 262,
      processorMetricBytesPerEvent: 6,
      eventIdLogBytes: 31,
    };
    const added = observabilityCost(deployed, measured, DEFAULT_ASSUMPTIONS, prices);
    expect(perMillion(added)).toBeGreaterThan(0.1);
    expect(perMillion(added)).toBeLessThanOrEqual(0.3);
  });

  it('refuses provisioned tables, which it does not model', () => {
    expect(() =>
      stackCost({ ...drivers, table: { ...drivers.table, billing: 'provisioned' } }, shape(1024), noExtras, prices),
    ).toThrow(/on-demand/);
  });
});

describe('helpers', () => {
  it('xraySampledFraction() samples everything up to one request a second', () => {
    expect(xraySampledFraction(0.5)).toBe(1);
    expect(xraySampledFraction(21)).toBeCloseTo(2 / 21, 10);
  });

  it('processorBatchFill() is one message without a batching window, and capped by the batch size with one', () => {
    expect(processorBatchFill(drivers, DEFAULT_ASSUMPTIONS)).toBe(1);
    expect(
      processorBatchFill(
        { ...drivers, processor: { ...drivers.processor, batchingWindowSeconds: 60 } },
        DEFAULT_ASSUMPTIONS,
      ),
    ).toBe(10);
    expect(processorBatchFill(drivers, { ...DEFAULT_ASSUMPTIONS, messagesPerProcessorBatch: 4 })).toBe(4);
  });

  it('dynamoItemBytes() sums names and values, numbers at about a byte per two digits', () => {
    expect(dynamoItemBytes({ pk: 'a#b', n: 1_795_000_123_456 })).toBe(2 + 3 + 1 + 8);
  });

  it('messageBytes() counts attribute names, types and values', () => {
    expect(messageBytes('{}', { source: 'stripe' })).toBe(2 + 6 + 6 + 6);
  });

  it('renderAccessLog() fills each $context variable', () => {
    expect(renderAccessLog('{"status":"$context.status"}')).toBe('{"status":"202"}');
  });
});

describe('readTemplate()', () => {
  const template: CfnTemplate = {
    Resources: {
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } },
      Integration: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: { IntegrationUri: { 'Fn::GetAtt': ['Verifier', 'Arn'] } },
      },
      Verifier: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          MemorySize: 512,
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: { EVENTS_TABLE_NAME: { Ref: 'Table' }, POWERTOOLS_LOG_LEVEL: 'INFO' } },
        },
      },
      Processor: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'ERROR' },
          Environment: {
            Variables: { WEBHOOK_SOURCE_ID: 'stripe', EVENTS_TOPIC_ARN: { Ref: 'Topic' }, DEDUPE_SECONDS: '86400' },
          },
        },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Processor' },
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          BatchSize: 5,
          MaximumBatchingWindowInSeconds: 2,
        },
      },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/aws/sqs' } },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
      Topic: {
        Type: 'AWS::SNS::Topic',
        Properties: { KmsMasterKeyId: { 'Fn::Join': ['', ['arn:aws:kms:…:alias/aws/sns']] } },
      },
      Sub: {
        Type: 'AWS::SNS::Subscription',
        Properties: {
          TopicArn: { Ref: 'Topic' },
          Protocol: 'sqs',
          Endpoint: { 'Fn::GetAtt': ['SubQueue', 'Arn'] },
          RawMessageDelivery: true,
        },
      },
      SubQueue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
    },
  };

  it('reads what drives the bill from the resources the verifier and processor point at', () => {
    const { drivers: d, warnings } = readTemplate(template);
    expect(d.api).toEqual({ kind: 'http', accessLogs: false });
    expect(d.verifier).toEqual({
      memoryMb: 512,
      arch: 'arm64',
      activeTracing: true,
      platformLogs: true,
      appLogLevel: 'INFO',
    });
    expect(d.processor).toMatchObject({
      memoryMb: 128,
      arch: 'x86_64',
      platformLogs: false,
      appLogLevel: 'ERROR',
      batchSize: 5,
      batchingWindowSeconds: 2,
    });
    expect(d.table).toEqual({
      billing: 'on-demand',
      encryption: 'service-owned',
      pointInTimeRecovery: false,
      replicas: 1,
    });
    expect(d.ingestQueue.encryption).toBe('aws-managed-kms');
    expect(d.topic).toEqual({ encryption: 'aws-managed-kms', publishers: 1 });
    expect(d.subscriber).toMatchObject({ encryption: 'service-owned', rawMessageDelivery: true, filtersOnBody: false });
    expect(d.dedupeSeconds).toBe(86_400);
    expect(warnings).toEqual([]);
  });

  it('throws when the template has no API', () => {
    expect(() => readTemplate({ Resources: {} })).toThrow(/no API Gateway API/);
  });
});

describe('the archive line', () => {
  const archived: Drivers = { ...drivers, archive: { retentionDays: 90 } };
  const at = (fill: number, s = shape(1024)) =>
    line(stackCost(archived, s, { ...DEFAULT_ASSUMPTIONS, messagesPerProcessorBatch: fill }, prices), 'S3 archive');

  it('is one PUT per processor batch plus 90 days of the gzipped row', () => {
    const storage = (600 / 1e9) * 3 * 0.023 * 1e6;
    expect(perMillion(at(10).usd)).toBeCloseTo(5 / 10 + storage, 6);
    expect(perMillion(at(1).usd)).toBeCloseTo(5 + storage, 6);
  });

  it('adds the claim check and the offloaded message for large events, with their objects stored', () => {
    const big = { ...shape(1 << 20), claimCheck: true, offloaded: true, publishBytes: (1 << 20) + 300 };
    const l = at(10, big);
    expect(l.detail).toMatch(/2\.10 PUT .*claim check.*offloaded message.* \+ 2 GET/);
    const storage = ((600 + (1 << 20) + (1 << 20) + 300) / 1e9) * 3 * 0.023 * 1e6;
    expect(perMillion(l.usd)).toBeCloseTo(2.1 * 5 + 2 * 0.4 + storage, 4);
  });

  it('is absent from a stack without an archive', () => {
    expect(stackCost(drivers, shape(1024), DEFAULT_ASSUMPTIONS, prices).lines.map((l) => l.service)).not.toContain(
      'S3 archive',
    );
  });
});
