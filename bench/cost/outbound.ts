/**
 * Dollars per million outbound deliveries (one endpoint per message), line by line, priced from bench/pricing.json.
 * Item sizes come from the real DynamoDB items the adapters write (lambdas/adapters/dynamo-outbound-codec.ts), so
 * a change of the table layout shows here; which index each item enters follows the table definition
 * (lambdas/adapters/outbound-table.ts: `due` KEYS_ONLY, `byTenant` and `byEndpoint` ALL). Durations, fleet sizes
 * and shares are assumptions, named in `OUTBOUND_ASSUMPTIONS` and overridable with `--param`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { attemptItem, deliveryItem } from '../../lambdas/adapters/dynamo-delivery-codec';
import { endpointItem, messageItem } from '../../lambdas/adapters/dynamo-outbound-codec';
import type { Attempt, Delivery, Endpoint, MessageRecord } from '../../lambdas/core/outbound/model';

export interface OutboundPrices {
  readonly apiGatewayHttpRequest: number;
  readonly lambdaRequest: number;
  readonly lambdaArm64GbSecond: number;
  readonly dynamoDbWriteRequestUnit: number;
  readonly dynamoDbReadRequestUnit: number;
  readonly sqsStandardRequest: number;
  readonly kmsRequest: number;
  readonly eventBridgeCustomEvent: number;
  readonly eventBridgeApiDestinationInvocation: number;
}

export const OUTBOUND_ASSUMPTIONS = {
  memoryGb: 0.25,
  /** API function per accepted message (four DynamoDB calls and one SQS send). */
  intakeSeconds: 0.04,
  /** Worker per attempt, most of it waiting for the receiver (assumed to answer in 100 ms). */
  attemptSeconds: 0.15,
  /** Deliveries per worker invocation and per SQS receive/delete (the event source batches under load). */
  batchFill: 5,
  /** Deliveries a day: spreads the secret cache's refreshes over the volume. */
  deliveriesPerDay: 1_000_000,
  /** Warm worker containers, each with its own secret cache (decision 0013). */
  workerContainers: 10,
  /** Endpoints each container delivers to at least once per cache TTL (worst case: every container sees each). */
  activeEndpoints: 100,
  /** Secret cache TTL (decision 0013): each (container, endpoint) decrypts once per TTL while active. 0 = no cache. */
  secretCacheTtlSeconds: 300,
  /** Share of endpoints with a `rateLimit` (each attempt then reads and writes its token bucket). */
  rateLimitedShare: 1,
  /** Lost compare-and-sets per attempt on the endpoint-state items (each a re-read and a failed write). */
  stateConflictsPerAttempt: 0,
  /** Share of attempts whose response body is non-empty: one more item each, with its own TTL (retention work, coming). */
  responseBodyShare: 1,
} as const;
export type OutboundAssumptions = { -readonly [K in keyof typeof OUTBOUND_ASSUMPTIONS]: number };

export interface Line {
  readonly what: string;
  /** Dollars per million deliveries. */
  readonly usd: number;
}

/** Bytes of an item as DynamoDB meters it: attribute names plus values. */
export function itemBytes(item: Readonly<Record<string, AttributeValue>>): number {
  let bytes = 0;
  for (const [name, v] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (v.S !== undefined) bytes += Buffer.byteLength(v.S);
    else if (v.N !== undefined) bytes += Math.ceil(v.N.replace(/^-/, '').length / 2) + 1;
    else if (v.BOOL !== undefined) bytes += 1;
  }
  return bytes;
}

export const wru = (bytes: number) => Math.ceil(bytes / 1024);
const rru = (bytes: number) => Math.ceil(bytes / 4096);

/** The items one 1-KiB delivery writes, built with the adapters' own codec. */
export function sampleItems(payloadBytes: number) {
  const now = Date.UTC(2026, 11, 2);
  const message: MessageRecord = {
    tenantId: 'tenant_0001',
    id: 'msg_2Nf8s7Qd0X1a9Lk3',
    type: 'invoice.paid',
    payload: `{"d":"${'x'.repeat(payloadBytes - 8)}"}`,
    fingerprint: 'f'.repeat(64),
    createdAt: now,
    expiresAt: now + 30 * 86_400_000,
  };
  const delivery: Delivery = {
    tenantId: message.tenantId,
    deliveryId: `dlv_${'a'.repeat(32)}`,
    messageId: message.id,
    endpointId: 'ep_abcdefghijklmnop',
    status: 'pending',
    attemptCount: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  };
  const endpoint: Endpoint = {
    tenantId: message.tenantId,
    endpointId: delivery.endpointId,
    url: 'https://hooks.example.com/webhooks/billing',
    description: 'billing',
    filterTypes: ['invoice.*'],
    headers: {},
    signing: { scheme: 'standard-webhooks' },
    secrets: { current: 'c'.repeat(250) },
    enabled: true,
    timeoutSeconds: 15,
    rateLimit: { perSecond: 50, burst: 10 },
    createdAt: now,
    updatedAt: now,
  };
  const attempt: Attempt = {
    tenantId: message.tenantId,
    deliveryId: delivery.deliveryId,
    endpointId: endpoint.endpointId,
    messageId: message.id,
    number: 1,
    at: now,
    latencyMs: 120,
    status: 200,
    responseBody: '{"ok":true}',
    responseBodyTruncated: false,
  };
  const due = { sweepAt: now, dueShard: 1 };
  return {
    message: itemBytes(messageItem(message)),
    delivery: itemBytes(deliveryItem(delivery, due, now)),
    /** The `due` index holds keys only: table key + dueShard + sweepAt. */
    dueEntry: itemBytes({
      pk: { S: `DLV#${delivery.deliveryId}` },
      sk: { S: 'DLV' },
      dueShard: { N: '1' },
      sweepAt: { N: String(now) },
    }),
    deliveryWithAttempt: itemBytes({
      ...deliveryItem(delivery, undefined, now),
      lastAttempt: { S: JSON.stringify(attempt) },
    }),
    endpoint: itemBytes(endpointItem(endpoint, 1)),
    attempt: itemBytes(attemptItem(attempt, now)),
  };
}

/** Write units per message and per attempt, by item and index (exported so the tests can check the counting). */
export function writeUnits(payloadBytes: number, retriedShare: number) {
  const s = sampleItems(payloadBytes);
  const attempts = 1 + retriedShare;
  return {
    // put message (table + byTenant, ALL); markFannedOut rewrites it (table + byTenant again)
    messagePut: 2 * wru(s.message),
    markFannedOut: 2 * wru(s.message),
    // put delivery: table + due (keys only) + byTenant + byEndpoint (ALL)
    deliveryPut: wru(s.delivery) + wru(s.dueEntry) + 2 * wru(s.delivery),
    // conditional update of the delivery: table + byTenant + byEndpoint (projected attributes change) + due:
    // leaving it when delivered (a delete), moving sweepAt when failed (delete + put)
    attemptUpdate: attempts * 3 * wru(s.deliveryWithAttempt) + (1 + 2 * retriedShare) * wru(s.dueEntry),
    // the attempt item (table + byEndpoint); on a retry the previous attempt is put again (decision 0011)
    attemptItems: (attempts + retriedShare) * 2 * wru(s.attempt),
  };
}

/** KMS Decrypt calls per million deliveries: one per attempt without the cache, else one per container, endpoint and TTL. */
export function kmsCallsPerMillion(retriedShare: number, a: OutboundAssumptions): number {
  const perAttempt = (1 + retriedShare) * 1e6;
  if (a.secretCacheTtlSeconds <= 0) return perAttempt;
  const perDay = a.workerContainers * a.activeEndpoints * (86_400 / a.secretCacheTtlSeconds);
  return Math.min(perAttempt, (perDay * 1e6) / a.deliveriesPerDay);
}

/** Per million deliveries, each message to one endpoint, `retriedShare` of them attempted twice. */
export function outboundCost(
  p: OutboundPrices,
  payloadBytes: number,
  retriedShare: number,
  overrides: Partial<OutboundAssumptions> = {},
): Line[] {
  const a: OutboundAssumptions = { ...OUTBOUND_ASSUMPTIONS, ...overrides };
  const s = sampleItems(payloadBytes);
  const w = writeUnits(payloadBytes, retriedShare);
  const attempts = 1 + retriedShare;
  const gbs = (seconds: number) => seconds * a.memoryGb * p.lambdaArm64GbSecond;
  const W = p.dynamoDbWriteRequestUnit;
  const R = p.dynamoDbReadRequestUnit;
  // Endpoint state items are small (< 1 KB, < 4 KB) and in no index: one unit per read or write.
  // Gate: circuit read, token bucket read + write (rate-limited endpoints). Settle: circuit read + write (every
  // attempt moves the failure window), health read (a success on a healthy endpoint writes nothing).
  const stateReads = attempts * (1 + a.rateLimitedShare + 1 + 1 + a.stateConflictsPerAttempt);
  const stateWrites = attempts * (a.rateLimitedShare + 1 + a.stateConflictsPerAttempt);
  return [
    { what: 'API Gateway: POST /v1/…/messages', usd: p.apiGatewayHttpRequest },
    { what: 'API function: invocation + compute', usd: p.lambdaRequest + gbs(a.intakeSeconds) * 1e6 },
    {
      what: 'DynamoDB intake writes (items + index entries)',
      usd: (w.messagePut + w.deliveryPut + w.markFannedOut) * W,
    },
    { what: 'DynamoDB intake reads (endpoints query)', usd: rru(s.endpoint) * R },
    { what: 'SQS wake-ups: send, receive, delete', usd: attempts * (1 + 2 / a.batchFill) * p.sqsStandardRequest },
    {
      what: 'worker: invocations + compute',
      usd: attempts * (p.lambdaRequest / a.batchFill + gbs(a.attemptSeconds) * 1e6),
    },
    // delivery, endpoint, message: three consistent reads per attempt
    {
      what: 'DynamoDB attempt reads',
      usd: attempts * (rru(s.deliveryWithAttempt) + rru(s.endpoint) + rru(s.message)) * R,
    },
    { what: 'DynamoDB attempt writes (items + index entries)', usd: (w.attemptUpdate + w.attemptItems) * W },
    { what: 'DynamoDB response-body item (coming)', usd: attempts * a.responseBodyShare * W },
    { what: 'DynamoDB admission gate (rate, circuit, health)', usd: stateReads * R + stateWrites * W },
    { what: 'KMS Decrypt of the endpoint secret', usd: (kmsCallsPerMillion(retriedShare, a) / 1e6) * p.kmsRequest },
  ];
}

/** EventBridge API destinations for the same: a custom event per message, an invocation per attempt. */
export function apiDestinationsCost(p: OutboundPrices, payloadBytes: number, retriedShare: number): Line[] {
  return [
    {
      what: 'EventBridge custom event (per 64 KB chunk)',
      usd: Math.ceil(payloadBytes / 65_536) * p.eventBridgeCustomEvent,
    },
    { what: 'API destination invocations', usd: (1 + retriedShare) * p.eventBridgeApiDestinationInvocation },
  ];
}

export const total = (lines: readonly Line[]) => lines.reduce((sum, l) => sum + l.usd, 0);
