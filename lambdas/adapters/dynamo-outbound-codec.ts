/**
 * Keys and item shapes of the outbound table (lambdas/contract.ts `OUTBOUND_TABLE`). Endpoints and attempts are
 * stored as one JSON document plus the few attributes conditions and indexes need; messages and deliveries as
 * plain attributes. Attribute names that are DynamoDB reserved words (`status`, `type`, `ttl`) are aliased by the
 * callers' expressions.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { Attempt, Delivery, DeliveryStatus, Endpoint, MessageRecord } from '../core/outbound/model';
import type { RecoverableDelivery } from '../core/outbound/recovery';

export type Item = Record<string, AttributeValue>;
const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = OUTBOUND_TABLE;

export const keys = {
  endpoint: (tenantId: string, endpointId: string): Item => ({ [PK]: { S: `TENANT#${tenantId}` }, [SK]: { S: `EP#${endpointId}` } }),
  tenantEndpoints: (tenantId: string) => `TENANT#${tenantId}`,
  message: (tenantId: string, id: string): Item => ({ [PK]: { S: `MSG#${tenantId}#${id}` }, [SK]: { S: 'MSG' } }),
  delivery: (deliveryId: string): Item => ({ [PK]: { S: `DLV#${deliveryId}` }, [SK]: { S: 'DLV' } }),
  attempt: (deliveryId: string, number: number): Item => ({ [PK]: { S: `DLV#${deliveryId}` }, [SK]: { S: `ATT#${String(number).padStart(6, '0')}` } }),
  tenantKey: (tenantId: string) => `TENANT#${tenantId}`,
  /** The tenant index's partition of the tenant's messages. */
  tenantMessages: (tenantId: string) => `MSGS#${tenantId}`,
  /** The endpoint index's partitions: the endpoint's deliveries, and its attempts. */
  endpointDeliveries: (tenantId: string, endpointId: string) => `DLVS#${tenantId}#${endpointId}`,
  endpointAttempts: (tenantId: string, endpointId: string) => `ATTS#${tenantId}#${endpointId}`,
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
    endpoint: { ...doc, enabled: item.enabled?.BOOL ?? false, ...(disabledReason !== undefined && { disabledReason }), updatedAt: n(item, 'updatedAt') ?? doc.createdAt },
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

export function deliveryItem(d: RecoverableDelivery, due: { sweepAt: number; dueShard: number } | undefined, expiresAt: number): Item {
  return {
    ...keys.delivery(d.deliveryId),
    kind: { S: 'delivery' },
    tenantId: { S: d.tenantId },
    deliveryId: { S: d.deliveryId },
    messageId: { S: d.messageId },
    endpointId: { S: d.endpointId },
    status: { S: d.status },
    attemptCount: { N: String(d.attemptCount) },
    ...(d.probes !== undefined && { probes: { N: String(d.probes) } }),
    ...(d.scheduleBase !== undefined && { scheduleBase: { N: String(d.scheduleBase) } }),
    // A string set: a requeue adds its recovery id with `ADD` and tests it with `contains` in one conditional write.
    ...(d.recoveryIds !== undefined && d.recoveryIds.length > 0 && { recoveryIds: { SS: [...d.recoveryIds] } }),
    ...(d.nextAttemptAt !== undefined && { nextAttemptAt: { N: String(d.nextAttemptAt) } }),
    ...(d.skipReason !== undefined && { skipReason: { S: d.skipReason } }),
    createdAt: { N: String(d.createdAt) },
    updatedAt: { N: String(d.updatedAt) },
    ...(due && { sweepAt: { N: String(due.sweepAt) }, dueShard: { N: String(due.dueShard) } }),
    tenantKey: { S: keys.tenantKey(d.tenantId) },
    endpointKey: { S: keys.endpointDeliveries(d.tenantId, d.endpointId) },
    listKey: { S: listKey(d) },
    [TTL]: ttlOf(expiresAt),
  };
}

export function toDelivery(item: Item): RecoverableDelivery {
  const nextAttemptAt = n(item, 'nextAttemptAt');
  const skipReason = s(item, 'skipReason');
  const probes = n(item, 'probes');
  const scheduleBase = n(item, 'scheduleBase');
  const recoveryIds = item.recoveryIds?.SS;
  return {
    tenantId: s(item, 'tenantId') ?? '',
    deliveryId: s(item, 'deliveryId') ?? '',
    messageId: s(item, 'messageId') ?? '',
    endpointId: s(item, 'endpointId') ?? '',
    status: (s(item, 'status') ?? 'pending') as DeliveryStatus,
    attemptCount: n(item, 'attemptCount') ?? 0,
    ...(probes !== undefined && { probes }),
    ...(scheduleBase !== undefined && { scheduleBase }),
    ...(recoveryIds !== undefined && { recoveryIds: [...recoveryIds].sort() }),
    ...(nextAttemptAt !== undefined && { nextAttemptAt }),
    ...(skipReason !== undefined && { skipReason }),
    createdAt: n(item, 'createdAt') ?? 0,
    updatedAt: n(item, 'updatedAt') ?? 0,
  };
}

export function attemptItem(a: Attempt, expiresAt: AttributeValue | undefined): Item {
  return {
    ...keys.attempt(a.deliveryId, a.number),
    kind: { S: 'attempt' },
    doc: { S: JSON.stringify(a) },
    endpointKey: { S: keys.endpointAttempts(a.tenantId, a.endpointId) },
    listKey: { S: timeKey(a.at, `${a.deliveryId}#${a.number}`) },
    ...(expiresAt && { [TTL]: expiresAt }),
  };
}

export function toAttempt(item: Item): Attempt {
  return JSON.parse(s(item, 'doc') ?? '{}') as Attempt;
}
