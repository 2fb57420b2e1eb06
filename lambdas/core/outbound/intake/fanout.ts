/**
 * Fan-out: a message becomes one delivery per endpoint of its tenant whose filter matches its type: `pending`
 * (due now) for an enabled endpoint, `skipped` (reason `endpoint_disabled`, never attempted, kept for
 * `endpoints recover`) for a disabled one. Delivery ids are derived from (tenant, message, endpoint), so running
 * the fan-out again (a retried request, a crashed invocation) finds the same ids and the store's conditional
 * create adds nothing twice.
 */
import { deliveryIdFor } from './delivery-id';
import { matchesFilter } from '../event-filter';
import type { Delivery, Endpoint, MessageRecord } from '../model';
import type { DeliveryStore, EndpointStore } from '../ports';

export { deliveryIdFor } from './delivery-id';

/** The pending deliveries `message` needs (enabled endpoints), due at once: pure, so it can be checked without a store. */
export function planDeliveries(message: MessageRecord, endpoints: readonly Endpoint[], nowMs: number): Delivery[] {
  return endpoints
    .filter((e) => e.tenantId === message.tenantId && e.enabled && matchesFilter(e.filterTypes, message.type))
    .map((e) => ({
      tenantId: message.tenantId,
      deliveryId: deliveryIdFor(message.tenantId, message.id, e.endpointId),
      messageId: message.id,
      type: message.type,
      endpointId: e.endpointId,
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: nowMs,
      createdAt: nowMs,
      updatedAt: nowMs,
    }));
}

export interface FanoutDeps {
  readonly endpoints: EndpointStore;
  readonly deliveries: Pick<DeliveryStore, 'createOrFind'>;
}

export interface FanoutResult {
  /** Every delivery the message needs, as stored now (created by this run or an earlier one). */
  readonly deliveries: readonly Delivery[];
  /** How many were created by this run. */
  readonly created: number;
}

/** Creates the message's deliveries, pending and skipped; safe to run any number of times. */
export async function fanout(message: MessageRecord, deps: FanoutDeps, nowMs: number): Promise<FanoutResult> {
  const endpoints = await deps.endpoints.listByTenant(message.tenantId);
  const planned = [...planDeliveries(message, endpoints, nowMs), ...planSkipped(message, endpoints, nowMs)];
  const stored = planned.length === 0 ? [] : await deps.deliveries.createOrFind(planned);
  return { deliveries: stored.map((s) => s.delivery), created: stored.filter((s) => s.created).length };
}

/**
 * The `skipped` deliveries to record for a message: one per DISABLED endpoint of its tenant whose filter
 * matches (enabled ones get `pending` deliveries from fanout.ts). Same deterministic ids as the fan-out, so
 * recording twice creates nothing twice, and recovering later turns the same record into a delivery.
 */
export function planSkipped(message: MessageRecord, endpoints: readonly Endpoint[], nowMs: number): Delivery[] {
  return endpoints
    .filter((e) => e.tenantId === message.tenantId && !e.enabled && matchesFilter(e.filterTypes, message.type))
    .map((e) => ({
      tenantId: message.tenantId,
      deliveryId: deliveryIdFor(message.tenantId, message.id, e.endpointId),
      messageId: message.id,
      type: message.type,
      endpointId: e.endpointId,
      status: 'skipped',
      attemptCount: 0,
      skipReason: 'endpoint_disabled',
      createdAt: nowMs,
      updatedAt: nowMs,
    }));
}
