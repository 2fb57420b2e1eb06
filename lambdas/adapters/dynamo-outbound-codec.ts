/**
 * Keys and item shapes of the outbound table (lambdas/contract.ts `OUTBOUND_TABLE`). Endpoints and attempts are
 * stored as one JSON document plus the few attributes conditions and indexes need; messages and deliveries as
 * plain attributes. Attribute names that are DynamoDB reserved words (`status`, `type`, `ttl`) are aliased by the
 * callers' expressions.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { Attempt, Delivery, DeliveryStatus, Endpoint, MessageRecord } from '../core/outbound/model';
import type { RecoverableDelivery } from '../core/outbound/recovery/recover';

export type Item = Record<string, AttributeValue>;
const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = OUTBOUND_TABLE;

export const keys = {
  endpoint: (tenantId: string, endpointId: string): Item => ({
    [PK]: { S: `TENANT#${tenantId}` },
    [SK]: { S: `EP#${endpointId}` },
  }),
  tenantEndpoints: (tenantId: string) => `TENANT#${tenantId}`,
  message: (tenantId: string, id: string): Item => ({ [PK]: { S: `MSG#${tenantId}#${id}` }, [SK]: { S: 'MSG' } }),
  delivery: (deliveryId: string): Item => ({ [PK]: { S: `DLV#${deliveryId}` }, [SK]: { S: 'DLV' } }),
  attempt: (deliveryId: string, number: number): Item => ({
    [PK]: { S: `DLV#${deliveryId}` },
    [SK]: { S: `ATT#${String(number).padStart(6, '0')}` },
  }),
  /** An attempt's response body, beside it with its own (shorter) TTL: DynamoDB TTL deletes whole items. */
  attemptBody: (deliveryId: string, number: number): Item => ({
    [PK]: { S: `DLV#${deliveryId}` },
    [SK]: { S: `ATT#${String(number).padStart(6, '0')}#body` },
  }),
  tenantKey: (tenantId: string) => `TENANT#${tenantId}`,
  /** The tenant index's partition of the tenant's messages. */
  tenantMessages: (tenantId: string) => `MSGS#${tenantId}`,
  /** The endpoint index's partitions: the endpoint's deliveries, and its attempts. */
  endpointDeliveries: (tenantId: string, endpointId: string) => `DLVS#${tenantId}#${endpointId}`,
  endpointAttempts: (tenantId: string, endpointId: string) => `ATTS#${tenantId}#${endpointId}`,
  /** The record of a recovery or replay run (runs.ts). */
  recoveryRun: (tenantId: string, recoveryId: string): Item => ({
    [PK]: { S: `RUN#${tenantId}#${recoveryId}` },
    [SK]: { S: 'RUN' },
  }),
};

const n = (item: Item, name: string) => (item[name]?.N === undefined ? undefined : Number(item[name].N));
const s = (item: Item, name: string) => item[name]?.S;
export const ttlOf = (epochMs: number): AttributeValue => ({ N: String(Math.ceil(epochMs / 1000)) });

// ---------------------------------------------------------------------------------------------
// Endpoints: the configuration as a document; what is changed in place (enabled) and the version apart.

type EndpointDoc = Omit<Endpoint, 'enabled' | 'disabledReason' | 'updatedAt'>;

export function endpointItem(e: Endpoint, version: number): Item {
  const { enabled, disabledReason, updatedAt, ...doc } = e;
  return {
    ...keys.endpoint(e.tenantId, e.endpointId),
    kind: { S: 'endpoint' },
    doc: { S: JSON.stringify(doc satisfies EndpointDoc) },
    enabled: { BOOL: enabled },
    ...(disabledReason !== undefined && { disabledReason: { S: disabledReason } }),
    updatedAt: { N: String(updatedAt) },
    version: { N: String(version) },
  };
}

export function toEndpoint(item: Item): { endpoint: Endpoint; version: number } {
  const doc = JSON.parse(s(item, 'doc') ?? '{}') as EndpointDoc;
  const disabledReason = s(item, 'disabledReason');
  return {
    endpoint: {
      ...doc,
      enabled: item.enabled?.BOOL ?? false,
      ...(disabledReason !== undefined && { disabledReason }),
      updatedAt: n(item, 'updatedAt') ?? doc.createdAt,
    },
    version: n(item, 'version') ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Messages

export function messageItem(m: MessageRecord): Item {
  return {
    ...keys.message(m.tenantId, m.id),
    kind: { S: 'message' },
    tenantId: { S: m.tenantId },
    id: { S: m.id },
    type: { S: m.type },
    payload: { S: m.payload },
    fingerprint: { S: m.fingerprint },
    createdAt: { N: String(m.createdAt) },
    expiresAt: { N: String(m.expiresAt) },
    tenantKey: { S: keys.tenantMessages(m.tenantId) },
    listKey: { S: timeKey(m.createdAt, m.id) },
    [TTL]: ttlOf(m.expiresAt),
  };
}

export function toMessage(item: Item): MessageRecord {
  const fannedOutAt = n(item, 'fannedOutAt');
  return {
    tenantId: s(item, 'tenantId') ?? '',
    id: s(item, 'id') ?? '',
    type: s(item, 'type') ?? '',
    payload: s(item, 'payload') ?? '',
    fingerprint: s(item, 'fingerprint') ?? '',
    createdAt: n(item, 'createdAt') ?? 0,
    expiresAt: n(item, 'expiresAt') ?? 0,
    ...(fannedOutAt !== undefined && { fannedOutAt }),
  };
}

// ---------------------------------------------------------------------------------------------
// Deliveries and attempts

/** Sortable index key: a time (epoch ms, zero-padded), then an id. Query a window with `BETWEEN timeKey(since) AND timeKey(until)`. */
export const timeKey = (ms: number, id = '') => `${String(ms).padStart(15, '0')}#${id}`;
/** Sortable list key of a delivery: creation time, then the id. */
export const listKey = (d: Pick<Delivery, 'createdAt' | 'deliveryId'>) => timeKey(d.createdAt, d.deliveryId);

export function deliveryItem(
  d: RecoverableDelivery,
  due: { sweepAt: number; dueShard: number } | undefined,
  expiresAt: number,
): Item {
  return {
    ...keys.delivery(d.deliveryId),
    kind: { S: 'delivery' },
    tenantId: { S: d.tenantId },
    deliveryId: { S: d.deliveryId },
    messageId: { S: d.messageId },
    ...(d.type !== undefined && { type: { S: d.type } }),
    endpointId: { S: d.endpointId },
    status: { S: d.status },
    attemptCount: { N: String(d.attemptCount) },
    ...(d.probes !== undefined && { probes: { N: String(d.probes) } }),
    ...(d.scheduleBase !== undefined && { scheduleBase: { N: String(d.scheduleBase) } }),
    // A string set: a requeue adds its recovery id with `ADD` and tests it with `contains` in one conditional write.
    ...(d.recoveryIds !== undefined && d.recoveryIds.length > 0 && { recoveryIds: { SS: [...d.recoveryIds] } }),
    ...(d.nextAttemptAt !== undefined && { nextAttemptAt: { N: String(d.nextAttemptAt) } }),
    ...(d.skipReason !== undefined && { skipReason: { S: d.skipReason } }),
    ...(d.exhaustedNotifiedAt !== undefined && { exhaustedNotifiedAt: { N: String(d.exhaustedNotifiedAt) } }),
    createdAt: { N: String(d.createdAt) },
    updatedAt: { N: String(d.updatedAt) },
    ...(due && { sweepAt: { N: String(due.sweepAt) }, dueShard: { N: String(due.dueShard) } }),
    tenantKey: { S: keys.tenantKey(d.tenantId) },
    endpointKey: { S: keys.endpointDeliveries(d.tenantId, d.endpointId) },
    listKey: { S: listKey(d) },
    expiresAt: { N: String(expiresAt) },
    [TTL]: ttlOf(expiresAt),
  };
}

export function toDelivery(item: Item): RecoverableDelivery {
  const nextAttemptAt = n(item, 'nextAttemptAt');
  const skipReason = s(item, 'skipReason');
  const exhaustedNotifiedAt = n(item, 'exhaustedNotifiedAt');
  const probes = n(item, 'probes');
  const scheduleBase = n(item, 'scheduleBase');
  const recoveryIds = item.recoveryIds?.SS;
  const type = s(item, 'type');
  return {
    tenantId: s(item, 'tenantId') ?? '',
    deliveryId: s(item, 'deliveryId') ?? '',
    messageId: s(item, 'messageId') ?? '',
    ...(type !== undefined && { type }),
    endpointId: s(item, 'endpointId') ?? '',
    status: (s(item, 'status') ?? 'pending') as DeliveryStatus,
    attemptCount: n(item, 'attemptCount') ?? 0,
    ...(probes !== undefined && { probes }),
    ...(scheduleBase !== undefined && { scheduleBase }),
    ...(recoveryIds !== undefined && { recoveryIds: [...recoveryIds].sort() }),
    ...(nextAttemptAt !== undefined && { nextAttemptAt }),
    ...(skipReason !== undefined && { skipReason }),
    ...(exhaustedNotifiedAt !== undefined && { exhaustedNotifiedAt }),
    createdAt: n(item, 'createdAt') ?? 0,
    updatedAt: n(item, 'updatedAt') ?? 0,
  };
}

/** When an attempt (its time, status, latency) and its response body stop being kept: `expiry()` of retention.ts. */
export interface AttemptExpiry {
  readonly attempt: number;
  readonly body: number;
}

/** The attempt's item, without its response body (that is `attemptBodyItem`), on the endpoint index by attempt time. */
export function attemptItem(a: Attempt, expires: AttemptExpiry): Item {
  const { responseBody: _body, responseBodyTruncated: _truncated, ...rest } = a;
  return {
    ...keys.attempt(a.deliveryId, a.number),
    kind: { S: 'attempt' },
    doc: { S: JSON.stringify(hasBody(a) ? rest : a) },
    endpointKey: { S: keys.endpointAttempts(a.tenantId, a.endpointId) },
    listKey: { S: timeKey(a.at, `${a.deliveryId}#${a.number}`) },
    expiresAt: { N: String(expires.attempt) },
    [TTL]: ttlOf(expires.attempt),
  };
}

/** The attempt's response body as its own item (none when the receiver sent no body); on no index. */
export function attemptBodyItem(a: Attempt, expires: AttemptExpiry): Item | undefined {
  if (!hasBody(a)) return undefined;
  return {
    ...keys.attemptBody(a.deliveryId, a.number),
    kind: { S: 'attemptBody' },
    body: { S: a.responseBody },
    ...(a.responseBodyTruncated !== undefined && { truncated: { BOOL: a.responseBodyTruncated } }),
    expiresAt: { N: String(expires.body) },
    [TTL]: ttlOf(expires.body),
  };
}

const hasBody = (a: Attempt): a is Attempt & { responseBody: string } =>
  a.responseBody !== undefined && a.responseBody !== '';

export function toAttempt(item: Item): Attempt {
  return JSON.parse(s(item, 'doc') ?? '{}') as Attempt;
}

/** The delivery's own copy of its last attempt (decision 0011), with when it and its body stop being kept. */
export function lastAttemptValues(a: Attempt, expires: AttemptExpiry): Item {
  return {
    ':last': { S: JSON.stringify(a) },
    ':lastExpires': { N: String(expires.attempt) },
    ':lastBodyExpires': { N: String(expires.body) },
  };
}
export const LAST_ATTEMPT_SET =
  'lastAttempt = :last, lastAttemptExpiresAt = :lastExpires, lastBodyExpiresAt = :lastBodyExpires';

/** The last attempt a delivery item holds, and its expiry (`fallback` for an item written before it was kept). */
export function lastAttemptOf(
  item: Item | undefined,
  fallback: (a: Attempt) => AttemptExpiry,
): { attempt: Attempt; expires: AttemptExpiry } | undefined {
  const text = item === undefined ? undefined : s(item, 'lastAttempt');
  if (text === undefined) return undefined;
  const attempt = JSON.parse(text) as Attempt;
  const known = { attempt: n(item!, 'lastAttemptExpiresAt'), body: n(item!, 'lastBodyExpiresAt') };
  return {
    attempt,
    expires:
      known.attempt !== undefined && known.body !== undefined
        ? { attempt: known.attempt, body: known.body }
        : fallback(attempt),
  };
}

/**
 * A delivery's attempts from its partition (the head item, attempt items, body items), oldest first: the head's
 * `lastAttempt` merged in (it may not have its own item yet), each body joined to its attempt, and whatever is
 * past its `expiresAt` left out, since TTL deletes lazily. An attempt item written before bodies were apart
 * keeps the body in its document; it is shown with the attempt's retention.
 */
export function mergeAttempts(
  items: readonly Item[],
  fallback: (a: Attempt) => AttemptExpiry,
  nowMs: number,
): Attempt[] {
  const live = (expiresAt: number | undefined) => expiresAt === undefined || expiresAt > nowMs;
  const byNumber = new Map<number, Attempt>();
  const bodies = new Map<number, Pick<Attempt, 'responseBody' | 'responseBodyTruncated'>>();
  for (const item of items) {
    const kind = s(item, 'kind');
    if (kind === 'attempt' && live(n(item, 'expiresAt'))) {
      const a = toAttempt(item);
      byNumber.set(a.number, a);
    } else if (kind === 'attemptBody' && live(n(item, 'expiresAt'))) {
      bodies.set(Number(/^ATT#(\d+)#body$/.exec(s(item, SK) ?? '')?.[1]), {
        responseBody: s(item, 'body') ?? '',
        ...(item.truncated?.BOOL !== undefined && { responseBodyTruncated: item.truncated.BOOL }),
      });
    }
  }
  const last = lastAttemptOf(
    items.find((i) => s(i, SK) === 'DLV'),
    fallback,
  );
  if (last && live(last.expires.attempt)) {
    const { responseBody, responseBodyTruncated, ...rest } = last.attempt;
    byNumber.set(
      last.attempt.number,
      live(last.expires.body) && responseBody !== undefined
        ? { ...rest, responseBody, ...(responseBodyTruncated !== undefined && { responseBodyTruncated }) }
        : rest,
    );
  } else if (last) byNumber.delete(last.attempt.number);
  return [...byNumber.values()]
    .map((a) => {
      const body = bodies.get(a.number);
      return body && a.responseBody === undefined ? { ...a, ...body } : a;
    })
    .sort((a, b) => a.number - b.number);
}
