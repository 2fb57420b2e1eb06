/**
 * Outbound relays: which verified inbound events the stack also delivers, signed, to a tenant's endpoints (the
 * verify-and-relay hop). Add endpoints for a tenant with `npm run cli -- endpoints add --tenant <tenant> …`.
 * Deployed (with the `outbound` key in config/sources.ts), a relay queue subscribes to the events topic for these
 * sources (and, with a tenantSources rule, every tenant source) and the relay function (lambdas/outbound-relay/)
 * sends each match on; the local stack does the same with its own topic. See docs/outbound.md.
 */
import { defineRelays } from '../lambdas/core/outbound/intake/relay';

export const relays = defineRelays([
  // Every Stripe event, once verified, goes to the endpoints of tenant "internal".
  { source: 'stripe', types: ['*'], tenant: 'internal' },
  // Every event of a tenant source (npm run cli -- sources add --tenant T …) goes to that tenant's own endpoints
  // (each endpoint's event filter then applies). Remove this rule to keep tenant sources' events in the stack.
  { tenantSources: true, types: ['*'] },
]);
