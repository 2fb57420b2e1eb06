/**
 * Fan-out: a message becomes one delivery per enabled endpoint of its tenant whose filter matches its type.
 * Delivery ids are derived from (tenant, message, endpoint), so running the fan-out again (a retried
 * request, a crashed invocation) finds the same ids and the store's conditional create adds nothing twice.
 */
import { createHash } from 'node:crypto';
import { matchesFilter } from './filter';
import type { Delivery, Endpoint, MessageRecord } from './model';
import type { DeliveryStore, EndpointStore } from './ports';

/** The delivery id of (tenant, message, endpoint): `dlv_` + 32 hex digits of a SHA-256. */
export function deliveryIdFor(tenantId: string, messageId: string, endpointId: string): string {
  // JSON.stringify of the array keeps the three parts apart: ('a.b', 'c') and ('a', 'b.c') differ.
  return `dlv_${createHash('sha256').update(JSON.stringify([tenantId, messageId, endpointId])).digest('hex').slice(0, 32)}`;
}

/** The deliveries `message` needs, due at once: pure, so it can be checked without a store. */
export function planDeliveries(message: MessageRecord, endpoints: readonly Endpoint[], nowMs: number): Delivery[] {
  return endpoints
    .filter((e) => e.tenantId === message.tenantId && e.enabled && matchesFilter(e.filterTypes, message.type))
    .map((e) => ({
      tenantId: message.tenantId,
      deliveryId: deliveryIdFor(message.tenantId, message.id, e.endpointId),
      messageId: message.id,
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
  readonly deliveries: DeliveryStore;
}

export interface FanoutResult {
  /** Every delivery the message needs (created now or by an earlier run). */
  readonly deliveries: readonly Delivery[];
  /** How many were created by this run. */
  readonly created: number;
}

/** Creates the message's deliveries; safe to run any number of times. */
export async function fanout(message: MessageRecord, deps: FanoutDeps, nowMs: number): Promise<FanoutResult> {
  const deliveries = planDeliveries(message, await deps.endpoints.listByTenant(message.tenantId), nowMs);
  const created = deliveries.length === 0 ? 0 : await deps.deliveries.createIfAbsent(deliveries);
  return { deliveries, created };
}
