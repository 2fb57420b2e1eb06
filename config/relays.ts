/**
 * Outbound relays: which verified inbound events the stack also delivers, signed, to a tenant's endpoints (the
 * verify-and-relay hop). Add endpoints for a tenant with `npm run cli -- endpoints add --tenant <tenant> …`.
 * Deployed with outbound delivery on, a relay function takes them from the events topic; the local stack relays
 * them in process.
 */
import { defineRelays } from '../lambdas/core/outbound/intake/relay';

export const relays = defineRelays([
  // Every Stripe event, once verified, goes to the endpoints of tenant "internal".
  { source: 'stripe', types: ['*'], tenant: 'internal' },
  // Every event of a tenant source (npm run cli -- sources add --tenant T …) goes to that tenant's own endpoints
  // (each endpoint's event filter then applies). Remove this rule to keep tenant sources' events in the stack.
  { tenantSources: true, types: ['*'] },
]);
