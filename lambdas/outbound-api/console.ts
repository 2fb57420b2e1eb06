/**
 * The operator console's edge, on the outbound API's function (console-access.ts has its routes): the IAM-signed
 * `POST /v1/console-sessions` that mints a session link, the page (`GET /console`, no data, framed by no one), and the
 * API, where each request is authorized by its console session alone (a portal session is refused: tokens name their
 * audience) and answered from the ConsoleData port, or by the `/v1` tenant route it maps to. The local stack serves
 * the same routes (and `/_local/console`, for loopback clients without a session: local/console-routes.ts).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ConsoleData } from '../core/console/ports';
import { BadRequestError } from '../core/kernel/errors';
import { jsonResponse, noStore, type HttpResponse } from '../core/kernel/http';
import type { Log } from '../core/kernel/log';
import type { Clock } from '../core/kernel/ports';
import { NotFoundError } from '../core/outbound/errors';
import { ReadOnlySessionError } from '../core/portal/errors';
import { authorizeConsole, createConsoleSession } from '../core/portal/sessions';
import { pageHeaders } from '../core/portal/settings';
import {
  CONSOLE_API_PREFIX,
  CONSOLE_PAGE_ROUTE,
  CONSOLE_SESSION_ROUTE,
  CONSOLE_TENANT_ROUTES,
  type ConsoleDataRoute,
} from './console-access';
import { pageUrl, type PortalDeps } from './portal';
import { optionalJson, toApiRequest, type ConsoleDeps } from './request';
import type { WebAsset } from '../core/portal/web-assets';

/** Whether API Gateway routed this request to the console (its session route, its page or its API). */
export function isConsoleRequest(routeKey: string): boolean {
  return (
    routeKey === CONSOLE_SESSION_ROUTE ||
    routeKey === CONSOLE_PAGE_ROUTE ||
    routeKey.split(' ')[1]?.startsWith(CONSOLE_API_PREFIX) === true
  );
}

/** Serves one console request; `outbound` answers the `/v1` route a console tenant route maps to. */
export async function consoleRequest(
  event: APIGatewayProxyEventV2,
  deps: { readonly console?: ConsoleDeps; readonly portal?: PortalDeps; readonly now: Clock; readonly log: Log },
  outbound: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const { console: operator, portal } = deps;
  // Sessions are signed with the portal's key: no portal, no console.
  if (!operator || !portal) throw new NotFoundError('route');
  const keys = { keys: portal.keys, now: deps.now };
  if (event.routeKey === CONSOLE_SESSION_ROUTE) {
    const url = operator.url ?? pageUrl(event.headers ?? {}, '/console');
    const view = await createConsoleSession(optionalJson(toApiRequest(event)), url, keys);
    deps.log.info('console session created', { scope: view.scope, expiresAt: view.expiresAt });
    return jsonResponse(201, view, { 'cache-control': 'no-store' });
  }
  if (event.routeKey === CONSOLE_PAGE_ROUTE) {
    const page = portal.assets?.get(CONSOLE_PAGE);
    if (!page) throw new NotFoundError('route');
    return consolePage(page);
  }
  const session = await authorizeConsole(event.headers?.authorization, keys);
  const method = event.routeKey.split(' ')[0];
  if (session.scope === 'read' && method !== 'GET') throw new ReadOnlySessionError('console');
  if (event.routeKey === 'GET /console/api/session')
    return noStore(jsonResponse(200, { scope: session.scope, expiresAt: new Date(session.expiresAt).toISOString() }));
  deps.log.info('console request', { session: session.id, route: event.routeKey });
  const target = CONSOLE_TENANT_ROUTES.get(event.routeKey);
  if (target) {
    const headers = { ...event.headers };
    delete headers.authorization;
    return noStore(await outbound({ ...event, routeKey: target, headers }));
  }
  return answerConsoleData(
    operator.data,
    event.routeKey as ConsoleDataRoute,
    event.pathParameters ?? {},
    event.queryStringParameters ?? {},
  );
}

/** The front end's file of the console page. */
export const CONSOLE_PAGE = 'console.html';

/** The console page (it holds no data), as every console serves it: framed by no page. */
export function consolePage(page: WebAsset): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': page.contentType, ...pageHeaders({ frameAncestors: ["'none'"] }) },
    body: page.body,
  };
}

export const MAX_EVENTS = 1000;

/** One console data route's answer, never cached (the local `/_local/console/api/…` routes answer through this too). */
export async function answerConsoleData(
  data: ConsoleData,
  route: ConsoleDataRoute,
  params: Readonly<Record<string, string | undefined>>,
  query: Readonly<Record<string, string | undefined>>,
): Promise<HttpResponse> {
  return noStore(await consoleData(data, route, params, query));
}

async function consoleData(
  data: ConsoleData,
  route: ConsoleDataRoute,
  params: Readonly<Record<string, string | undefined>>,
  query: Readonly<Record<string, string | undefined>>,
): Promise<HttpResponse> {
  switch (route) {
    case 'GET /console/api/overview':
      return jsonResponse(200, await data.overview());
    case 'GET /console/api/events': {
      const limit = Number(query.limit ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS)
        throw new BadRequestError(`limit must be 1-${MAX_EVENTS}.`);
      const events = await data.events({
        ...(query.source && { source: query.source }),
        ...(query.status && { status: query.status }),
        limit,
      });
      return jsonResponse(200, { events });
    }
    case 'GET /console/api/events/{source}/{event}': {
      const event = await data.event(params.source ?? '', params.event ?? '');
      if (!event) throw new NotFoundError('event');
      return jsonResponse(200, { event });
    }
    case 'GET /console/api/dead-letters/{queue}': {
      const deadLetters = await data.deadLetters(params.queue ?? '');
      if (!deadLetters) throw new NotFoundError('queue');
      return jsonResponse(200, { queue: params.queue, deadLetters });
    }
    case 'POST /console/api/queues/{queue}/redrive': {
      const result = await data.redrive(params.queue ?? '');
      if (!result) throw new NotFoundError('queue');
      return jsonResponse(result.status === 'running' ? 202 : 200, { queue: params.queue, ...result });
    }
    case 'GET /console/api/endpoints':
      return jsonResponse(200, await data.endpoints());
    default:
      throw new NotFoundError('route');
  }
}
