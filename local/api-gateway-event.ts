/**
 * The HTTP API payload format 2.0 event the local API Gateway (api-gateway.ts) sends the verifier:
 * routing, header and body translation, kept faithful where the verifier can tell the difference
 * (see api-gateway.ts for the list).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TENANT_WEBHOOK_PATH } from '../lambdas/contract';
import { routeMatcher } from '../lambdas/core/kernel/routes';

/** API Gateway's payload limit. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export const WEBHOOK_ROUTE = 'POST /webhooks/{source}';
/** Tenant sources' path; it takes GET too (Meta's check), which the verifier answers 404 for other schemes. */
const matchTenantPath = routeMatcher([`POST ${TENANT_WEBHOOK_PATH}`]);
export const HEALTH_ROUTE = 'GET /health';

export interface VerifierResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** The verifier as API Gateway invokes it. */
export type VerifierInvoke = (event: APIGatewayProxyEventV2) => Promise<VerifierResult>;

export interface RawRequest {
  readonly method: string;
  /** Path and query exactly as sent (`/webhooks/stripe?x=1`). */
  readonly target: string;
  /** Node's `rawHeaders`: name, value, name, value… */
  readonly rawHeaders: readonly string[];
  readonly body: Uint8Array;
  readonly sourceIp: string;
  readonly protocol: string;
  /** Host and port the server listens on, for `domainName` when the request has no Host. */
  readonly localHost: string;
  readonly localPort: number;
  readonly timeEpoch?: number;
  readonly requestId?: string;
}

/**
 * Where a request goes: a route with its path parameters, or nowhere (404). As in the deployed API,
 * `GET /webhooks/<id>` exists only for the sources whose provider checks the URL with a GET (Meta).
 */
export function matchRoute(
  method: string,
  rawPath: string,
  getSources: ReadonlySet<string> = new Set(),
): { routeKey: string; pathParameters?: Record<string, string> } | undefined {
  if (method === 'GET' && rawPath === '/health') return { routeKey: HEALTH_ROUTE };
  if (method !== 'POST' && method !== 'GET') return undefined;
  const tenant = matchTenantPath('POST', rawPath)?.pathParameters;
  if (tenant) return { routeKey: `${method} ${TENANT_WEBHOOK_PATH}`, pathParameters: tenant };
  const m = /^\/webhooks\/([^/]+)$/.exec(rawPath);
  if (!m) return undefined;
  let source: string;
  try {
    source = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  if (method === 'GET')
    return getSources.has(source) ? { routeKey: `GET /webhooks/${source}`, pathParameters: { source } } : undefined;
  return { routeKey: WEBHOOK_ROUTE, pathParameters: { source } };
}

const TEXT_TYPES =
  /^(?:text\/[^;]+|application\/(?:json|[a-z0-9.+-]+\+json|x-www-form-urlencoded|xml|[a-z0-9.+-]+\+xml|javascript))$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether API Gateway would pass this body as text (else base64). */
export function isTextBody(contentType: string | undefined, body: Uint8Array): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!TEXT_TYPES.test(type)) return false;
  try {
    utf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

/** Builds the HTTP API payload 2.0 event for a request that matched a route. */
export function toApiGatewayEvent(
  request: RawRequest,
  route: { routeKey: string; pathParameters?: Record<string, string> },
): APIGatewayProxyEventV2 {
  const q = request.target.indexOf('?');
  const rawPath = q < 0 ? request.target : request.target.slice(0, q);
  const rawQueryString = q < 0 ? '' : request.target.slice(q + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  // Set by the gateway, whatever the client sent.
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-proto'] = request.protocol;
  headers['x-forwarded-port'] = String(request.localPort);
  const timeEpoch = request.timeEpoch ?? Date.now();
  headers['x-amzn-trace-id'] =
    `Root=1-${Math.floor(timeEpoch / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;

  const domainName = headers.host ?? `${request.localHost}:${request.localPort}`;
  const text = isTextBody(headers['content-type'], request.body);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(rawQueryString !== '' && { queryStringParameters: parseQuery(rawQueryString) }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!.split(':')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId ?? randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: formatClf(new Date(timeEpoch)),
      timeEpoch,
    },
    ...(route.pathParameters && { pathParameters: route.pathParameters }),
    isBase64Encoded: request.body.byteLength > 0 && !text,
    ...(request.body.byteLength > 0 && { body: Buffer.from(request.body).toString(text ? 'utf8' : 'base64') }),
  };
  return event;
}

/** Query parameters as API Gateway gives them: decoded, repeated names comma-joined. */
function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `23/Nov/2025:12:00:00 +0000`, the format of `requestContext.time`. */
function formatClf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
