/**
 * The operator console's routes on the outbound API's function (console.ts). Its page (`GET /console`, no data) and
 * its API (`/console/api/…`) are routed by API Gateway without IAM, like the portal's: each API request is
 * authorized by a console session (`Authorization: Bearer <token>`) minted by an IAM-signed
 * `POST /v1/console-sessions`. The API has the console's own reads and the redrive (answered from the ConsoleData
 * port), and every tenant route the portal serves, at `/console/api/tenants/{tenant}/…` with the tenant from the path
 * (the operator may look at any tenant), with a tenant's portal link besides.
 */
import { routeMatcher } from '../core/kernel/routes';
import { PORTAL_ACCESS } from './portal-access';
import { OUTBOUND_ROUTES, TENANT_PREFIX, type OutboundRouteKey } from './routes';

/** IAM-authorized: an operator's signed request mints a console session. */
export const CONSOLE_SESSION_ROUTE = 'POST /v1/console-sessions';

export const CONSOLE_PAGE_ROUTE = 'GET /console';

export const CONSOLE_API_PREFIX = '/console/api/';

/** The console's own data routes (core/console/ports.ts), the session's description first. */
export const CONSOLE_DATA_ROUTES = [
  'GET /console/api/session',
  'GET /console/api/overview',
  'GET /console/api/events',
  'GET /console/api/events/{source}/{event}',
  'GET /console/api/dead-letters/{queue}',
  'POST /console/api/queues/{queue}/redrive',
  'GET /console/api/endpoints',
] as const;

export type ConsoleDataRoute = (typeof CONSOLE_DATA_ROUTES)[number];

/** The console path of a tenant route: `GET /v1/tenants/{tenant}/endpoints` → `GET /console/api/tenants/{tenant}/endpoints`. */
export function consoleRouteKey(route: OutboundRouteKey): string {
  const [method, path] = route.split(' ') as [string, string];
  const rest = path.startsWith(TENANT_PREFIX)
    ? `tenants/{tenant}/${path.slice(TENANT_PREFIX.length)}`
    : path.slice('/v1/'.length);
  return `${method} ${CONSOLE_API_PREFIX}${rest}`;
}

/** The operator routes the console serves too: opening a tenant's portal from its pages. */
const CONSOLE_OPERATOR_ROUTES: readonly OutboundRouteKey[] = ['POST /v1/tenants/{tenant}/portal-sessions'];

/** Each console tenant route and the `/v1` route it serves: those a portal may call, and a portal link. */
export const CONSOLE_TENANT_ROUTES: ReadonlyMap<string, OutboundRouteKey> = new Map(
  OUTBOUND_ROUTES.filter((r) => PORTAL_ACCESS[r] === 'tenant' || CONSOLE_OPERATOR_ROUTES.includes(r)).map((r) => [
    consoleRouteKey(r),
    r,
  ]),
);

/** Every route of the console API (token-authorized). */
export const CONSOLE_API_ROUTES: readonly string[] = [...CONSOLE_DATA_ROUTES, ...CONSOLE_TENANT_ROUTES.keys()];

export const matchConsoleDataRoute = routeMatcher(CONSOLE_DATA_ROUTES);
