/**
 * Keys and item shapes of the outbound table (lambdas/contract.ts `OUTBOUND_TABLE`): endpoints and messages here,
 * deliveries and their attempts in dynamo-delivery-codec.ts. Endpoints are stored as one JSON document plus the few
 * attributes conditions and indexes need; messages as plain attributes. Attribute names that are DynamoDB reserved
 * words (`status`, `type`, `ttl`) are aliased by the callers' expressions.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { Endpoint, MessageRecord } from '../core/outbound/model';

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
  /** An attempt's response body, beside it with its own (shorter) TTL: DynamoDB TTL deletes whole items. An attempt
   * has an item of its own only once pushed out of the delivery's item (`INLINE_ATTEMPTS`). */
  attemptBody: (deliveryId: string, number: number): Item => ({
    [PK]: { S: `DLV#${deliveryId}` },
    [SK]: { S: `ATT#${String(number).padStart(6, '0')}#body` },
  }),
  tenantKey: (tenantId: string) => `TENANT#${tenantId}`,
  /** The tenant index's partition of the tenant's messages. */
  tenantMessages: (tenantId: string) => `MSGS#${tenantId}`,
  /** The endpoint index's partition of the endpoint's deliveries. */
  endpointDeliveries: (tenantId: string, endpointId: string) => `DLVS#${tenantId}#${endpointId}`,
  /** The record of a recovery or replay run (core/outbound/recovery/runs.ts). */
  recoveryRun: (tenantId: string, recoveryId: string): Item => ({
    [PK]: { S: `RUN#${tenantId}#${recoveryId}` },
    [SK]: { S: 'RUN' },
  }),
};

export const n = (item: Item, name: string) => (item[name]?.N === undefined ? undefined : Number(item[name].N));
export const s = (item: Item, name: string) => item[name]?.S;
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

/** The message item; with `payloadRef`, its payload is stored apart (payload-store.ts) and the item keeps the key. */
export function messageItem(m: MessageRecord, payloadRef?: string): Item {
  return {
    ...keys.message(m.tenantId, m.id),
    kind: { S: 'message' },
    tenantId: { S: m.tenantId },
    id: { S: m.id },
    type: { S: m.type },
    ...(payloadRef === undefined ? { payload: { S: m.payload } } : { payloadRef: { S: payloadRef } }),
    fingerprint: { S: m.fingerprint },
    createdAt: { N: String(m.createdAt) },
    expiresAt: { N: String(m.expiresAt) },
    tenantKey: { S: keys.tenantMessages(m.tenantId) },
    listKey: { S: timeKey(m.createdAt, m.id) },
    [TTL]: ttlOf(m.expiresAt),
  };
}

/** The message of an item; a payload stored apart is '' here (its key is `payloadRef`: the store reads it). */
export function toMessage(item: Item): MessageRecord {
  return {
    tenantId: s(item, 'tenantId') ?? '',
    id: s(item, 'id') ?? '',
    type: s(item, 'type') ?? '',
    payload: s(item, 'payload') ?? '',
    fingerprint: s(item, 'fingerprint') ?? '',
    createdAt: n(item, 'createdAt') ?? 0,
    expiresAt: n(item, 'expiresAt') ?? 0,
  };
}

/** Sortable index key: a time (epoch ms, zero-padded), then an id. Query a window with `BETWEEN timeKey(since) AND timeKey(until)`. */
export const timeKey = (ms: number, id = '') => `${String(ms).padStart(15, '0')}#${id}`;
