/**
 * Outbound relays: which verified inbound events the stack also delivers, signed, to a tenant's endpoints (the
 * verify-and-relay hop). Add endpoints for the tenant with `npm run cli -- endpoints add --tenant <tenant> …`.
 * Used by the local stack now; the deployed stack's relay function is still to build (see docs/outbound-design.md).
 */
import { defineRelays } from '../lambdas/core/outbound/intake/relay';

export const relays = defineRelays([
  // Every Stripe event, once verified, goes to the endpoints of tenant "internal".
  { source: 'stripe', types: ['*'], tenant: 'internal' },
]);
