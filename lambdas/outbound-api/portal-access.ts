/**
 * Which `/v1` routes a tenant's portal session may call, and at which path. Every route is classified here (the
 * record's type makes a new route a compile error until it is): `tenant` routes are served to the portal at
 * `/portal/api/…` (the `/v1/tenants/{tenant}/` or `/v1/` prefix replaced), with the tenant taken from the session,
 * never from the path, so no portal path can name another tenant; `operator` routes are not served to the portal.
 * A read-only session may call the `GET` routes only.
 */
import { routeMatcher } from '../core/kernel/routes';
import { OUTBOUND_ROUTES, type OutboundRouteKey } from './routes';

export const PORTAL_ACCESS: Readonly<Record<OutboundRouteKey, 'tenant' | 'operator'>> = {
  'POST /v1/tenants/{tenant}/messages': 'operator',
  'GET /v1/tenants/{tenant}/messages': 'tenant',
  'GET /v1/tenants/{tenant}/messages/{message}': 'tenant',
  'GET /v1/tenants/{tenant}/recoveries/{recovery}': 'tenant',
  'POST /v1/tenants/{tenant}/endpoints': 'tenant',
  'GET /v1/tenants/{tenant}/endpoints': 'tenant',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}': 'tenant',
  'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}': 'tenant',
  'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}': 'tenant',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret': 'tenant',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status': 'tenant',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover': 'tenant',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/test': 'tenant',
  'POST /v1/tenants/{tenant}/messages/replay': 'operator',
  'GET /v1/tenants/{tenant}/deliveries': 'tenant',
  'GET /v1/tenants/{tenant}/deliveries/{delivery}': 'tenant',
  'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry': 'tenant',
  'POST /v1/tenants/{tenant}/portal-sessions': 'operator',
  'GET /v1/event-types': 'tenant',
  'GET /v1/openapi.json': 'operator',
};

export const PORTAL_API_PREFIX = '/portal/api/';
const TENANT_PREFIX = '/v1/tenants/{tenant}/';

/** The portal's own route: the session it is using (tenant, scope, expiry). */
export const PORTAL_SESSION_ROUTE = 'GET /portal/api/session';

/** The portal path of a tenant route: `GET /v1/tenants/{tenant}/endpoints` → `GET /portal/api/endpoints`. */
export function portalRouteKey(route: OutboundRouteKey): string {
  const [method, path] = route.split(' ') as [string, string];
  const rest = path.startsWith(TENANT_PREFIX) ? path.slice(TENANT_PREFIX.length) : path.slice('/v1/'.length);
  return `${method} ${PORTAL_API_PREFIX}${rest}`;
}

/** Each portal route and the `/v1` route it serves. */
export const PORTAL_ROUTES: ReadonlyMap<string, OutboundRouteKey> = new Map(
  OUTBOUND_ROUTES.filter((r) => PORTAL_ACCESS[r] === 'tenant').map((r) => [portalRouteKey(r), r]),
);

/** Every route the portal API answers (API Gateway's routes for it, and the local server's). */
export const PORTAL_API_ROUTES: readonly string[] = [PORTAL_SESSION_ROUTE, ...PORTAL_ROUTES.keys()];

export const matchPortalRoute = routeMatcher(PORTAL_API_ROUTES);
