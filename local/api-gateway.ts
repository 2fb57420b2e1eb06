/**
 * The local API Gateway (HTTP API, payload format 2.0): an HTTP server that turns each request into
 * the event API Gateway would send the verifier, and the verifier's result back into a response.
 *
 * Kept faithful where the verifier can tell the difference:
 * - routes `POST /webhooks/{source}` and `GET /health`; anything else is a 404 that never reaches the
 *   function;
 * - header names lower-cased, repeated headers joined with commas (Node would drop repeated
 *   `content-type` or `user-agent`, so raw headers are used), cookies moved to `cookies`,
 *   `x-forwarded-for/-proto/-port` set by the gateway;
 * - `rawPath` and `rawQueryString` as sent; the path parameter URL-decoded;
 * - the body as a string, base64-encoded with `isBase64Encoded: true` unless it is valid UTF-8 with a
 *   textual content type (JSON, form, XML, text/*);
 * - a 10 MB payload cap, enforced while reading: a bigger request is answered 413 without being
 *   buffered.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { adminRequestRefusal, isLoopback } from './admin-routes';
import { API_GATEWAY_MAX_BODY_BYTES, matchRoute, toApiGatewayEvent, type VerifierInvoke } from './api-gateway-event';
import { matchFunctionRoute } from '../lambdas/outbound-api/function-routes';
import { matchSourceRoute } from '../lambdas/sources-api/routes';
import { PAYLOAD_LIMITS } from '../lambdas/contract';

export {
  API_GATEWAY_MAX_BODY_BYTES,
  HEALTH_ROUTE,
  isTextBody,
  matchRoute,
  toApiGatewayEvent,
  WEBHOOK_ROUTE,
} from './api-gateway-event';
export type { RawRequest, VerifierInvoke, VerifierResult } from './api-gateway-event';

export interface RequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The JSON `error` or `status` field of the response, when there is one. */
  readonly outcome?: string;
  readonly id?: string;
}

/**
 * A local-only answer (the `/_local/` routes: queue depths, DLQ redrive, the operator console); undefined means 404.
 * The body is sent as JSON, or as it is when `headers` gives a content type (the console's page).
 */
export type LocalRoute = (
  method: string,
  rawPath: string,
  body: Uint8Array,
  query: URLSearchParams,
) => Promise<
  { readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> } | undefined
>;

/** Paths under this prefix never reach the verifier: API Gateway has no such routes; only `npm start` does. */
export const LOCAL_ROUTE_PREFIX = '/_local/';

export interface ApiServerOptions {
  readonly invoke: VerifierInvoke;
  /** The outbound API function (`/v1/…` and `/portal…`, lambdas/outbound-api/function-routes.ts). @default none: 404 */
  readonly outbound?: VerifierInvoke;
  /** The tenant sources API (`/v1/tenants/{tenant}/sources…`, routes in lambdas/sources-api/routes.ts). @default none: 404 */
  readonly sources?: VerifierInvoke;
  /** Answers `/_local/…` requests from loopback clients (the CLI's `queues` command). */
  readonly local?: LocalRoute;
  readonly maxBodyBytes?: number;
  /** Sources that answer `GET /webhooks/<id>` (a provider's subscription check). @default none */
  readonly getSources?: ReadonlySet<string>;
  readonly onRequest?: (entry: RequestLog) => void;
  /** Called for an error outside the function (a bug in this server). */
  readonly onError?: (error: unknown) => void;
}

/** The local API: `listen` it on 127.0.0.1. */
export function createApiServer(options: ApiServerOptions): Server {
  const maxBody = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' }, { connection: 'close' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const target = req.url ?? '/';
    const rawPath = target.split('?')[0]!;
    const method = req.method ?? 'GET';
    const finish = (status: number, body: string) => {
      let outcome: string | undefined;
      let id: string | undefined;
      try {
        const parsed = JSON.parse(body) as { error?: unknown; status?: unknown; id?: unknown };
        outcome =
          typeof parsed.error === 'string'
            ? parsed.error
            : typeof parsed.status === 'string'
              ? parsed.status
              : undefined;
        id = typeof parsed.id === 'string' ? parsed.id : undefined;
      } catch {
        // not JSON: no outcome to report
      }
      // A webhook's 200 without a status: Slack's empty acknowledgement, or a handshake's answer.
      if (outcome === undefined && status === 200 && rawPath.startsWith('/webhooks/'))
        outcome = body === '' ? 'acknowledged' : 'handshake';
      options.onRequest?.({
        method,
        path: rawPath,
        status,
        durationMs: performance.now() - started,
        ...(outcome && { outcome }),
        ...(id && { id }),
      });
    };

    if (options.local && rawPath.startsWith(LOCAL_ROUTE_PREFIX) && isLoopback(req.socket.remoteAddress)) {
      const refusal = adminRequestRefusal(req.headers, req.socket.localPort);
      if (refusal) req.resume();
      // Only an admitted request's body is read, and no more of it than the API's limit.
      const payload = refusal ? new Uint8Array() : await readBody(req, maxBody);
      if (payload === undefined) {
        rejectTooLarge(req, res, maxBody, requestId);
        finish(413, '{"error":"payload_too_large"}');
        return;
      }
      const answer: Awaited<ReturnType<LocalRoute>> =
        refusal ?? (await options.local(method, rawPath, payload, new URL(target, 'http://local').searchParams));
      const raw = answer?.headers?.['content-type'] !== undefined && typeof answer.body === 'string';
      const body = raw
        ? (answer!.body as string)
        : JSON.stringify(answer?.body ?? { error: 'not_found', message: 'Not Found' });
      send(res, answer?.status ?? 404, body, { ...answer?.headers, 'apigw-requestid': requestId });
      finish(answer?.status ?? 404, raw ? '' : body);
      return;
    }

    const v1 = rawPath.startsWith('/v1/');
    // The outbound API function's routes: `/v1/…`, the tenant portal's page, assets and API, the operator console's.
    const page = (name: string) => rawPath === `/${name}` || rawPath.startsWith(`/${name}/`);
    const outboundRoute =
      options.outbound && (v1 || page('portal') || page('console')) ? matchFunctionRoute(method, rawPath) : undefined;
    const sourcesRoute = options.sources && v1 && !outboundRoute ? matchSourceRoute(method, rawPath) : undefined;
    const route = outboundRoute ?? sourcesRoute ?? matchRoute(method, rawPath, options.getSources);
    if (!route) {
      const body = JSON.stringify({ error: 'not_found', message: 'Not Found' });
      req.resume();
      send(res, 404, body, { 'apigw-requestid': requestId });
      finish(404, body);
      return;
    }

    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBody) {
      rejectTooLarge(req, res, maxBody, requestId);
      finish(413, '{"error":"payload_too_large"}');
      return;
    }
    const body = await readBody(req, maxBody);
    if (body === undefined) {
      rejectTooLarge(req, res, maxBody, requestId);
      finish(413, '{"error":"payload_too_large"}');
      return;
    }

    const socket = req.socket;
    const event = toApiGatewayEvent(
      {
        method,
        target,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: normalizeIp(socket.remoteAddress ?? '127.0.0.1'),
        protocol: 'encrypted' in socket && (socket as Socket & { encrypted?: boolean }).encrypted ? 'https' : 'http',
        localHost: socket.localAddress ?? '127.0.0.1',
        localPort: socket.localPort ?? 0,
        requestId,
      },
      route,
    );
    // Lambda refuses an invocation request over 6 MiB (the event JSON: the body escaped or base64, and headers).
    if (Buffer.byteLength(JSON.stringify(event)) > PAYLOAD_LIMITS.lambdaRequestBytes) {
      const tooLarge = JSON.stringify({ message: 'Request Entity Too Large' });
      send(res, 413, tooLarge, { 'apigw-requestid': requestId });
      finish(413, tooLarge);
      return;
    }
    const result = await (outboundRoute ? options.outbound! : sourcesRoute ? options.sources! : options.invoke)(event);
    const responseBody =
      result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    send(res, result.statusCode, responseBody, { ...result.headers, 'apigw-requestid': requestId });
    finish(result.statusCode, typeof responseBody === 'string' ? responseBody : '');
  }

  // Malformed HTTP (bad framing, duplicate Content-Length, oversized headers) never reaches a route.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify(
      tooLarge
        ? { error: 'request_header_fields_too_large', message: 'Request Header Fields Too Large' }
        : { error: 'bad_request', message: 'Bad Request' },
    );
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer | object,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const out: Record<string, string | number> = {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(payload),
  };
  res.writeHead(status, out);
  res.end(payload);
}

function rejectTooLarge(req: IncomingMessage, res: ServerResponse, limit: number, requestId: string): void {
  const body = JSON.stringify({
    error: 'payload_too_large',
    message: `The request body exceeds the ${limit}-byte API limit.`,
  });
  // Answer once the client has finished sending, discarding (not buffering) the rest: a client still writing when
  // the connection closes sees a reset (Node's fetch: EPIPE), not the 413. Past four limits' worth, give up.
  let discarded = 0;
  const answer = () => {
    if (!res.headersSent) send(res, 413, body, { connection: 'close', 'apigw-requestid': requestId });
  };
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > 4 * limit) {
      answer();
      req.destroy();
    }
  });
  req.once('end', answer);
  req.resume();
}

/** Reads the body, or returns undefined as soon as it exceeds `limit` (the rest is not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.off('data', onData);
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
    });
    req.once('error', (error) => {
      if (!done) reject(error);
    });
  });
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
