import { routeMatcher } from '../core/kernel/routes';

/**
 * The tenant sources API's routes (`/v1/tenants/{tenant}/sources…`), one description for the handler, the local
 * API server and the CDK routes. Deployed, every route is authorized with IAM (SigV4), like the rest of `/v1`.
 */
export const SOURCE_ROUTES = [
  'POST /v1/tenants/{tenant}/sources',
  'GET /v1/tenants/{tenant}/sources',
  'GET /v1/tenants/{tenant}/sources/{source}',
  'PATCH /v1/tenants/{tenant}/sources/{source}',
  'DELETE /v1/tenants/{tenant}/sources/{source}',
  'POST /v1/tenants/{tenant}/sources/{source}/rotate-secret',
] as const;

export type SourceRouteKey = (typeof SOURCE_ROUTES)[number];

/** The route a request matches, with its decoded path parameters; undefined for 404. */
export const matchSourceRoute = routeMatcher(SOURCE_ROUTES);
