/**
 * Dollars per million outbound deliveries (one endpoint per message), all in, line by line, priced from
 * bench/pricing.json: API Gateway, the API and worker functions as their batches really run (concurrently), the
 * queue's requests at a batch fill derived by the inbound model's rule, every DynamoDB write and read with its index
 * entries, storage and point-in-time backup for the retention, S3 for payloads kept apart, KMS, CloudWatch Logs
 * bytes and the data transfer out to receivers. What each design does per delivery is outbound-designs.ts; the
 * durations, fleet, traffic and shares are `OUTBOUND_ASSUMPTIONS`, printed with every result and overridable.
 */
import { OUTBOUND_FUNCTIONS } from '../../lambdas/contract';
import type { DesignInputs, Scenario, Usage } from './outbound-designs';

export interface OutboundPrices {
  readonly apiGatewayHttpRequest: number;
  readonly lambdaRequest: number;
  readonly lambdaArm64GbSecond: number;
  readonly dynamoDbWriteRequestUnit: number;
  readonly dynamoDbReadRequestUnit: number;
  readonly dynamoDbStorageGbMonth: number;
  readonly dynamoDbPitrGbMonth: number;
  readonly sqsStandardRequest: number;
  readonly kmsRequest: number;
  readonly cloudWatchLogsIngestGb: number;
  readonly dataTransferOutGb: number;
  readonly s3PutRequest: number;
  readonly s3GetRequest: number;
  readonly s3StorageGbMonth: number;
  readonly eventBridgeCustomEvent: number;
  readonly eventBridgeApiDestinationInvocation: number;
}

export const OUTBOUND_ASSUMPTIONS = {
  memoryGb: 0.25,
  /** API function per accepted message: endpoints query, message and delivery puts, one SendMessage. */
  intakeSeconds: 0.04,
  /** Worker per invocation: the receiver's answer (100 ms) and the DynamoDB calls around it; its deliveries run at once. */
  workerBaseSeconds: 0.15,
  /** ...plus this per delivery of the batch (CPU: signing, JSON, SDK). */
  workerPerDeliverySeconds: 0.005,
  /** One S3 call (a large payload's PUT at intake, its GET in the worker). */
  s3CallSeconds: 0.02,
  /** Traffic: sets the batch fill of the delivery queue and spreads the per-container costs over the volume. */
  deliveriesPerDay: 1_000_000,
  /** The delivery queue's event source (lambdas/contract.ts, as the construct deploys it). */
  batchingWindowSeconds: OUTBOUND_FUNCTIONS.worker.maxBatchingWindowSeconds,
  batchSize: OUTBOUND_FUNCTIONS.worker.batchSize,
  /** Warm worker containers, each with its own secret cache (decision 0013). */
  workerContainers: 10,
  /** Endpoints each container delivers to at least once per cache TTL (worst case: every container sees each). */
  activeEndpoints: 100,
  /** Data keys whose secrets a container opens (envelope encryption: one current key, plus older ones until rotated). */
  dataKeysInUse: 1,
  /** Secret cache TTL (decision 0013); 0 = no cache (a Decrypt per attempt). */
  secretCacheTtlSeconds: 300,
  /** Share of endpoints with a `rateLimit` (each batch then reads and writes its token bucket). */
  rateLimitedShare: 1,
  /** Days messages, deliveries and attempts are kept, and response bodies (retention.ts defaults). */
  retentionDays: 30,
  bodyRetentionDays: 7,
  /** Share of deliveries whose first attempt fails and is retried once. */
  retriedShare: 0,
  /** Body of a 2xx answer (`{"received":true}`) and of a failure (an error page). */
  responseBytes: 17,
  failureBodyBytes: 1024,
  /** gzip output over input for a stored body (an error page compresses to about a quarter; 1 = not at all). */
  bodyCompression: 0.25,
  /** Log bytes: the worker's `delivery attempt` line and the API's `message accepted` (Powertools JSON, measured), and the HTTP API's access log line. */
  workerLogBytes: 338,
  apiLogBytes: 270,
  accessLogBytes: 300,
  /** CloudWatch counts 26 bytes per log event on top of the line. */
  logEventOverheadBytes: 26,
  /** What a request carries out besides the body: headers (~600 B), TLS handshake and TCP (a new connection per attempt). */
  requestOverheadBytes: 1500,
} as const;
export type OutboundAssumptions = { -readonly [K in keyof typeof OUTBOUND_ASSUMPTIONS]: number };

export interface Line {
  readonly what: string;
  /** Dollars per million deliveries. */
  readonly usd: number;
}

const GB = 1e9;
const MONTH_DAYS = 30;

/** Deliveries per worker invocation, by the inbound model's rule: 1 without a batching window, else what it gathers. */
export function deliveryBatchFill(a: OutboundAssumptions): number {
  if (a.batchingWindowSeconds <= 0) return 1;
  return Math.min(a.batchSize, Math.max(1, (a.deliveriesPerDay / 86_400) * a.batchingWindowSeconds));
}

export function designInputs(a: OutboundAssumptions): DesignInputs {
  return {
    fill: deliveryBatchFill(a),
    rateLimitedShare: a.rateLimitedShare,
    retentionDays: a.retentionDays,
    bodyRetentionDays: a.bodyRetentionDays,
    workerBaseSeconds: a.workerBaseSeconds,
    workerPerDeliverySeconds: a.workerPerDeliverySeconds,
    s3CallSeconds: a.s3CallSeconds,
    activeEndpoints: a.activeEndpoints,
    dataKeysInUse: a.dataKeysInUse,
  };
}

export function scenarioOf(payloadBytes: number, a: OutboundAssumptions): Scenario {
  return {
    payloadBytes,
    responseBytes: a.responseBytes,
    failureBodyBytes: a.failureBodyBytes,
    bodyCompression: a.bodyCompression,
    retriedShare: a.retriedShare,
  };
}

/**
 * KMS Decrypt calls per million deliveries: one per attempt without a cache, else one per container, key opened (an
 * endpoint's secret, or with envelope encryption a data key) and cache period.
 */
export function kmsCallsPerMillion(attempts: number, keysPerContainer: number, a: OutboundAssumptions): number {
  const perAttempt = attempts * 1e6;
  if (a.secretCacheTtlSeconds <= 0) return perAttempt;
  const perDay = a.workerContainers * keysPerContainer * (86_400 / a.secretCacheTtlSeconds);
  return Math.min(perAttempt, (perDay * 1e6) / a.deliveriesPerDay);
}

const sum = (rows: ReadonlyArray<readonly [string, number, ...unknown[]]>) => rows.reduce((n, r) => n + r[1], 0);

/** Per million deliveries of `payloadBytes`, each message to one endpoint, for a design's usage. */
export function outboundCost(p: OutboundPrices, payloadBytes: number, u: Usage, a: OutboundAssumptions): Line[] {
  const attempts = 1 + a.retriedShare;
  const gbs = (seconds: number) => seconds * a.memoryGb * p.lambdaArm64GbSecond;
  const storedGbMonths = u.stored.reduce((n, [, bytes, days]) => n + (bytes / GB) * (days / MONTH_DAYS), 0);
  const o = a.logEventOverheadBytes;
  const logBytes = a.accessLogBytes + o + a.apiLogBytes + o + attempts * (a.workerLogBytes + o);
  const sentBytes = attempts * (payloadBytes + 60 + a.requestOverheadBytes); // 60: the Standard Webhooks envelope
  const M = 1e6;
  return [
    { what: 'API Gateway: POST /v1/…/messages', usd: p.apiGatewayHttpRequest },
    {
      what: 'API function: invocation + compute',
      usd: p.lambdaRequest + gbs(a.intakeSeconds + u.apiExtraSeconds) * M,
    },
    { what: 'SQS wake-ups: send, receive, delete', usd: u.sqsRequests * p.sqsStandardRequest },
    { what: 'worker: invocations + compute', usd: u.workerInvocations * p.lambdaRequest + gbs(u.workerSeconds) * M },
    { what: 'DynamoDB writes (items + index entries)', usd: sum(u.writes) * p.dynamoDbWriteRequestUnit },
    { what: 'DynamoDB reads', usd: sum(u.reads) * p.dynamoDbReadRequestUnit },
    {
      what: 'DynamoDB storage + point-in-time backup, for the retention',
      usd: storedGbMonths * M * (p.dynamoDbStorageGbMonth + p.dynamoDbPitrGbMonth),
    },
    {
      what: 'S3: payloads kept apart (PUT, GET per attempt, storage)',
      usd:
        u.s3.puts * p.s3PutRequest +
        u.s3.gets * p.s3GetRequest +
        (u.s3.storedBytes / GB) * ((a.retentionDays + 1) / MONTH_DAYS) * p.s3StorageGbMonth * M,
    },
    {
      what: 'KMS Decrypt of endpoint secrets (or their data key)',
      usd: (kmsCallsPerMillion(attempts, u.keysPerContainer, a) / M) * p.kmsRequest,
    },
    { what: 'CloudWatch Logs (access log, API and worker lines)', usd: (logBytes / GB) * p.cloudWatchLogsIngestGb * M },
    { what: 'data transfer out to receivers', usd: (sentBytes / GB) * p.dataTransferOutGb * M },
  ];
}

/** EventBridge API destinations for the same: a custom event per message, an invocation per attempt (transport only). */
export function apiDestinationsCost(p: OutboundPrices, payloadBytes: number, retriedShare: number): Line[] {
  return [
    {
      what: 'EventBridge custom event (per 64 KB chunk)',
      usd: Math.ceil(payloadBytes / 65_536) * p.eventBridgeCustomEvent,
    },
    { what: 'API destination invocations', usd: (1 + retriedShare) * p.eventBridgeApiDestinationInvocation },
  ];
}

export const total = (lines: readonly Line[]) => lines.reduce((s, l) => s + l.usd, 0);
