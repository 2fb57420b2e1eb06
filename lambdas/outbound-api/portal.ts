/**
 * The tenant portal's edge, on the outbound API's function: its page and assets (`GET /portal`,
 * `GET /portal/assets/{file}`, unauthenticated: they hold no data) and its API (`/portal/api/…`, portal-access.ts),
 * where each request is authorized by its session token alone and then served by the `/v1` route it maps to, with
 * the tenant taken from the session. Deployed, API Gateway routes these paths without IAM; the token is the only key.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jsonResponse, noStore, type HttpResponse } from '../core/kernel/http';
import type { Log } from '../core/kernel/log';
import type { Clock } from '../core/kernel/ports';
import { NotFoundError } from '../core/outbound/errors';
import { ReadOnlySessionError } from '../core/portal/errors';
import { authorizePortal, type SigningKeySource } from '../core/portal/sessions';
import { pageHeaders, type PortalSettings } from '../core/portal/settings';
import type { WebAssets } from '../core/portal/web-assets';
import { PORTAL_API_PREFIX, PORTAL_ROUTES, PORTAL_SESSION_ROUTE } from './portal-access';

export interface PortalDeps {
  /** The key sessions are signed with. */
  readonly keys: SigningKeySource;
  readonly settings: PortalSettings;
  /** The front end's files; without them the pages answer 404 (the API still works). */
  readonly assets?: WebAssets;
  /** The portal page's URL in session links. @default `<x-forwarded-proto>://<host>/portal` of the request */
  readonly url?: string;
}

export const PORTAL_PAGE_ROUTES = ['GET /portal', 'GET /portal/assets/{file}'] as const;

/** Whether API Gateway routed this request to the portal (its page, its assets or its API). */
export function isPortalRequest(routeKey: string): boolean {
  return (
    (PORTAL_PAGE_ROUTES as readonly string[]).includes(routeKey) ||
    routeKey.split(' ')[1]?.startsWith(PORTAL_API_PREFIX) === true
  );
}

/** Serves one portal request; `outbound` answers the `/v1` route a portal API route maps to. */
export async function portalRequest(
  event: APIGatewayProxyEventV2,
  deps: { readonly portal?: PortalDeps; readonly now: Clock; readonly log: Log },
  outbound: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const { portal } = deps;
  if (!portal) throw new NotFoundError('route');
  if (event.routeKey === 'GET /portal') return asset(portal, 'index.html');
  if (event.routeKey === 'GET /portal/assets/{file}') return asset(portal, event.pathParameters?.file ?? '');
  const session = await authorizePortal(event.headers?.authorization, { keys: portal.keys, now: deps.now });
  if (event.routeKey === PORTAL_SESSION_ROUTE)
    return noStore(
      jsonResponse(200, {
        tenant: session.tenantId,
        scope: session.scope,
        expiresAt: new Date(session.expiresAt).toISOString(),
      }),
    );
  const target = PORTAL_ROUTES.get(event.routeKey);
  if (!target) throw new NotFoundError('route');
  if (session.scope === 'read' && !target.startsWith('GET ')) throw new ReadOnlySessionError();
  deps.log.info('portal request', { tenantId: session.tenantId, session: session.id, route: target });
  const headers = { ...event.headers };
  delete headers.authorization;
  return noStore(
    await outbound({
      ...event,
      routeKey: target,
      headers,
      // The tenant is the session's: a portal path has no tenant segment to set it.
      pathParameters: { ...event.pathParameters, tenant: session.tenantId },
    }),
  );
}

/** The portal page's address for session links: configured, else the one this request came to. */
export function portalPageUrl(headers: Readonly<Record<string, string | undefined>>, portal: PortalDeps): string {
  return portal.url ?? pageUrl(headers, '/portal');
}

/** The address of the stack's page at `path` on the host this request came to. */
export function pageUrl(headers: Readonly<Record<string, string | undefined>>, path: string): string {
  return `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host}${path}`;
}

function asset(portal: PortalDeps, name: string): HttpResponse {
  const found = portal.assets?.get(name);
  if (!found || name.startsWith('console')) throw new NotFoundError('route');
  const page = name.endsWith('.html');
  return {
    statusCode: 200,
    headers: {
      'content-type': found.contentType,
      ...pageHeaders(portal.settings),
      // Asset names carry their content's hash: cached for good; the page itself is never cached.
      ...(!page && { 'cache-control': 'public, max-age=31536000, immutable' }),
    },
    body: found.body,
  };
}
