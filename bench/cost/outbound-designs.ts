/**
 * What one outbound delivery does in each design, as counts per delivery (write and read units by item and index,
 * bytes stored and for how long, S3 requests, queue requests, invocations, bytes logged and sent), priced by
 * outbound.ts. `leanUsage` is this code: its item sizes come from the adapters' own codec. `mainUsage` is the design
 * before issue #18 (main at df56050), described from that code: the message written four times (its put and its
 * `byTenant` copy, both again by `markFannedOut`), every delivery and attempt update re-projected into two ALL
 * indexes, the last attempt and its response body copied into the delivery, an attempt item plus its index entry
 * per attempt, and the breaker's state read and compared-and-set per attempt.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  attemptBodyItem,
  attemptEntry,
  attemptItem,
  claimValues,
  deliveryItem,
} from '../../lambdas/adapters/dynamo-delivery-codec';
import { endpointItem, messageItem } from '../../lambdas/adapters/dynamo-outbound-codec';
import { PAYLOAD_INLINE_MAX_BYTES, payloadKey } from '../../lambdas/adapters/payload-store';
import { OUTBOUND_TABLE } from '../../lambdas/contract';
import { MAX_SUCCESS_BODY_BYTES } from '../../lambdas/core/outbound/delivery/response';
import type { Attempt, Delivery, Endpoint, MessageRecord } from '../../lambdas/core/outbound/model';

type Item = Readonly<Record<string, AttributeValue>>;

/** What is delivered: the payload, the receiver's answer, how often a delivery needs a second attempt. */
export interface Scenario {
  readonly payloadBytes: number;
  /** Bytes of a 2xx answer's body (a failure's is `failureBodyBytes`). */
  readonly responseBytes: number;
  readonly failureBodyBytes: number;
  /** gzip output over input for a body (0.25: a JSON or HTML error page; 1: random bytes). */
  readonly bodyCompression: number;
  /** Share of deliveries whose first attempt fails (5xx) and whose second succeeds, 5 s later. */
  readonly retriedShare: number;
}

/** Per delivery. Every count is an expectation over the scenario (a retried share counts fractionally). */
export interface Usage {
  readonly writes: ReadonlyArray<readonly [what: string, wru: number]>;
  readonly reads: ReadonlyArray<readonly [what: string, rru: number]>;
  /** Bytes kept in the table, its indexes included, and for how many days. */
  readonly stored: ReadonlyArray<readonly [what: string, bytes: number, days: number]>;
  readonly s3: { readonly puts: number; readonly gets: number; readonly storedBytes: number };
  readonly sqsRequests: number;
  readonly workerInvocations: number;
  /** Distinct secrets' keys a worker container opens per cache period: one per endpoint, or per data key (envelope). */
  readonly keysPerContainer: number;
  /** Worker seconds per delivery (its batch runs concurrently, so a batch's duration is shared). */
  readonly workerSeconds: number;
  /** API function seconds per message beyond the common intake (an S3 PUT of a large payload). */
  readonly apiExtraSeconds: number;
}

export interface DesignInputs {
  /** Deliveries per worker invocation, and per receive and delete of the delivery queue. */
  readonly fill: number;
  /** Share of endpoints with a rate limit (their bucket is read and compared-and-set before each send). */
  readonly rateLimitedShare: number;
  readonly retentionDays: number;
  readonly bodyRetentionDays: number;
  readonly workerBaseSeconds: number;
  readonly workerPerDeliverySeconds: number;
  /** One S3 call's duration (the API's PUT, the worker's GET, which a batch makes at once). */
  readonly s3CallSeconds: number;
  /** Payloads larger than this go to S3. @default PAYLOAD_INLINE_MAX_BYTES */
  readonly inlineMaxBytes?: number;
  /** How much of a 2xx body is kept. @default MAX_SUCCESS_BODY_BYTES (none) */
  readonly successBodyCap?: number;
  readonly activeEndpoints: number;
  /** Data keys in use (envelope encryption rotates one every 90 days; old secrets keep theirs until rotated). */
  readonly dataKeysInUse: number;
}

/** Bytes of an item as DynamoDB meters it: attribute names plus values. */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, v] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (v.S !== undefined) bytes += Buffer.byteLength(v.S);
    else if (v.N !== undefined) bytes += Math.ceil(v.N.replace(/^-/, '').length / 2) + 1;
    else if (v.BOOL !== undefined) bytes += 1;
    else if (v.B !== undefined) bytes += v.B.length;
  }
  return bytes;
}

export const wru = (bytes: number) => Math.ceil(bytes / 1024);
/** Strongly consistent; an index read or BatchGetItem (eventually consistent) is half. */
export const rru = (bytes: number) => Math.ceil(bytes / 4096);
/** DynamoDB bills 100 bytes of overhead per item and per index entry for storage. */
const STORED = (bytes: number) => bytes + 100;
const pick = (item: Item, names: readonly string[]): Item =>
  Object.fromEntries(Object.entries(item).filter(([k]) => names.includes(k)));

const NOW = Date.UTC(2026, 11, 2);

/** The records one delivery makes, as the codec writes them. */
export function sample(s: Scenario) {
  const message: MessageRecord = {
    tenantId: 'tenant_0001',
    id: 'msg_2Nf8s7Qd0X1a9Lk3',
    type: 'invoice.paid',
    payload: `{"d":"${'x'.repeat(Math.max(0, s.payloadBytes - 8))}"}`,
    fingerprint: 'f'.repeat(64),
    createdAt: NOW,
    expiresAt: NOW + 30 * 86_400_000,
  };
  const delivery: Delivery = {
    tenantId: message.tenantId,
    deliveryId: `dlv_${'a'.repeat(32)}`,
    messageId: message.id,
    endpointId: 'ep_abcdefghijklmnop',
    status: 'pending',
    attemptCount: 0,
    nextAttemptAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
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
    createdAt: NOW,
    updatedAt: NOW,
  };
  const attempt = (status: number, bodyBytes: number): Attempt => ({
    tenantId: message.tenantId,
    deliveryId: delivery.deliveryId,
    endpointId: endpoint.endpointId,
    messageId: message.id,
    number: 1,
    at: NOW,
    latencyMs: 120,
    status,
    // A body of the given size and compressibility: repeated text compresses, random hex does not.
    responseBody:
      s.bodyCompression < 1
        ? 'error: upstream unavailable; '.repeat(bodyBytes / 28 + 1).slice(0, bodyBytes)
        : 'z'.repeat(bodyBytes),
    responseBodyTruncated: false,
  });
  return { message, delivery, endpoint, attempt };
}

/** The design of this code (decision 0027). */
export function leanUsage(s: Scenario, d: DesignInputs): Usage {
  const { message, delivery, endpoint, attempt } = sample(s);
  const large = s.payloadBytes > (d.inlineMaxBytes ?? PAYLOAD_INLINE_MAX_BYTES);
  const msg = messageItem(message, large ? payloadKey(message) : undefined);
  const { tenantIndex, endpointIndex } = OUTBOUND_TABLE;
  const keyNames = ['pk', 'sk', tenantIndex.partitionKey, tenantIndex.sortKey];
  const msgEntry = pick(msg, [...keyNames, ...tenantIndex.projected]);
  const dlv = deliveryItem(delivery, undefined, NOW);
  const dlvTenantEntry = pick(dlv, [...keyNames, ...tenantIndex.projected]);
  const dlvEndpointEntry = pick(dlv, ['pk', 'sk', endpointIndex.partitionKey, endpointIndex.sortKey]);
  const claimed = { ...dlv, ...renamed(claimValues({ attempt: 1, token: 'AbCdEfGhIjKl', at: NOW, until: NOW })) };
  const success = attempt(200, Math.min(s.responseBytes, d.successBodyCap ?? MAX_SUCCESS_BODY_BYTES));
  const failure = attempt(503, s.failureBodyBytes);
  const logged = (a: Attempt) => ({ ...claimed, a1: { S: attemptEntry(a) } });
  const body = (a: Attempt) => {
    const item = attemptBodyItem(a, NOW);
    if (item === undefined) return 0;
    // gzip as the codec does it: the model's bodies stand for the scenario's compressibility.
    const raw = a.responseBody?.length ?? 0;
    return item.gz ? itemBytes(item) - (item.gz.B?.length ?? 0) + Math.ceil(raw * s.bodyCompression) : itemBytes(item);
  };
  const r = s.retriedShare;
  const attempts = 1 + r;
  const perBatch = 1 / d.fill;
  const rate = d.rateLimitedShare;
  return {
    writes: [
      ['message put (table)', wru(itemBytes(msg))],
      ['message entry in byTenant (keys + id, type, times)', wru(itemBytes(msgEntry))],
      ['delivery put (table)', wru(itemBytes(dlv))],
      [
        'delivery entries in byTenant (keys + message id, type, times) and byEndpoint (keys only)',
        wru(itemBytes(dlvTenantEntry)) + wru(itemBytes(dlvEndpointEntry)),
      ],
      ['claim (conditional update, no index)', attempts * wru(itemBytes(claimed))],
      [
        'record under the claim (attempt logged in the item)',
        wru(itemBytes(logged(success))) + r * wru(itemBytes(logged(failure))),
      ],
      ['response body item (written once)', (body(success) > 0 ? wru(body(success)) : 0) + r * wru(body(failure))],
      ['breaker count (atomic ADD, once per batch per endpoint)', attempts * perBatch],
      ['rate bucket compare-and-set (once per batch per endpoint)', attempts * rate * perBatch],
    ],
    reads: [
      ['endpoints of the tenant (intake, consistent)', rru(itemBytes(endpointItem(endpoint, 1)))],
      ['delivery (consistent)', attempts * rru(itemBytes(claimed))],
      ['message (consistent)', attempts * rru(itemBytes(msg))],
      ['endpoint (once per batch)', attempts * perBatch * rru(itemBytes(endpointItem(endpoint, 1)))],
      ['circuit and bucket (once per batch per endpoint)', attempts * perBatch * (1 + rate)],
    ],
    stored: [
      ['message', STORED(itemBytes(msg)) + STORED(itemBytes(msgEntry)), d.retentionDays],
      [
        'delivery with its attempts',
        STORED(itemBytes(logged(success))) + STORED(itemBytes(dlvTenantEntry)) + STORED(itemBytes(dlvEndpointEntry)),
        d.retentionDays,
      ],
      [
        'response bodies',
        (body(success) > 0 ? STORED(body(success)) : 0) + r * STORED(body(failure)),
        d.bodyRetentionDays,
      ],
    ],
    s3: large ? { puts: 1, gets: attempts, storedBytes: s.payloadBytes } : { puts: 0, gets: 0, storedBytes: 0 },
    // The intake's send; per batch a receive and a delete; a retry's wake-up queued by the worker.
    sqsRequests: 1 + attempts * 2 * perBatch + r,
    workerInvocations: attempts * perBatch,
    workerSeconds:
      attempts * ((d.workerBaseSeconds + (large ? d.s3CallSeconds : 0)) * perBatch + d.workerPerDeliverySeconds),
    apiExtraSeconds: large ? d.s3CallSeconds : 0,
    keysPerContainer: d.dataKeysInUse,
  };
}

/** `:claimToken` → `claimToken`: the attribute values an update sets, as attributes of the item. */
const renamed = (values: Item): Item => Object.fromEntries(Object.entries(values).map(([k, v]) => [k.slice(1), v]));

/** The design before issue #18 (main at df56050), from its code. */
export function mainUsage(s: Scenario, d: DesignInputs): Usage {
  const { message, delivery, endpoint, attempt } = sample(s);
  const msg = { ...messageItem(message), fannedOutAt: { N: String(NOW) } };
  const dlv = { ...deliveryItem(delivery, { sweepAt: NOW, dueShard: 1 }, NOW) };
  const due = { pk: dlv.pk!, sk: dlv.sk!, dueShard: { N: '1' }, sweepAt: { N: String(NOW) } };
  const success = attempt(200, s.responseBytes);
  const failure = attempt(503, s.failureBodyBytes);
  // The delivery kept its last attempt whole (body included) beside its state: every update rewrote it.
  const withLast = (a: Attempt) => ({
    ...dlv,
    lastAttempt: { S: JSON.stringify(a) },
    lastAttemptExpiresAt: { N: String(NOW) },
    lastBodyExpiresAt: { N: String(NOW) },
  });
  // The attempt's own item was on the byEndpoint index (ALL): written twice.
  const attemptOwn = (a: Attempt) => ({
    ...attemptItem(a, NOW),
    endpointKey: { S: `ATTS#${a.tenantId}#${a.endpointId}` },
    listKey: { S: `${NOW}#${a.deliveryId}#${a.number}` },
  });
  const bodyOf = (a: Attempt) => (a.responseBody ? Buffer.byteLength(a.responseBody) + 120 : 0);
  const r = s.retriedShare;
  const attempts = 1 + r;
  const rate = d.rateLimitedShare;
  const delivered = 3 * wru(itemBytes(withLast(success)));
  const failed = 3 * wru(itemBytes(withLast(failure)));
  return {
    writes: [
      ['message put (table + byTenant, ALL)', 2 * wru(itemBytes(msg))],
      ['markFannedOut (table + byTenant again)', 2 * wru(itemBytes(msg))],
      ['delivery put (table + byTenant + byEndpoint, ALL; due)', 3 * wru(itemBytes(dlv)) + wru(itemBytes(due))],
      // A failure moves sweepAt (delete + put in `due`); the success removes it.
      ['attempt update (table + 2 ALL indexes; due)', delivered + 1 + r * (failed + 2)],
      // Each attempt's item (table + byEndpoint); a retry puts the previous attempt again.
      [
        'attempt items (table + byEndpoint)',
        2 * wru(itemBytes(attemptOwn(success))) + r * 2 * 2 * wru(itemBytes(attemptOwn(failure))),
      ],
      ['response body items', (bodyOf(success) > 0 ? wru(bodyOf(success)) : 0) + r * 2 * wru(bodyOf(failure))],
      ['breaker compare-and-set (each attempt)', attempts],
      ['rate bucket compare-and-set (each attempt)', attempts * rate],
    ],
    reads: [
      ['endpoints of the tenant (intake, consistent)', rru(itemBytes(endpointItem(endpoint, 1)))],
      ['delivery (consistent)', attempts * rru(itemBytes(withLast(success)))],
      ['message (consistent)', attempts * rru(itemBytes(msg))],
      ['endpoint (each delivery)', attempts * rru(itemBytes(endpointItem(endpoint, 1)))],
      ['circuit, health and bucket (each attempt)', attempts * (2 + 1 + rate)],
    ],
    stored: [
      ['message (table + byTenant)', 2 * STORED(itemBytes(msg)), d.retentionDays],
      ['delivery with its last attempt (table + 2 indexes)', 3 * STORED(itemBytes(withLast(success))), d.retentionDays],
      ['attempt items (table + byEndpoint)', 2 * attempts * STORED(itemBytes(attemptOwn(success))), d.retentionDays],
      [
        'response bodies',
        (bodyOf(success) > 0 ? STORED(bodyOf(success)) : 0) + r * STORED(bodyOf(failure)),
        d.bodyRetentionDays,
      ],
    ],
    s3: { puts: 0, gets: 0, storedBytes: 0 },
    sqsRequests: 1 + attempts * (2 / d.fill) + r,
    workerInvocations: attempts / d.fill,
    workerSeconds: attempts * (d.workerBaseSeconds / d.fill + d.workerPerDeliverySeconds),
    apiExtraSeconds: 0,
    keysPerContainer: d.activeEndpoints,
  };
}
