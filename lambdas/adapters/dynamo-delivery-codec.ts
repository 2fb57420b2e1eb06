/**
 * A delivery's items on the outbound table (decision 0027): the delivery item `DLV#<id>` / `DLV` holds its state,
 * the claim on its next attempt, and its attempt log (each attempt an attribute `a<number>`, without its response
 * body); an attempt pushed out by newer ones (more than `INLINE_ATTEMPTS`) becomes an item `ATT#<number>` beside
 * it, and a response body is an item `ATT#<number>#body` with its own, shorter TTL (DynamoDB TTL deletes whole
 * items). None of these attributes is projected into an index, so claiming and recording write only the item.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { OUTBOUND_TABLE } from '../contract';
import type { Attempt, DeliveryClaim, DeliveryStatus } from '../core/outbound/model';
import type { RecoverableDelivery } from '../core/outbound/recovery/recover';
import { keys, n, s, timeKey, ttlOf, type Item } from './dynamo-outbound-codec';

const { sortKey: SK, ttlAttribute: TTL } = OUTBOUND_TABLE;

/** Attempts kept in the delivery item; an older one moves to an item of its own (only long series pay for it). */
export const INLINE_ATTEMPTS = 10;
/** The attribute of attempt `number` in the delivery item. */
export const attemptAttribute = (number: number) => `a${number}`;
/** The claim's attributes, all removed together when it is released. */
export const CLAIM_ATTRIBUTES = ['claimToken', 'claimAttempt', 'claimedAt', 'claimUntil', 'claimProbe'] as const;
/** A response body longer than this is stored gzipped when that makes it smaller. */
const GZIP_FROM_BYTES = 512;

/** Sortable list key of a delivery: creation time, then the id. */
export const listKey = (d: Pick<RecoverableDelivery, 'createdAt' | 'deliveryId'>) => timeKey(d.createdAt, d.deliveryId);

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
  const claim = claimOf(item);
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
    ...(claim && { claim }),
    createdAt: n(item, 'createdAt') ?? 0,
    updatedAt: n(item, 'updatedAt') ?? 0,
  };
}

function claimOf(item: Item): DeliveryClaim | undefined {
  const token = s(item, 'claimToken');
  const attempt = n(item, 'claimAttempt');
  const at = n(item, 'claimedAt');
  const until = n(item, 'claimUntil');
  if (token === undefined || attempt === undefined || at === undefined || until === undefined) return undefined;
  return { token, attempt, at, until, ...(item.claimProbe?.BOOL === true && { probe: true as const }) };
}

/** The claim's attribute values for an update expression (`SET claimToken = :claimToken, …`). */
export function claimValues(c: DeliveryClaim): Item {
  return {
    ':claimToken': { S: c.token },
    ':claimAttempt': { N: String(c.attempt) },
    ':claimedAt': { N: String(c.at) },
    ':claimUntil': { N: String(c.until) },
    ...(c.probe && { ':claimProbe': { BOOL: true } }),
  };
}

// ---------------------------------------------------------------------------------------------
// Attempts

type Entry = Omit<
  Attempt,
  'tenantId' | 'deliveryId' | 'endpointId' | 'messageId' | 'responseBody' | 'responseBodyTruncated'
>;

/** An attempt as the delivery item keeps it: what the receiver answered, without ids (the item's) or body. */
export function attemptEntry(a: Attempt): string {
  const {
    tenantId: _t,
    deliveryId: _d,
    endpointId: _e,
    messageId: _m,
    responseBody: _b,
    responseBodyTruncated: _x,
    ...entry
  } = a;
  return JSON.stringify(entry satisfies Entry);
}

/** The attempts a delivery item holds, oldest first. */
export function inlineAttempts(item: Item): Attempt[] {
  const d = toDelivery(item);
  const ids = { tenantId: d.tenantId, deliveryId: d.deliveryId, endpointId: d.endpointId, messageId: d.messageId };
  return Object.keys(item)
    .filter((name) => /^a\d+$/.test(name))
    .map((name) => ({ ...ids, ...(JSON.parse(s(item, name) ?? '{}') as Entry) }))
    .sort((x, y) => x.number - y.number);
}

/** An attempt pushed out of its delivery item, as an item of its own (on no index). */
export function attemptItem(a: Attempt, expiresAt: number): Item {
  return {
    ...keys.attempt(a.deliveryId, a.number),
    kind: { S: 'attempt' },
    doc: { S: attemptEntry(a) },
    expiresAt: { N: String(expiresAt) },
    [TTL]: ttlOf(expiresAt),
  };
}

/** The attempt's response body as its own item (none when the receiver sent no body); gzipped when that shrinks it. */
export function attemptBodyItem(a: Attempt, expiresAt: number): Item | undefined {
  if (a.responseBody === undefined || a.responseBody === '') return undefined;
  const text = Buffer.from(a.responseBody, 'utf8');
  const zipped = text.length > GZIP_FROM_BYTES ? gzipSync(text) : undefined;
  return {
    ...keys.attemptBody(a.deliveryId, a.number),
    kind: { S: 'attemptBody' },
    ...(zipped !== undefined && zipped.length < text.length ? { gz: { B: zipped } } : { body: { S: a.responseBody } }),
    ...(a.responseBodyTruncated !== undefined && { truncated: { BOOL: a.responseBodyTruncated } }),
    expiresAt: { N: String(expiresAt) },
    [TTL]: ttlOf(expiresAt),
  };
}

/**
 * A delivery's attempts from its partition (the delivery item, pushed-out attempt items, body items), oldest first:
 * each body joined to its attempt, and whatever is past its keeping left out, since TTL deletes lazily. `attemptLive`
 * says whether an attempt made at a time is still kept (the attempts' retention; the delivery item's own TTL may be
 * later). Bodies carry their own expiry.
 */
export function mergeAttempts(items: readonly Item[], attemptLive: (at: number) => boolean, nowMs: number): Attempt[] {
  const head = items.find((i) => s(i, SK) === 'DLV');
  if (head === undefined) return [];
  const byNumber = new Map<number, Attempt>();
  const d = toDelivery(head);
  const ids = { tenantId: d.tenantId, deliveryId: d.deliveryId, endpointId: d.endpointId, messageId: d.messageId };
  const bodies = new Map<number, Pick<Attempt, 'responseBody' | 'responseBodyTruncated'>>();
  const live = (item: Item) => (n(item, 'expiresAt') ?? Infinity) > nowMs;
  for (const item of items) {
    const kind = s(item, 'kind');
    if (kind === 'attempt' && live(item)) {
      const entry = JSON.parse(s(item, 'doc') ?? '{}') as Entry;
      byNumber.set(entry.number, { ...ids, ...entry });
    } else if (kind === 'attemptBody' && live(item)) {
      const zipped = item.gz?.B;
      bodies.set(Number(/^ATT#(\d+)#body$/.exec(s(item, SK) ?? '')?.[1]), {
        responseBody: zipped === undefined ? (s(item, 'body') ?? '') : gunzipSync(zipped).toString('utf8'),
        ...(item.truncated?.BOOL !== undefined && { responseBodyTruncated: item.truncated.BOOL }),
      });
    }
  }
  // An item written before decision 0027 may hold its last attempt in `lastAttempt` (decision 0011's layout).
  const legacy = s(head, 'lastAttempt');
  if (legacy !== undefined) {
    const { responseBody: _b, responseBodyTruncated: _t, ...last } = JSON.parse(legacy) as Attempt;
    if (!byNumber.has(last.number)) byNumber.set(last.number, last);
  }
  for (const a of inlineAttempts(head)) byNumber.set(a.number, a);
  return [...byNumber.values()]
    .filter((a) => attemptLive(a.at))
    .map((a) => ({ ...a, ...bodies.get(a.number) }))
    .sort((a, b) => a.number - b.number);
}
