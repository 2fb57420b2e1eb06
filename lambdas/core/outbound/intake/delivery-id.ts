/**
 * The id of the delivery of one message to one endpoint, derived from (tenant, message, endpoint): the fan-out
 * (pending deliveries) and `planSkipped` (skipped ones, health.ts) use the same ids, so running either again, or
 * both, creates nothing twice.
 */
import { createHash } from 'node:crypto';

/** The delivery id of (tenant, message, endpoint): `dlv_` + 32 hex digits of a SHA-256. */
export function deliveryIdFor(tenantId: string, messageId: string, endpointId: string): string {
  // JSON.stringify of the array keeps the three parts apart: ('a.b', 'c') and ('a', 'b.c') differ.
  return `dlv_${createHash('sha256')
    .update(JSON.stringify([tenantId, messageId, endpointId]))
    .digest('hex')
    .slice(0, 32)}`;
}
