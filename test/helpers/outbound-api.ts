/**
 * The outbound API as a test calls it: a request routed by the one route list (lambdas/outbound-api/routes.ts), as
 * the local API and API Gateway route it, handed to the handler; the answer's JSON back.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../../lambdas/core/kernel/http';
import { createOutboundApiHandler, type OutboundApiDeps } from '../../lambdas/outbound-api/create-handler';
import { matchOutboundRoute } from '../../lambdas/outbound-api/routes';
import { verifierContext } from '../../local/local-http';

export interface ApiAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on by shape
  readonly json: Record<string, any>;
}

type Handler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof verifierContext>) => Promise<unknown>;
type Matcher = (
  method: string,
  rawPath: string,
) => { readonly routeKey: string; readonly pathParameters: Record<string, string> } | undefined;

/**
 * A caller of `handler` for requests routed by `match` (one API's route list), as API Gateway routes them.
 * @example
 * const call = routedCaller(createSourcesApiHandler(deps), matchSourceRoute);
 * await call('GET', '/v1/tenants/acme/sources?limit=2');
 */
export function routedCaller(handler: Handler, match: Matcher) {
  return async (method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}) => {
    const url = new URL(pathAndQuery, 'http://api.local');
    const route = match(method, url.pathname);
    if (!route) return { status: 404, json: { error: 'not_found' } } satisfies ApiAnswer;
    const query = Object.fromEntries(url.searchParams);
    const event = {
      routeKey: route.routeKey,
      rawPath: url.pathname,
      pathParameters: route.pathParameters,
      ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
      headers,
      isBase64Encoded: false,
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    };
    const r = (await handler(event as unknown as APIGatewayProxyEventV2, verifierContext())) as HttpResponse;
    return { status: r.statusCode, json: JSON.parse(r.body) as ApiAnswer['json'] } satisfies ApiAnswer;
  };
}

/**
 * @example
 * const call = apiCaller(o.api);
 * await call('GET', '/v1/tenants/acme/deliveries?limit=10');
 */
export function apiCaller(deps: OutboundApiDeps) {
  return routedCaller(createOutboundApiHandler(deps), matchOutboundRoute);
}
