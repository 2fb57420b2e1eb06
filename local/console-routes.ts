/**
 * The operator console on the local stack: its page at `/_local/console` (the portal's front end in console mode,
 * framed by no one) and the data it reads at `/_local/console/api/…` (console-data.ts). Like every `/_local/`
 * route, only loopback clients that are not a cross-site page reach them (admin-routes.ts); tenant data it reads
 * from `/v1`, as the CLI does.
 */
import { pageHeaders } from '../lambdas/core/portal/settings';
import type { WebAssets } from '../lambdas/core/portal/web-assets';
import type { LocalRoute } from './api-gateway';
import { consoleData, type ConsoleData, type ConsoleDataDeps } from './console-data';
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
  return { tally, route: consoleRoute(data, () => stack.outbound.portal.assets) };
}

export function consoleRoute(data: ConsoleData, assets: () => WebAssets | undefined) {
  return async (method: string, rawPath: string, query: URLSearchParams): Promise<Answer> => {
    if (!rawPath.startsWith('/_local/console')) return undefined;
    if (method !== 'GET') return undefined;
    if (rawPath === '/_local/console') {
      const page = assets()?.get('console.html');
      if (!page) return notFound('page: the front end was not built');
      return {
        status: 200,
        body: page.body,
        headers: { 'content-type': page.contentType, ...pageHeaders({ frameAncestors: ["'none'"] }) },
      };
    }
    const api = /^\/_local\/console\/api\/(.+)$/.exec(rawPath)?.[1];
    if (api === undefined) return undefined;
    let parts: string[];
    try {
      parts = api.split('/').map(decodeURIComponent);
    } catch {
      return { status: 400, body: { error: 'bad_request', message: 'The path is not valid percent-encoding' } };
    }
    const [what, a, b] = parts;
    if (what === 'overview' && parts.length === 1) return ok(data.overview());
    if (what === 'endpoints' && parts.length === 1) return ok({ endpoints: await data.endpoints() });
    if (what === 'events' && parts.length === 1) {
      const limit = Math.min(Math.max(Number(query.get('limit') ?? 100) || 100, 1), 1000);
      return ok({
        events: await data.events({
          ...(query.get('source') && { source: query.get('source')! }),
          ...(query.get('status') && { status: query.get('status')! }),
          limit,
        }),
      });
    }
    if (what === 'events' && parts.length === 3) {
      const event = await data.event(a!, b!);
      return event ? ok({ event }) : notFound('event');
    }
    if (what === 'dead-letters' && parts.length === 2) {
      const letters = data.deadLetters(a!);
      return letters ? ok({ queue: a, deadLetters: letters }) : notFound('queue');
    }
    return undefined;
  };
}

function ok(body: unknown): Answer {
  return { status: 200, body, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } };
}
