/**
 * The verifier's AWS edge: API Gateway HTTP API (payload v2) event in, HTTP response out.
 * Translates the event into plain values and calls the core; no rule lives here.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { answerSubscription } from '../core/inbound/handshake';
import { ingest, type IngestDeps, type IncomingWebhook } from '../core/inbound/ingest';
import { jsonResponse, type HttpResponse } from '../core/kernel/http';
import type { PreparedSource } from '../core/inbound/sources';
import type { TenantSourceResolver } from '../core/inbound/tenant-sources/resolve';
import { httpErrorBoundary } from '../middleware/http-error-boundary';

export interface VerifierDeps extends IngestDeps {
  /** The config sources, by id (`/webhooks/{source}`). */
  readonly sources: ReadonlyMap<string, PreparedSource>;
  /** Tenant sources (`/webhooks/t/{tenant}/{source}/{token}`), when the stack has them. @default none: 404 */
  readonly tenantSources?: Pick<TenantSourceResolver, 'resolve'>;
}

const HEALTHY = jsonResponse(200, { status: 'ok' });
const EMPTY_OK: HttpResponse = { statusCode: 200, headers: {}, body: '' };

export function createVerifierHandler(deps: VerifierDeps) {
  // timeoutEarlyInMillis: 0 turns off middy's per-invocation timer; the function's own timeout suffices.
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(httpErrorBoundary({ log: deps.log }))
    .handler(async (event) => {
      const method = event.requestContext.http.method;
      if (method === 'GET' && event.rawPath === '/health') return HEALTHY;
      const source = await findSource(event.pathParameters ?? {}, deps);
      // Only sources whose provider checks the URL with a GET (Meta) have a GET route.
      if (method === 'GET') return answerSubscription(source, event.rawQueryString ?? '', deps.secrets);
      const outcome = await ingest(source, toWebhook(event), deps);
      if (outcome.status === 'handshake') return outcome.response;
      if (outcome.acknowledge === 'empty') return EMPTY_OK;
      return jsonResponse(outcome.status === 'accepted' ? 202 : 200, { status: outcome.status, id: outcome.id });
    });
}

/** The source a route's path parameters name: a config source by id, or a tenant source by tenant, id and token. */
function findSource(
  p: Readonly<Record<string, string | undefined>>,
  deps: Pick<VerifierDeps, 'sources' | 'tenantSources'>,
): Promise<PreparedSource | undefined> | PreparedSource | undefined {
  if (p.source === undefined) return undefined;
  if (p.tenant === undefined) return deps.sources.get(p.source);
  if (p.token === undefined || !deps.tenantSources) return undefined;
  return deps.tenantSources.resolve(p.tenant, p.source, p.token);
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
