/**
 * The verifier's AWS edge: API Gateway HTTP API (payload v2) event in, HTTP response out.
 * Translates the event into plain values and calls the core; no rule lives here.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ingest, type IngestDeps, type IncomingWebhook } from '../core/ingest';
import { jsonResponse, type HttpResponse } from '../core/http';
import type { PreparedSource } from '../core/sources';
import { httpErrorBoundary } from '../middleware/http-error-boundary';

export interface VerifierDeps extends IngestDeps {
  readonly sources: ReadonlyMap<string, PreparedSource>;
}

const HEALTHY = jsonResponse(200, { status: 'ok' });

export function createVerifierHandler(deps: VerifierDeps) {
  // timeoutEarlyInMillis: 0 turns off middy's per-invocation timer; the function's own timeout suffices.
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(httpErrorBoundary({ log: deps.log }))
    .handler(async (event) => {
      if (event.requestContext.http.method === 'GET' && event.rawPath === '/health') return HEALTHY;
      const sourceId = event.pathParameters?.source;
      const source = sourceId === undefined ? undefined : deps.sources.get(sourceId);
      const outcome = await ingest(source, toWebhook(event), deps);
      return jsonResponse(outcome.status === 'accepted' ? 202 : 200, outcome);
    });
}

/** API Gateway v2 event → raw request. Header names arrive lower-cased; the body may be base64. */
export function toWebhook(event: APIGatewayProxyEventV2): IncomingWebhook {
  const headers = event.headers ?? {};
  const raw = event.body ?? '';
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const host = headers.host ?? event.requestContext.domainName;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const sourceIp = event.requestContext.http.sourceIp;
  const url = `${proto}://${host}${event.rawPath}${query}`;
  if (event.isBase64Encoded) return { headers, body: Buffer.from(raw, 'base64'), sourceIp, url };
  // A text body is already decoded: keep it, so the core need not decode the bytes again.
  // (A string with lone surrogates could not have come from UTF-8 bytes; let the core decode those.)
  return { headers, body: Buffer.from(raw, 'utf8'), sourceIp, url, text: raw.isWellFormed() ? raw : undefined };
}
