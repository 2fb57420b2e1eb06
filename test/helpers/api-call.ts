/**
 * One request to the outbound API function, as API Gateway would route it (a `/v1` route or a portal route): JSON
 * answers for tests that assert on their shape.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../../lambdas/core/kernel/http';
import type { createOutboundApiHandler } from '../../lambdas/outbound-api/create-handler';
import { matchFunctionRoute } from '../../lambdas/outbound-api/function-routes';
import { verifierContext } from '../../local/local-http';

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on by shape
  readonly json: any;
}

export async function callApi(
  handler: ReturnType<typeof createOutboundApiHandler>,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const [rawPath, query = ''] = path.split('?') as [string, string?];
  const route = matchFunctionRoute(method, rawPath);
  if (!route) return { status: 404, headers: {}, text: '', json: { error: 'not_found' } };
  const event = {
    routeKey: route.routeKey,
    rawPath,
    rawQueryString: query,
    pathParameters: route.pathParameters,
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
    headers: { host: 'api.test', 'x-forwarded-proto': 'https', ...options.headers },
    requestContext: { domainName: 'api.test' },
    isBase64Encoded: false,
    ...(options.body !== undefined && {
      body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    }),
  };
  const r = (await handler(event as unknown as APIGatewayProxyEventV2, verifierContext())) as HttpResponse;
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, headers: r.headers, text: r.body, json };
}
