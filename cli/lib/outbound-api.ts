/**
 * The CLI's client for the outbound API (`/v1/…`): the running local stack by default, or `--url`. Errors the API
 * answers (4xx with `{error, message}`) become an `ApiError` the commands print as they are.
 */
import type { RecoveryResult, ReplayResult } from '../../lambdas/core/outbound/recovery';
import { UsageError } from '../command';
import { dataDirFrom, defaultBaseUrl } from './local-stack';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `--url`, else the running local stack on `--data-dir`, else http://127.0.0.1:$PORT. */
export function baseUrlFrom(values: { readonly url?: string | undefined; readonly 'data-dir'?: string | undefined }): string {
  return (values.url ?? defaultBaseUrl(dataDirFrom(values['data-dir']))).replace(/\/+$/, '');
}

export async function api<T>(baseUrl: string, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(options.body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
      ...(options.body !== undefined && { body: options.body }),
    });
  } catch (error) {
    throw new Error(`cannot reach ${baseUrl} (${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}): is \`npm start\` running?`, { cause: error });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const e = body as { error?: string; message?: string };
    throw new ApiError(response.status, e.error ?? 'error', `${response.status} ${e.error ?? ''}: ${e.message ?? text}`.trim());
  }
  return { status: response.status, body: body as T };
}

export const enc = encodeURIComponent;

/** Epoch ms as an ISO time, for tables. */
export function time(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** COMMON_OPTIONS as a usage text shows them. */
export const COMMON_OPTIONS_USAGE = `Options:
  --json          JSON output
  --url URL       the stack's API (default: the running \`npm start\`)
  --data-dir DIR  the local stack's data directory (default .local-data)`;

/** The window options of `endpoints recover` and `messages replay`. */
export const WINDOW_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  label: { type: 'string' },
} as const;

export const WINDOW_OPTIONS_USAGE = `  --since T, --until T  the window of creation times, [since, until): ISO 8601 with its zone
                        (2026-12-02T05:59:41Z) or epoch ms; until defaults to now
  --label L             run the same window again on purpose (a rerun without it resumes, queuing nothing twice)`;

/** The request body of a recovery: times as given (the API reads and checks them, and names what is wrong). */
function windowBody(values: { readonly since?: string | undefined; readonly until?: string | undefined; readonly label?: string | undefined }): Record<string, string> {
  if (values.since === undefined) throw new UsageError('--since is required');
  return { since: values.since, ...(values.until !== undefined && { until: values.until }), ...(values.label !== undefined && { label: values.label }) };
}

/** `POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover`. */
export async function recoverEndpoint(baseUrl: string, tenant: string, endpointId: string, values: Parameters<typeof windowBody>[0]): Promise<RecoveryResult> {
  const body = JSON.stringify(windowBody(values));
  return (await api<RecoveryResult>(baseUrl, 'POST', `/v1/tenants/${enc(tenant)}/endpoints/${enc(endpointId)}/recover`, { body })).body;
}

/** `POST /v1/tenants/{tenant}/messages/replay`. */
export async function replayMessages(
  baseUrl: string,
  tenant: string,
  values: Parameters<typeof windowBody>[0] & { readonly type?: string | undefined; readonly endpoint?: string | undefined },
): Promise<ReplayResult> {
  const body = JSON.stringify({ ...windowBody(values), ...(values.type !== undefined && { type: values.type }), ...(values.endpoint !== undefined && { endpoint: values.endpoint }) });
  return (await api<ReplayResult>(baseUrl, 'POST', `/v1/tenants/${enc(tenant)}/messages/replay`, { body })).body;
}
