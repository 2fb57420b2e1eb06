/**
 * The cost model behind `npm run cost`: dollars per event, by service, for one webhook delivery
 * through the stack (API -> verifier -> table + queue -> processor -> table + topic -> one SQS
 * subscriber), and for the floor (the cheapest possible use of the same services).
 *
 * Pure: the template is read elsewhere (`template.ts`) into `Drivers`; what the template cannot say
 * (durations, retries, duplicate rate, batch fill) is an `Assumptions` field with a stated default.
 * Every per-event count below carries its reason in `detail`, which the README's cost section repeats.
 */

export type PriceKey =
  | 'apiGatewayHttpRequest'
  | 'apiGatewayRestRequest'
  | 'lambdaRequest'
  | 'lambdaArm64GbSecond'
  | 'lambdaX86GbSecond'
  | 'dynamoDbWriteRequestUnit'
  | 'dynamoDbReadRequestUnit'
  | 'dynamoDbStorageGbMonth'
  | 'dynamoDbPitrGbMonth'
  | 'sqsStandardRequest'
  | 'snsStandardPublish'
  | 'snsDeliveryToSqs'
  | 'kmsRequest'
  | 'secretsManagerApiCall'
  | 'secretsManagerSecretMonth'
  | 'cloudWatchLogsIngestGb'
  | 'cloudWatchCustomMetricMonth'
  | 'xrayTraceRecorded'
  | 's3PutRequest'
  | 's3GetRequest'
  | 's3StorageGbMonth';

export interface PriceTable {
  readonly prices: Readonly<Record<PriceKey, { readonly usd: number; readonly per: string; readonly source: string }>>;
}

export type Encryption = 'none' | 'service-owned' | 'aws-managed-kms' | 'customer-managed-kms';

export interface FunctionDrivers {
  readonly memoryMb: number;
  readonly arch: 'arm64' | 'x86_64';
  /** `TracingConfig.Mode: Active`: Lambda samples and records X-Ray traces. */
  readonly activeTracing: boolean;
  /** START/END/REPORT platform lines are written (text format, or JSON with system log level INFO/DEBUG). */
  readonly platformLogs: boolean;
  /** The application's effective log level (`POWERTOOLS_LOG_LEVEL`, or the function's ApplicationLogLevel). */
  readonly appLogLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
}

export interface QueueDrivers {
  readonly encryption: Encryption;
  /** SSE-KMS only: how long SQS reuses a data key (`KmsDataKeyReusePeriodSeconds`, default 300). */
  readonly kmsDataKeyReuseSeconds: number;
}

/** What the synthesized template says about the per-event path. */
export interface Drivers {
  readonly api: { readonly kind: 'http' | 'rest'; readonly accessLogs: boolean };
  readonly verifier: FunctionDrivers;
  readonly processor: FunctionDrivers & { readonly batchSize: number; readonly batchingWindowSeconds: number };
  readonly table: {
    readonly billing: 'on-demand' | 'provisioned';
    readonly encryption: Encryption;
    readonly pointInTimeRecovery: boolean;
    /** Regions holding a replica; more than one means replicated writes on every write. */
    readonly replicas: number;
  };
  readonly ingestQueue: QueueDrivers;
  readonly topic: {
    readonly encryption: Encryption /** IAM principals that publish (one role per processor). */;
    readonly publishers: number;
  };
  /** The one SQS subscriber the figure is for; undefined when the template has none. */
  readonly subscriber:
    | (QueueDrivers & { readonly rawMessageDelivery: boolean; readonly filtersOnBody: boolean })
    | undefined;
  /** How long a record is kept for deduplication (DynamoDB TTL), from the processor's environment. */
  readonly dedupeSeconds: number;
  /** Signing secrets (one per source) and how long the verifier caches each (`SECRETS_CACHE_SECONDS`). */
  readonly secrets: number;
  readonly secretsCacheSeconds: number;
  /** Sources (one processor each): the per-source custom metrics are billed once per source. */
  readonly sources: number;
  /** The functions write Embedded Metric Format lines (`POWERTOOLS_METRICS_NAMESPACE` is set). */
  readonly metrics: boolean;
  /** The archive (#19), when the processor writes one: how long the source's objects are kept (null: for ever). */
  readonly archive: { readonly retentionDays: number | null } | undefined;
}

/** Sizes of what one event becomes on the way through, computed from the real envelope code. */
export interface EventShape {
  readonly payloadBytes: number;
  /** SQS message: envelope body + message attributes (names, types, values). */
  readonly queueMessageBytes: number;
  /** SNS message: the published body + message attributes. */
  readonly publishBytes: number;
  /** The event record at its largest (DynamoDB item size rules). */
  readonly itemBytes: number;
  /** One API Gateway access-log line in the stage's format. */
  readonly accessLogBytes: number;
  /** The verifier's metrics line for one accepted event (its counts, its duration, the event and request ids). */
  readonly verifierMetricLineBytes: number;
  /** The processor's metrics line for a batch: a fixed part, and what each published event adds to it. */
  readonly processorMetricLineBytes: number;
  readonly processorMetricBytesPerEvent: number;
  /** What each published event's id adds to the processor's `batch processed` line (`eventIds`). */
  readonly eventIdLogBytes: number;
  /** One archived row, gzipped in a batch object (measured with the real row and encoder). */
  readonly archiveRowBytes: number;
  /** The body is over SQS's limit: stored in the archive (claim check) and read back by the processor. */
  readonly claimCheck: boolean;
  /** The published message is over SNS's limit: stored in the archive, read by each subscriber. */
  readonly offloaded: boolean;
}

/** What the template cannot say. Each has a default in `DEFAULT_ASSUMPTIONS`, overridable with `--param name=value`. */
export interface Assumptions {
  /** Traffic, for the costs that are per second or per month rather than per event (X-Ray reservoir, KMS, secrets). */
  readonly eventsPerDay: number;
  /** Billed duration of a verifier invocation that accepts a delivery: PutItem + SendMessage + UpdateItem in series. */
  readonly verifierMs: number;
  /** Billed duration of a verifier invocation that answers a duplicate: one refused PutItem, which returns the record it met. */
  readonly duplicateVerifierMs: number;
  /** Billed duration of a processor invocation: fixed part (PublishBatch) ... */
  readonly processorBaseMs: number;
  /** ... plus this per message (claim UpdateItem + complete UpdateItem in series). */
  readonly processorPerMessageMs: number;
  /** Deliveries of an event that was already accepted (provider retries after a lost 2xx), per event. */
  readonly duplicateRate: number;
  /** Processing attempts that fail and are retried through SQS, per event. */
  readonly processorRetryRate: number;
  /**
   * Messages per processor invocation. 0 = derive: 1 without a batching window (Lambda invokes as soon
   * as a long poll returns, which at tens of events a second holds one message), else what the
   * window gathers at this traffic, capped by the batch size.
   */
  readonly messagesPerProcessorBatch: number;
  /**
   * Messages per ReceiveMessage by the subscriber's consumer (and per DeleteMessageBatch). Default 10:
   * a batched consumer, as the stack's own processors are (a Lambda event source mapping, or
   * MaxNumberOfMessages=10).
   */
  readonly subscriberMessagesPerReceive: number;
  /** Fraction of events the subscriber's filter policy accepts. */
  readonly subscriberMatchRate: number;
  /** Execution environments kept warm, per function: each refreshes cached secrets and KMS keys on its own. */
  readonly warmVerifierEnvironments: number;
  readonly warmProcessorEnvironments: number;
  /** Invocations that start a new execution environment, whose INIT phase is billed. */
  readonly coldStartRate: number;
  readonly verifierInitMs: number;
  readonly processorInitMs: number;
  /** Bytes of START + END + REPORT (+ XRAY) platform lines per invocation, text format. */
  readonly platformLogBytes: number;
  /** Per-log-event overhead CloudWatch counts (26 bytes per event in PutLogEvents; counted here, as an upper bound). */
  readonly logEventOverheadBytes: number;
  /**
   * The verifier's INFO line per accepted delivery. 0: `accepted` is logged at DEBUG; only rejections
   * and duplicates are INFO, and they are not accepted deliveries.
   */
  readonly verifierInfoLogBytes: number;
  /** The processor's INFO line per invocation (`batch processed`). */
  readonly processorInfoLogBytes: number;
  /** Whether SQS bills the SendMessage SNS makes into a subscribed queue (SNS does not bill the delivery). */
  readonly snsDeliveryBilledAsSqsSend: boolean;
  /**
   * Custom metrics written every hour per source at this traffic (billed per metric-hour): Accepted, VerifyDuration
   * and IngestToPublishAge for every event, Duplicates at any duplicate rate. Rejections, handshakes, failures and
   * retries write theirs only in the hours they happen.
   */
  readonly metricsPerSource: number;
  /** Billed ms a processor invocation spends writing its batch's archive object (one S3 PUT). */
  readonly archivePutMs: number;
  /** Months of storage charged, when the archive keeps events for ever (retention null). */
  readonly archiveForeverMonths: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  eventsPerDay: 1_000_000,
  verifierMs: 30,
  duplicateVerifierMs: 15,
  processorBaseMs: 10,
  processorPerMessageMs: 15,
  duplicateRate: 0.01,
  processorRetryRate: 0,
  messagesPerProcessorBatch: 0,
  subscriberMessagesPerReceive: 10,
  subscriberMatchRate: 1,
  warmVerifierEnvironments: 2,
  warmProcessorEnvironments: 2,
  coldStartRate: 0.0005,
  verifierInitMs: 250,
  processorInitMs: 250,
  platformLogBytes: 340,
  logEventOverheadBytes: 26,
  verifierInfoLogBytes: 0,
  processorInfoLogBytes: 236,
  snsDeliveryBilledAsSqsSend: false,
  metricsPerSource: 4,
  archivePutMs: 25,
  archiveForeverMonths: 12,
};

/**
 * What the code does per event that no template shows: the conditional writes to the events table.
 * Each is justified in the README's cost section; `stackCost` takes another design for what-ifs.
 */
export interface Design {
  readonly writes: readonly string[];
}

export const CURRENT_DESIGN: Design = {
  writes: [
    'PutItem received (verifier: claim the delivery id, conditional)',
    'UpdateItem enqueued (verifier: after SendMessage, conditional on the lease)',
    'UpdateItem processing (processor: claim with a lease, conditional)',
    'UpdateItem completed (processor: after publishing, conditional on the lease)',
  ],
};

export type Service =
  | 'API Gateway'
  | 'Lambda verifier'
  | 'Lambda processor'
  | 'DynamoDB'
  | 'SQS ingest'
  | 'SNS'
  | 'SQS subscriber'
  | 'KMS'
  | 'Secrets Manager'
  | 'CloudWatch Logs'
  | 'CloudWatch metrics'
  | 'X-Ray'
  | 'S3 archive';

export interface CostLine {
  readonly service: Service;
  /** Dollars per event. */
  readonly usd: number;
  /** What is counted and why. */
  readonly detail: string;
}

export interface Breakdown {
  readonly lines: readonly CostLine[];
  /** Dollars per event. */
  readonly total: number;
}

const KIB = 1024;
const SQS_CHUNK = 64 * KIB;
const SNS_CHUNK = 64 * KIB;
const API_CHUNK = 512 * KIB;
const SECONDS_PER_MONTH = 30 * 86_400;
/** Lambda's X-Ray rule: the first request each second, then 5% (not configurable for Lambda). */
const XRAY_RESERVOIR_PER_SECOND = 1;
const XRAY_RATE = 0.05;
/** SNS and SQS (SSE-KMS) reuse a data key for 5 minutes; DynamoDB refreshes its table key every 5 minutes per caller. */
const KMS_KEY_PERIOD_SECONDS = 300;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

const chunks = (bytes: number, size: number): number => Math.max(1, Math.ceil(bytes / size));
const perMillion = (p: { usd: number }): number => p.usd / 1e6;
const logsInfo = (level: FunctionDrivers['appLogLevel']): boolean =>
  LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf('INFO');

/** Fraction of invocations X-Ray records at `perSecond` invocations a second under Lambda's fixed rule. */
export function xraySampledFraction(perSecond: number): number {
  if (perSecond <= XRAY_RESERVOIR_PER_SECOND) return 1;
  return (XRAY_RESERVOIR_PER_SECOND + XRAY_RATE * (perSecond - XRAY_RESERVOIR_PER_SECOND)) / perSecond;
}

/** Messages per processor invocation, per the `messagesPerProcessorBatch` rule. */
export function processorBatchFill(d: Drivers, a: Assumptions): number {
  if (a.messagesPerProcessorBatch > 0) return Math.min(a.messagesPerProcessorBatch, d.processor.batchSize);
  if (d.processor.batchingWindowSeconds <= 0) return 1;
  const perSecond = a.eventsPerDay / 86_400;
  return Math.min(d.processor.batchSize, Math.max(1, perSecond * d.processor.batchingWindowSeconds));
}

function gbSecondPrice(p: PriceTable, arch: FunctionDrivers['arch']): number {
  return arch === 'arm64' ? p.prices.lambdaArm64GbSecond.usd : p.prices.lambdaX86GbSecond.usd;
}

/** Dollars per event through the stack as the template describes it. */
export function stackCost(
  d: Drivers,
  shape: EventShape,
  a: Assumptions,
  p: PriceTable,
  design: Design = CURRENT_DESIGN,
): Breakdown {
  if (d.table.billing !== 'on-demand') throw new Error('the cost model covers on-demand tables only');
  const lines: CostLine[] = [];
  const add = (service: Service, usd: number, detail: string) => lines.push({ service, usd, detail });
  const dup = a.duplicateRate;
  const perSecond = a.eventsPerDay / 86_400;
  const eventsPerMonth = a.eventsPerDay * 30;
  const batch = processorBatchFill(d, a);
  const processorInvocations = (1 + a.processorRetryRate) / batch;

  // API Gateway: every delivery, duplicates included, is one request per 512 KB.
  const apiPrice = d.api.kind === 'http' ? p.prices.apiGatewayHttpRequest : p.prices.apiGatewayRestRequest;
  const apiRequests = (1 + dup) * chunks(shape.payloadBytes, API_CHUNK);
  add(
    'API Gateway',
    apiRequests * perMillion(apiPrice),
    `${fmt(apiRequests)} ${d.api.kind.toUpperCase()} API request (1 + ${pct(dup)} duplicates; 512 KB units)`,
  );

  // Verifier: one invocation per delivery; INIT billed on cold starts.
  {
    const gb = d.verifier.memoryMb / 1024;
    const seconds =
      (a.verifierMs + dup * a.duplicateVerifierMs + (1 + dup) * a.coldStartRate * a.verifierInitMs) / 1000;
    const usd = (1 + dup) * perMillion(p.prices.lambdaRequest) + gb * seconds * gbSecondPrice(p, d.verifier.arch);
    add(
      'Lambda verifier',
      usd,
      `${fmt(1 + dup)} invocation, ${d.verifier.memoryMb} MB ${d.verifier.arch} x ${a.verifierMs} ms (+ duplicates ${a.duplicateVerifierMs} ms, INIT on ${pct(a.coldStartRate)})`,
    );
  }

  // Processor: one invocation per batch.
  {
    const gb = d.processor.memoryMb / 1024;
    const msPerInvocation =
      a.processorBaseMs +
      batch * a.processorPerMessageMs +
      a.coldStartRate * a.processorInitMs +
      (d.archive ? a.archivePutMs : 0);
    const usd =
      processorInvocations *
      (perMillion(p.prices.lambdaRequest) + (gb * msPerInvocation * gbSecondPrice(p, d.processor.arch)) / 1000);
    add(
      'Lambda processor',
      usd,
      `1/${fmt(batch)} invocation (batch fill ${fmt(batch)} of ${d.processor.batchSize}, window ${d.processor.batchingWindowSeconds} s), ${d.processor.memoryMb} MB x ${fmt(msPerInvocation)} ms`,
    );
  }

  // DynamoDB: the design's conditional writes per event, each one WRU per KB of item.
  {
    const wruPerWrite = chunks(shape.itemBytes, KIB) * Math.max(1, d.table.replicas);
    const processorWrites = design.writes.filter((w) => w.includes('processor')).length;
    const writes = design.writes.length + a.processorRetryRate * processorWrites;
    // The refused conditional PutItem still consumes its WRU; it returns the record it met
    // (ReturnValuesOnConditionCheckFailure), so no read follows.
    const dupWrites = dup;
    const storageGbMonths = (shape.itemBytes / 1e9) * (d.dedupeSeconds / SECONDS_PER_MONTH);
    const usd =
      (writes + dupWrites) * wruPerWrite * perMillion(p.prices.dynamoDbWriteRequestUnit) +
      storageGbMonths *
        (p.prices.dynamoDbStorageGbMonth.usd + (d.table.pointInTimeRecovery ? p.prices.dynamoDbPitrGbMonth.usd : 0));
    add(
      'DynamoDB',
      usd,
      `${fmt((writes + dupWrites) * wruPerWrite)} WRU (${design.writes.map((w) => w.split(' (')[0]).join(', ')}; ${shape.itemBytes} B item` +
        `${d.table.replicas > 1 ? `, x${d.table.replicas} replicas` : ''}) + storage for the dedupe window`,
    );
  }

  // Ingest queue: SendMessage per event, ReceiveMessage and DeleteMessageBatch per batch, 64 KB chunks.
  {
    const send = chunks(shape.queueMessageBytes, SQS_CHUNK);
    const receive = (chunks(batch * shape.queueMessageBytes, SQS_CHUNK) / batch) * (1 + a.processorRetryRate);
    const del = 1 / batch;
    add(
      'SQS ingest',
      (send + receive + del) * perMillion(p.prices.sqsStandardRequest),
      `${fmt(send)} SendMessage + ${fmt(receive)} ReceiveMessage + ${fmt(del)} DeleteMessageBatch (${fmt(shape.queueMessageBytes)} B message)`,
    );
  }

  // Topic: PublishBatch of the batch's messages, one request per 64 KB of published data.
  const publishes = chunks(batch * shape.publishBytes, SNS_CHUNK) / batch;
  add(
    'SNS',
    publishes * perMillion(p.prices.snsStandardPublish),
    `${fmt(publishes)} publish request (PublishBatch of ${fmt(batch)}, 64 KB units); delivery to SQS free`,
  );

  // Subscriber: the delivery into its queue, then its consumer's receive and delete.
  if (d.subscriber) {
    const m = a.subscriberMatchRate;
    const n = a.subscriberMessagesPerReceive;
    const msg = shape.publishBytes;
    const inbound = a.snsDeliveryBilledAsSqsSend ? chunks(msg, SQS_CHUNK) : 0;
    const receive = chunks(n * msg, SQS_CHUNK) / n;
    const del = 1 / n;
    const requests = m * (inbound + receive + del);
    add(
      'SQS subscriber',
      requests * perMillion(p.prices.sqsStandardRequest),
      `${fmt(m)} x (${fmt(receive)} ReceiveMessage + ${fmt(del)} DeleteMessage by its consumer${inbound ? ` + ${inbound} SendMessage by SNS` : ''})`,
    );
  }

  // The verifier's GetSecretValue calls: one per source secret per cache period per warm environment.
  const secretCalls = a.warmVerifierEnvironments * d.secrets * (SECONDS_PER_MONTH / Math.max(1, d.secretsCacheSeconds));

  // KMS: none per request anywhere; data and table keys are refreshed every 5 minutes per caller.
  {
    const periods = SECONDS_PER_MONTH / KMS_KEY_PERIOD_SECONDS;
    let monthly = 0;
    const parts: string[] = [];
    if (d.topic.encryption === 'aws-managed-kms' || d.topic.encryption === 'customer-managed-kms') {
      monthly += periods * 2 * d.topic.publishers;
      parts.push(`SNS ${fmt(periods * 2 * d.topic.publishers)}/month (2 per 5 min per publisher)`);
    }
    if (d.table.encryption === 'aws-managed-kms' || d.table.encryption === 'customer-managed-kms') {
      const callers = a.warmVerifierEnvironments + a.warmProcessorEnvironments;
      monthly += periods * callers;
      parts.push(`DynamoDB ${fmt(periods * callers)}/month (1 per 5 min per caller)`);
    }
    for (const [name, q] of [
      ['ingest queue', d.ingestQueue],
      ['subscriber queue', d.subscriber],
    ] as const) {
      if (q && (q.encryption === 'aws-managed-kms' || q.encryption === 'customer-managed-kms')) {
        // SQS: per reuse period, 2 per producing principal + 1 per consuming principal (one each here).
        const calls = (SECONDS_PER_MONTH / q.kmsDataKeyReuseSeconds) * 3;
        monthly += calls;
        parts.push(`${name} ${fmt(calls)}/month`);
      }
    }
    if (d.secrets > 0) {
      monthly += secretCalls;
      parts.push(`Secrets Manager ${fmt(secretCalls)}/month (1 Decrypt per GetSecretValue)`);
    }
    add(
      'KMS',
      (monthly / eventsPerMonth) * perMillion(p.prices.kmsRequest),
      parts.length ? `${parts.join('; ')}, amortized over ${fmt(eventsPerMonth)} events` : 'no KMS key on the path',
    );
  }

  // Secrets Manager: one GetSecretValue per source per cache period per warm verifier, plus the secrets themselves.
  {
    const calls = secretCalls;
    const usd =
      (calls * perMillion(p.prices.secretsManagerApiCall) + d.secrets * p.prices.secretsManagerSecretMonth.usd) /
      eventsPerMonth;
    add(
      'Secrets Manager',
      usd,
      `${fmt(calls)} GetSecretValue/month (cache ${d.secretsCacheSeconds} s) + ${d.secrets} secrets, amortized`,
    );
  }

  // CloudWatch Logs: access log line, platform lines per invocation, the INFO lines the code writes.
  {
    const o = a.logEventOverheadBytes;
    let bytes = 0;
    const parts: string[] = [];
    if (d.api.accessLogs) {
      bytes += (1 + dup) * (shape.accessLogBytes + o);
      parts.push(`access log ${shape.accessLogBytes} B`);
    }
    if (d.verifier.platformLogs) {
      bytes += (1 + dup) * (a.platformLogBytes + 3 * o);
      parts.push(`verifier platform ${a.platformLogBytes} B`);
    }
    if (logsInfo(d.verifier.appLogLevel)) {
      bytes += a.verifierInfoLogBytes + o + dup * (a.verifierInfoLogBytes + o);
      parts.push(`verifier INFO ${a.verifierInfoLogBytes} B`);
    }
    if (d.processor.platformLogs) {
      bytes += processorInvocations * (a.platformLogBytes + 3 * o);
      parts.push(`processor platform ${a.platformLogBytes} B/${fmt(batch)}`);
    }
    if (logsInfo(d.processor.appLogLevel)) {
      bytes += processorInvocations * (a.processorInfoLogBytes + o) + shape.eventIdLogBytes;
      parts.push(`processor INFO ${a.processorInfoLogBytes} B/${fmt(batch)} + ${shape.eventIdLogBytes} B event id`);
    }
    add(
      'CloudWatch Logs',
      (bytes / 1e9) * p.prices.cloudWatchLogsIngestGb.usd,
      `${fmt(bytes)} B/event: ${parts.join(', ') || 'none'} (+${o} B per log event)`,
    );
  }

  // CloudWatch metrics: the Embedded Metric Format lines (log bytes), and the custom metrics (per metric-hour).
  if (d.metrics) {
    const o = a.logEventOverheadBytes;
    const bytes =
      (1 + dup) * (shape.verifierMetricLineBytes + o) +
      processorInvocations * (shape.processorMetricLineBytes + o) +
      shape.processorMetricBytesPerEvent;
    const metrics = a.metricsPerSource * d.sources;
    const eventsPerMonth = a.eventsPerDay * 30;
    add(
      'CloudWatch metrics',
      (bytes / 1e9) * p.prices.cloudWatchLogsIngestGb.usd +
        (metrics * p.prices.cloudWatchCustomMetricMonth.usd) / eventsPerMonth,
      `${fmt(bytes)} B/event of metric lines (verifier ${shape.verifierMetricLineBytes} B, processor ${shape.processorMetricLineBytes} B/${fmt(batch)} + ${shape.processorMetricBytesPerEvent} B), ${metrics} custom metrics (${a.metricsPerSource} × ${d.sources} sources) amortized`,
    );
  }

  // X-Ray: Lambda's fixed sampling rule applied to each traced function.
  {
    let traces = 0;
    const parts: string[] = [];
    if (d.verifier.activeTracing) {
      const f = xraySampledFraction(perSecond * (1 + dup));
      traces += (1 + dup) * f;
      parts.push(`verifier ${pct(f)} sampled`);
    }
    if (d.processor.activeTracing) {
      const f = xraySampledFraction(perSecond * processorInvocations);
      traces += processorInvocations * f;
      parts.push(`processor ${pct(f)} of invocations`);
    }
    add(
      'X-Ray',
      traces * perMillion(p.prices.xrayTraceRecorded),
      parts.length ? `${fmt(traces)} traces (${parts.join(', ')} at ${fmt(perSecond)} events/s)` : 'tracing off',
    );
  }

  if (d.archive) add('S3 archive', ...archiveCost(d.archive, shape, a, p, processorInvocations));

  return { lines, total: lines.reduce((s, l) => s + l.usd, 0) };
}

/** The most messages one SNS PublishBatch request carries. */
const PUBLISH_BATCH = 10;

/**
 * What metrics, logs and traces add per event: the stack's cost less the same stack without them (no metric lines
 * or custom metrics, no event ids on the processor's line, tracing off). The budget is $0.30 per million events.
 */
export function observabilityCost(d: Drivers, shape: EventShape, a: Assumptions, p: PriceTable): number {
  const without: Drivers = {
    ...d,
    metrics: false,
    verifier: { ...d.verifier, activeTracing: false },
    processor: { ...d.processor, activeTracing: false },
  };
  return stackCost(d, shape, a, p).total - stackCost(without, { ...shape, eventIdLogBytes: 0 }, a, p).total;
}

/**
 * The archive per event: one PUT per processor invocation (the batch's rows in one object), the claim check's
 * PUT and GET and the offloaded message's PUT and subscriber GETs for large events, and storage for the retention.
 * KMS: a bucket key, refreshed by S3 about as often as DynamoDB's table key: negligible, and counted nowhere.
 */
export function archiveCost(
  archive: NonNullable<Drivers['archive']>,
  shape: EventShape,
  a: Assumptions,
  p: PriceTable,
  processorInvocations: number,
): [number, string] {
  const puts = processorInvocations + (shape.claimCheck ? 1 : 0) + (shape.offloaded ? 1 : 0);
  const gets = (shape.claimCheck ? 1 : 0) + (shape.offloaded ? a.subscriberMatchRate : 0);
  const months = archive.retentionDays === null ? a.archiveForeverMonths : archive.retentionDays / 30;
  const storedBytes =
    shape.archiveRowBytes + (shape.claimCheck ? shape.payloadBytes : 0) + (shape.offloaded ? shape.publishBytes : 0);
  const usd =
    puts * perMillion(p.prices.s3PutRequest) +
    gets * perMillion(p.prices.s3GetRequest) +
    (storedBytes / 1e9) * months * p.prices.s3StorageGbMonth.usd;
  return [
    usd,
    `${fmt(puts)} PUT (1 object per processor batch${shape.claimCheck ? ' + claim check' : ''}${shape.offloaded ? ' + offloaded message' : ''})` +
      `${gets ? ` + ${fmt(gets)} GET` : ''}; ${fmt(storedBytes)} B stored ${fmt(months)} months` +
      `${archive.retentionDays === null ? ' (kept for ever: --param archiveForeverMonths)' : ''}`,
  ];
}

/**
 * The floor: the cheapest possible use of the same services for one event — one API request, one
 * 128 MB Arm invocation of 1 ms, one write unit, one queue send, and a tenth of a publish: the bare payload
 * in a full PublishBatch of 10, billed per 64 KB of the batch (the stack batches its publishes, so the floor
 * must too: an unbatched publish in the floor flattered the stack's ratio, 1.75× where it is 2.09×).
 */
export function floorCost(payloadBytes: number, p: PriceTable): Breakdown {
  const lines: CostLine[] = [
    {
      service: 'API Gateway',
      usd: chunks(payloadBytes, API_CHUNK) * perMillion(p.prices.apiGatewayHttpRequest),
      detail: '1 HTTP API request',
    },
    {
      service: 'Lambda verifier',
      usd: perMillion(p.prices.lambdaRequest) + (128 / 1024) * 0.001 * p.prices.lambdaArm64GbSecond.usd,
      detail: '1 invocation, 128 MB arm64 x 1 ms',
    },
    { service: 'DynamoDB', usd: perMillion(p.prices.dynamoDbWriteRequestUnit), detail: '1 WRU' },
    {
      service: 'SQS ingest',
      usd: chunks(payloadBytes, SQS_CHUNK) * perMillion(p.prices.sqsStandardRequest),
      detail: '1 SendMessage per 64 KB',
    },
    {
      service: 'SNS',
      usd: (chunks(PUBLISH_BATCH * payloadBytes, SNS_CHUNK) / PUBLISH_BATCH) * perMillion(p.prices.snsStandardPublish),
      detail: `1/${PUBLISH_BATCH} PublishBatch (of ${PUBLISH_BATCH}), per 64 KB of the batch`,
    },
  ];
  return { lines, total: lines.reduce((s, l) => s + l.usd, 0) };
}

/** DynamoDB item size: attribute name bytes plus value bytes (strings UTF-8; numbers ~1 byte per 2 digits + 1). */
export function dynamoItemBytes(item: Readonly<Record<string, string | number>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    bytes +=
      typeof value === 'string'
        ? Buffer.byteLength(value)
        : Math.ceil(String(Math.abs(value)).replace(/^0+|\.|0+$/g, '').length / 2) + 1;
  }
  return bytes;
}

/** SQS/SNS message size: body plus each attribute's name, data type and value. */
export function messageBytes(body: string, attributes: Readonly<Record<string, string>>): number {
  let bytes = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes))
    bytes += Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value);
  return bytes;
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

function pct(f: number): string {
  return `${(f * 100).toFixed(f < 0.01 ? 2 : 1)}%`;
}
