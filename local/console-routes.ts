/**
 * The operator console on the local stack: its page at `/_local/console` (the portal's front end in console mode,
 * framed by no one) and the data it reads at `/_local/console/api/…` (console-data.ts). Like every `/_local/`
 * route, only loopback clients that are not a cross-site page reach them (admin-routes.ts); tenant data it reads
 * from `/v1`, as the CLI does.
 */
import type { WebAssets } from '../lambdas/core/portal/web-assets';
import type { LocalRoute } from './api-gateway';
import { consoleData, type ConsoleDataDeps } from './console-data';
import type { ConsoleData } from '../lambdas/core/console/ports';
import { silentLog } from '../lambdas/core/kernel/log';
import { toHttpResponse, type HttpResponse } from '../lambdas/core/kernel/http';
import { answerConsoleData, CONSOLE_PAGE, consolePage } from '../lambdas/outbound-api/console';
import { CONSOLE_API_PREFIX, matchConsoleDataRoute } from '../lambdas/outbound-api/console-access';
import type { EventStore } from '../lambdas/core/inbound/ports';
import { scanEvents, type EmbeddedDynamo } from './dynamo';
import { InboundTally } from './inbound-tally';

type Answer = Awaited<ReturnType<LocalRoute>>;

const notFound = (what: string): Answer => ({ status: 404, body: { error: 'not_found', message: `No such ${what}` } });

/** The console of a local stack: its routes, and the tally its request log feeds (each source's requests). */
export function localConsole(stack: {
  readonly sources: ConsoleDataDeps['sources'];
  readonly queues: ConsoleDataDeps['queues'];
  readonly store: Pick<EventStore, 'get'>;
  readonly dynamo: Pick<EmbeddedDynamo, 'client' | 'tableName'>;
  readonly outbound: { readonly tableName: string; readonly portal: { readonly assets?: WebAssets } };
}) {
  const tally = new InboundTally();
  const data = consoleData({
    sources: stack.sources,
    queues: stack.queues,
    tally,
    listEvents: () => scanEvents(stack.dynamo.client, stack.dynamo.tableName),
    getEvent: (source, eventId) => stack.store.get(source, eventId),
    dynamo: stack.dynamo.client,
    outboundTable: stack.outbound.tableName,
  });
  return { tally, data, route: consoleRoute(data, () => stack.outbound.portal.assets) };
}

export function consoleRoute(data: ConsoleData, assets: () => WebAssets | undefined) {
  return async (method: string, rawPath: string, query: URLSearchParams): Promise<Answer> => {
    if (!rawPath.startsWith('/_local/console')) return undefined;
    if (method === 'GET' && rawPath === '/_local/console') {
      const page = assets()?.get(CONSOLE_PAGE);
      return page ? toAnswer(consolePage(page)) : notFound('page: the front end was not built');
    }
    // The deployed console's data routes, at /_local/console/api/… and without a session (loopback clients only).
    const route = matchConsoleDataRoute(method, rawPath.replace(/^\/_local\/console\/api\//, CONSOLE_API_PREFIX));
    if (!route || !rawPath.startsWith('/_local/console/api/') || route.routeKey === 'GET /console/api/session')
      return undefined;
    try {
      return toAnswer(await answerConsoleData(data, route.routeKey, route.pathParameters, Object.fromEntries(query)));
    } catch (error) {
      return toAnswer(toHttpResponse(error, silentLog));
    }
  };
}

/** A function's response as the local API server sends it (its body as it is, with its content type). */
function toAnswer(response: HttpResponse): Answer {
  return { status: response.statusCode, body: response.body, headers: { ...response.headers } };
}
