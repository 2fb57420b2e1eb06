/**
 * The verifier's AWS edge: API Gateway HTTP API (payload v2) event in, HTTP response out.
 * Translates the event into plain values and calls the core; no rule lives here.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { answerSubscription } from '../core/inbound/handshake';
import { ingest, type IngestDeps, type IngestOutcome, type IncomingWebhook } from '../core/inbound/ingest';
import { jsonResponse, type HttpResponse } from '../core/kernel/http';
import { noMetrics, type Metrics } from '../core/kernel/metrics';
import { countAnswered, countRefused } from '../core/inbound/request-metrics';
import type { PreparedSource } from '../core/inbound/sources';
import { httpErrorBoundary } from '../middleware/http-error-boundary';

export interface VerifierDeps extends IngestDeps {
  readonly sources: ReadonlyMap<string, PreparedSource>;
  /** Counts each request's outcome (flushed at the end of every invocation). @default none */
  readonly metrics?: Metrics;
}

const HEALTHY = jsonResponse(200, { status: 'ok' });
const EMPTY_OK: HttpResponse = { statusCode: 200, headers: {}, body: '' };

export function createVerifierHandler(deps: VerifierDeps) {
  // timeoutEarlyInMillis: 0 turns off middy's per-invocation timer; the function's own timeout suffices.
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(
      httpErrorBoundary<APIGatewayProxyEventV2>({
        log: deps.log,
        // The source the path names, and API Gateway's request id, which its access log line also has.
        fields: (event) => ({ source: event.pathParameters?.source, requestId: event.requestContext.requestId }),
      }),
    )
    .handler(async (event) => {
      const method = event.requestContext.http.method;
      if (method === 'GET' && event.rawPath === '/health') return HEALTHY;
      const sourceId = event.pathParameters?.source;
      const source = sourceId === undefined ? undefined : deps.sources.get(sourceId);
      const metrics = deps.metrics ?? noMetrics;
      // API Gateway's request id, also in its access log line: the two lines join on it.
      metrics.note('requestId', event.requestContext.requestId);
      const started = deps.clock();
      try {
        const outcome: IngestOutcome =
          // Only sources whose provider checks the URL with a GET (Meta) have a GET route.
          method === 'GET'
            ? {
                status: 'handshake',
                response: await answerSubscription(source, event.rawQueryString ?? '', deps.secrets),
              }
            : await ingest(source, toWebhook(event), deps);
        countAnswered(metrics, source!.id, outcome, deps.clock() - started);
        if (outcome.status === 'handshake') return outcome.response;
        if (outcome.acknowledge === 'empty') return EMPTY_OK;
        return jsonResponse(outcome.status === 'accepted' ? 202 : 200, { status: outcome.status, id: outcome.id });
      } catch (error) {
        countRefused(metrics, source?.id, error);
        throw error;
      } finally {
        metrics.flush();
      }
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
