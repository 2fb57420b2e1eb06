/**
 * The one place errors become HTTP responses. 4xx errors expose their code and message;
 * anything else becomes a generic 500 whose detail goes only to the log.
 */
import { WebhookError } from './errors';
import type { Log } from './log';

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** The response, never cached by a browser or a proxy (session-scoped data). */
export function noStore(response: HttpResponse): HttpResponse {
  return { ...response, headers: { ...response.headers, 'cache-control': 'no-store' } };
}

export function toHttpResponse(error: unknown, log: Log): HttpResponse {
  if (error instanceof WebhookError) {
    if (error.statusCode >= 500) {
      log.error('request failed', { error: error.code, cause: describe(error.cause) });
      return jsonResponse(error.statusCode, { error: error.code, message: error.message }, { ...error.headers });
    }
    log.info('request rejected', { error: error.code, status: error.statusCode });
    return jsonResponse(error.statusCode, { error: error.code, message: error.message }, { ...error.headers });
  }
  log.error('unexpected error', { cause: describe(error) });
  return jsonResponse(500, { error: 'internal_error', message: 'Something went wrong.' });
}

/** Error name and message only: never a payload, header or secret. */
export function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
