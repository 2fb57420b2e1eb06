/**
 * Dollars per million outbound deliveries (one endpoint per message), line by line, priced from bench/pricing.json.
 * Item sizes come from the real DynamoDB items the adapters write (lambdas/adapters/dynamo-outbound-codec.ts), so
 * a change of the table layout shows here. Durations are assumptions, named in `OUTBOUND_ASSUMPTIONS`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { attemptItem, deliveryItem, endpointItem, messageItem } from '../../lambdas/adapters/dynamo-outbound-codec';
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
} as const;

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

const wru = (bytes: number) => Math.ceil(bytes / 1024);
const rru = (bytes: number) => Math.ceil(bytes / 4096);

/** The items one 1-KiB delivery writes, built with the adapters' own codec. */
export function sampleItems(payloadBytes: number) {
  const now = Date.UTC(2026, 11, 2);
  const message: MessageRecord = { tenantId: 'tenant_0001', id: 'msg_2Nf8s7Qd0X1a9Lk3', type: 'invoice.paid', payload: `{"d":"${'x'.repeat(payloadBytes - 8)}"}`, fingerprint: 'f'.repeat(64), createdAt: now, expiresAt: now + 30 * 86_400_000 };
  const delivery: Delivery = { tenantId: message.tenantId, deliveryId: `dlv_${'a'.repeat(32)}`, messageId: message.id, endpointId: 'ep_abcdefghijklmnop', status: 'pending', attemptCount: 0, nextAttemptAt: now, createdAt: now, updatedAt: now };
  const endpoint: Endpoint = {
    tenantId: message.tenantId, endpointId: delivery.endpointId, url: 'https://hooks.example.com/webhooks/billing', description: 'billing', filterTypes: ['invoice.*'], headers: {},
    signing: { scheme: 'standard-webhooks' }, secrets: { current: 'c'.repeat(250) }, enabled: true, timeoutSeconds: 15, createdAt: now, updatedAt: now,
  };
  const attempt: Attempt = { tenantId: message.tenantId, deliveryId: delivery.deliveryId, endpointId: endpoint.endpointId, messageId: message.id, number: 1, at: now, latencyMs: 120, status: 200, responseBody: '{"ok":true}', responseBodyTruncated: false };
  return {
    message: itemBytes(messageItem(message)),
    delivery: itemBytes(deliveryItem(delivery, { sweepAt: now, dueShard: 1 }, now)),
    deliveryWithAttempt: itemBytes({ ...deliveryItem(delivery, undefined, now), lastAttempt: { S: JSON.stringify(attempt) } }),
    endpoint: itemBytes(endpointItem(endpoint, 1)),
    attempt: itemBytes(attemptItem(attempt, { attempt: now, body: now })),
  };
}

/** Per million deliveries, each message to one endpoint, `retriedShare` of them attempted twice. */
export function outboundCost(p: OutboundPrices, payloadBytes: number, retriedShare: number, a = OUTBOUND_ASSUMPTIONS): Line[] {
  const s = sampleItems(payloadBytes);
  const attempts = 1 + retriedShare;
  const gbs = (seconds: number) => seconds * a.memoryGb * p.lambdaArm64GbSecond;
  return [
    { what: 'API Gateway: POST /v1/…/messages', usd: p.apiGatewayHttpRequest },
    { what: 'API function: invocation + compute', usd: p.lambdaRequest + gbs(a.intakeSeconds) * 1e6 },
    // put message; put delivery (+ due and byTenant index entries); markFannedOut rewrites the message item
    { what: 'DynamoDB intake writes', usd: (wru(s.message) + wru(s.delivery) * 3 + wru(s.message)) * p.dynamoDbWriteRequestUnit },
    { what: 'DynamoDB intake reads (endpoints query)', usd: rru(s.endpoint) * p.dynamoDbReadRequestUnit },
    { what: 'SQS wake-ups: send, receive, delete', usd: attempts * (1 + 2 / a.batchFill) * p.sqsStandardRequest },
    { what: 'worker: invocations + compute', usd: attempts * (p.lambdaRequest / a.batchFill + gbs(a.attemptSeconds) * 1e6) },
    // delivery, endpoint, message: three consistent reads per attempt
    { what: 'DynamoDB attempt reads', usd: attempts * (rru(s.deliveryWithAttempt) + rru(s.endpoint) + rru(s.message)) * p.dynamoDbReadRequestUnit },
    // conditional update (+ its two index entries), the attempt item, the previous attempt again on a retry
    { what: 'DynamoDB attempt writes', usd: (attempts * (wru(s.deliveryWithAttempt) * 3 + wru(s.attempt)) + retriedShare * wru(s.attempt)) * p.dynamoDbWriteRequestUnit },
    { what: 'KMS Decrypt of the endpoint secret', usd: attempts * p.kmsRequest },
  ];
}

/** EventBridge API destinations for the same: a custom event per message, an invocation per attempt. */
export function apiDestinationsCost(p: OutboundPrices, payloadBytes: number, retriedShare: number): Line[] {
  return [
    { what: 'EventBridge custom event (per 64 KB chunk)', usd: Math.ceil(payloadBytes / 65_536) * p.eventBridgeCustomEvent },
    { what: 'API destination invocations', usd: (1 + retriedShare) * p.eventBridgeApiDestinationInvocation },
  ];
}

export const total = (lines: readonly Line[]) => lines.reduce((sum, l) => sum + l.usd, 0);
