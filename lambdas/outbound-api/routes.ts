/**
 * The outbound API's routes (`/v1/…`), one description for the handler, the local API server and the CDK routes.
 * Deployed, every route is authorized with IAM (SigV4): these are for the operator's systems, not the internet.
 * Every route that reads or changes a tenant's records is under `/v1/tenants/{tenant}/`, so an IAM policy on
 * `…/v1/tenants/acme/*` confines a caller to tenant acme (docs/outbound-api.md); the two outside it
 * (`/v1/event-types`, `/v1/openapi.json`) answer the same to everyone. Each `{name}` is an id of that kind
 * (core/outbound/ids.ts). The tenant portal serves some of these at `/portal/api/…` (portal-access.ts).
 */
import { routeMatcher } from '../core/kernel/routes';

export const TENANT_PREFIX = '/v1/tenants/{tenant}/';

export const OUTBOUND_ROUTES = [
  'POST /v1/tenants/{tenant}/messages',
  'GET /v1/tenants/{tenant}/messages',
  'GET /v1/tenants/{tenant}/messages/{message}',
  'POST /v1/tenants/{tenant}/messages/replay',
  'POST /v1/tenants/{tenant}/endpoints',
  'GET /v1/tenants/{tenant}/endpoints',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}',
  'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}',
  'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover',
  'GET /v1/tenants/{tenant}/recoveries/{recovery}',
  'GET /v1/tenants/{tenant}/deliveries',
  'GET /v1/tenants/{tenant}/deliveries/{delivery}',
  'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/test',
  'POST /v1/tenants/{tenant}/portal-sessions',
  'GET /v1/event-types',
  'GET /v1/openapi.json',
] as const;

export type OutboundRouteKey = (typeof OUTBOUND_ROUTES)[number];

/** The routes outside the tenant prefix: they read no tenant's records and answer the same to every caller. */
export const TENANT_NEUTRAL_ROUTES: readonly OutboundRouteKey[] = ['GET /v1/event-types', 'GET /v1/openapi.json'];

/** The route a request matches, with its decoded path parameters; undefined for 404. */
export const matchOutboundRoute = routeMatcher(OUTBOUND_ROUTES);
