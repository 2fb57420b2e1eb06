/**
 * The CLI's client for the outbound API (`/v1/…`): the running local stack by default, or `--url`. A URL that is
 * not loopback (a deployed stack, whose `/v1` routes are IAM-authorized) is signed with SigV4, as is any with
 * `--sigv4`. Errors the API answers (4xx with `{error, message}`) become an `ApiError` the commands print as they are.
 */
import type { RecoveryResult } from '../../lambdas/core/outbound/recovery/recover';
import type { ReplayResult } from '../../lambdas/core/outbound/recovery/replay';
import { UsageError } from '../command';
import { DATA_DIR_USAGE, dataDirFrom, defaultBaseUrl, DEFAULT_STACK_URL_USAGE } from './local-stack';
import { isoTime } from './output';
import { isLoopback, regionFor, signedHeaders } from './sigv4';

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

/** Where the commands send their requests, and how to sign them. */
export interface ApiTarget {
  readonly baseUrl: string;
  /** Sign every request with SigV4 even on a loopback URL. */
  readonly sigv4?: boolean | undefined;
  /** The API's region for SigV4 (else the execute-api host's, else AWS_REGION). */
  readonly region?: string | undefined;
}

/** `--url`, else the running local stack on `--data-dir`, else http://127.0.0.1:$PORT; with `--sigv4` and `--region`. */
export function baseUrlFrom(values: {
  readonly url?: string | undefined;
  readonly 'data-dir'?: string | undefined;
  readonly sigv4?: boolean | undefined;
  readonly region?: string | undefined;
}): ApiTarget {
  return {
    baseUrl: (values.url ?? defaultBaseUrl(dataDirFrom(values['data-dir']))).replace(/\/+$/, ''),
    sigv4: values.sigv4,
    region: values.region,
  };
}

export async function api<T>(
  target: ApiTarget,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const { baseUrl } = target;
  const url = new URL(`${baseUrl}${path}`);
  let headers: Record<string, string> = {
    ...(options.body !== undefined && { 'content-type': 'application/json' }),
    ...options.headers,
  };
  if (target.sigv4 || !isLoopback(url)) {
    const { host: _host, ...signed } = await signedHeaders(url, {
      method,
      headers,
      body: options.body,
      region: regionFor(url, target.region),
    });
    headers = signed; // fetch sends the same Host, from the URL
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, ...(options.body !== undefined && { body: options.body }) });
  } catch (error) {
    throw new Error(
      `cannot reach ${baseUrl} (${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}): is \`npm start\` running?`,
      { cause: error },
    );
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
    throw new ApiError(
      response.status,
      e.error ?? 'error',
      `${response.status} ${e.error ?? ''}: ${e.message ?? text}`.trim(),
    );
  }
  return { status: response.status, body: body as T };
}

/**
 * Sends a message through the local stack's intake queue (the route `/_local/outbound/intake`), as a producer on
 * AWS sends to the intake queue: attributes tenant, type and id, the payload as the body, byte for byte.
 */
export async function sendToLocalIntake(
  target: ApiTarget,
  message: { tenant: string; type: string; id?: string | undefined; payload: string },
): Promise<{ queue: string; messageId: string }> {
  if (!isLoopback(new URL(target.baseUrl))) {
    throw new UsageError(
      "--via-queue uses the local stack's intake queue; on AWS send to the OutboundIntakeQueueUrl output (aws sqs send-message with attributes tenant, type, id)",
    );
  }
  const query = new URLSearchParams({
    tenant: message.tenant,
    type: message.type,
    ...(message.id !== undefined && { id: message.id }),
  });
  return (
    await api<{ queue: string; messageId: string }>(target, 'POST', `/_local/outbound/intake?${query}`, {
      body: message.payload,
    })
  ).body;
}

export const enc = encodeURIComponent;

/** `/v1/tenants/{tenant}` with the tenant encoded: every outbound route is under it. */
export const tenantPath = (tenant: string) => `/v1/tenants/${enc(tenant)}`;

/** The API's largest page; a list the CLI reads to the end is read in pages of this. */
const PAGE = 1000;
/** With `--limit`, how far the CLI keeps counting to say `N of M shown`: beyond, it says `N of more than M`. */
export const COUNT_CAP = 10_000;

export interface ListRead<T> {
  /** Every item, or the first `limit`. */
  readonly items: readonly T[];
  /** How many the list holds, counted up to COUNT_CAP (`capped` when it stopped there). */
  readonly total: number;
  readonly capped: boolean;
}

/**
 * Reads a paged list route (`{[key]: items, cursor?}`) to its end, following the cursor, so piped output is
 * complete. With `limit`, keeps the first `limit` items and goes on counting (up to COUNT_CAP) for `N of M shown`.
 */
export async function readList<T>(
  target: ApiTarget,
  path: string,
  key: string,
  query: URLSearchParams,
  limit?: number,
): Promise<ListRead<T>> {
  const items: T[] = [];
  let total = 0;
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', String(limit !== undefined && items.length < limit ? Math.min(limit - items.length, PAGE) : PAGE));
    if (cursor !== undefined) q.set('cursor', cursor);
    const { body } = await api<Record<string, unknown> & { cursor?: string }>(target, 'GET', `${path}?${q}`);
    const page = (body[key] ?? []) as T[];
    total += page.length;
    items.push(...page.slice(0, limit === undefined ? page.length : Math.max(0, limit - items.length)));
    cursor = body.cursor;
  } while (cursor !== undefined && (limit === undefined || total < COUNT_CAP));
  return { items, total, capped: cursor !== undefined };
}

/** `N of M shown (--limit N)` for a list cut by --limit, or undefined when everything was shown. */
export function shownOf(read: ListRead<unknown>, what: string): string | undefined {
  if (read.items.length === read.total && !read.capped) return undefined;
  return `${read.items.length} of ${read.capped ? 'more than ' : ''}${read.total} ${what} shown (--limit; without it, all)`;
}

/** `--limit N`: a positive integer, or undefined. */
export function limitFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a whole number of 1 or more, not ${text}`);
  return n;
}

/** Epoch ms as the time the CLI prints (the same in `--json`), or `-`. */
export function time(ms: number | undefined): string {
  return ms === undefined ? '-' : isoTime(ms);
}

export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  'data-dir': { type: 'string' },
  sigv4: { type: 'boolean' },
  region: { type: 'string' },
} as const;

/** COMMON_OPTIONS as a usage text shows them. */
export const COMMON_OPTIONS_USAGE = `Options (every subcommand):
  --json          JSON output: the API's answer, with times as ISO 8601 UTC as in the text (default: text)
  --url URL       the stack's address (default: ${DEFAULT_STACK_URL_USAGE})
${DATA_DIR_USAGE}
  --sigv4         sign with SigV4; credentials from the AWS chain (default: only a URL that is not loopback)
  --region R      the API's region for SigV4 (default: from an execute-api URL, else AWS_REGION)`;

/** The window options of `endpoints recover` and `messages replay`. */
export const WINDOW_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  label: { type: 'string' },
} as const;

export const WINDOW_OPTIONS_USAGE = `  --since T, --until T  the window of creation times, [since, until): ISO 8601 with its zone
                        (2026-12-02T05:59:41Z) or epoch ms; --since is required, --until defaults to now
  --label L             run the same window again on purpose (a rerun without it resumes, queuing nothing
                        twice) (default: none)`;

/** The request body of a recovery: times as given (the API reads and checks them, and names what is wrong). */
function windowBody(values: {
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly label?: string | undefined;
}): Record<string, string> {
  if (values.since === undefined) throw new UsageError('--since is required');
  return {
    since: values.since,
    ...(values.until !== undefined && { until: values.until }),
    ...(values.label !== undefined && { label: values.label }),
  };
}

/** `POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover`. */
export async function recoverEndpoint(
  target: ApiTarget,
  tenant: string,
  endpointId: string,
  values: Parameters<typeof windowBody>[0],
): Promise<RecoveryResult> {
  const body = JSON.stringify(windowBody(values));
  return (
    await api<RecoveryResult>(target, 'POST', `/v1/tenants/${enc(tenant)}/endpoints/${enc(endpointId)}/recover`, {
      body,
    })
  ).body;
}

/** `POST /v1/tenants/{tenant}/messages/replay`. */
export async function replayMessages(
  target: ApiTarget,
  tenant: string,
  values: Parameters<typeof windowBody>[0] & {
    readonly type?: string | undefined;
    readonly endpoint?: string | undefined;
  },
): Promise<ReplayResult> {
  const body = JSON.stringify({
    ...windowBody(values),
    ...(values.type !== undefined && { type: values.type }),
    ...(values.endpoint !== undefined && { endpoint: values.endpoint }),
  });
  return (await api<ReplayResult>(target, 'POST', `/v1/tenants/${enc(tenant)}/messages/replay`, { body })).body;
}
