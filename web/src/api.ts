/**
 * The front end's one way to the server. In the portal, every call goes to `/portal/api/…` with the session token
 * in the `Authorization` header (never a cookie: a cross-site page cannot make the browser send it). The operator
 * console deployed (`/console`) does the same with its console session at `/console/api/…` (tenant calls at
 * `/console/api/tenants/<tenant>/…`); on the local stack's `/_local/console` it needs no session: its own calls go to
 * `/_local/console/api/…` and tenant calls to `/v1/tenants/<tenant>/…`.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Scope {
  /** `portal`: one tenant, through its session. `console`: the operator, any tenant. */
  readonly mode: 'portal' | 'console';
  /** The tenant the tenant views show. */
  readonly tenant: string;
  /** The session's scope: a read-only portal hides every change. */
  readonly readOnly: boolean;
}

/** Kept apart per page: a portal session is no console session, and the reverse. */
const tokenKey = (): string => `${document.body.dataset.mode ?? 'portal'}-session`;

/** The session token: taken from the link's fragment on first load (and removed from the address bar), then kept for this tab. */
export function takeToken(landing = '#/endpoints'): string | undefined {
  const match = /^#token=([A-Za-z0-9_.-]+)$/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(tokenKey(), match[1]!);
    history.replaceState(null, '', `${location.pathname}${location.search}${landing}`);
  }
  return sessionStorage.getItem(tokenKey()) ?? undefined;
}

export function forgetToken(): void {
  sessionStorage.removeItem(tokenKey());
}

let token: string | undefined;
let expired: ((error: ApiError) => void) | undefined;

export function useToken(value: string | undefined, onExpired: (error: ApiError) => void): void {
  token = value;
  expired = onExpired;
}

/** A request to `path` (absolute); JSON in, JSON out; a non-2xx answer throws `ApiError` with the server's message. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined && (path.startsWith('/portal/api/') || path.startsWith('/console/api/')))
    headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'omit',
    cache: 'no-store',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = {};
  }
  if (!response.ok) {
    const e = json as { error?: string; message?: string };
    const error = new ApiError(response.status, e.error ?? 'error', e.message ?? `HTTP ${response.status}`);
    if (response.status === 401) expired?.(error);
    throw error;
  }
  return json as T;
}

/** Whether this is the local stack's console (`/_local/console`: no session, loopback only). */
export const localConsole = (): boolean => location.pathname.startsWith('/_local/');

/** The console's own API: `/_local/console/api` on the local stack, `/console/api` (with a session) deployed. */
export const consoleApi = (): string => (localConsole() ? '/_local/console/api' : '/console/api');

/** The path of a tenant route (`endpoints/ep_1`) for this scope. */
export function tenantPath(scope: Scope, rest: string): string {
  if (scope.mode === 'portal') return `/portal/api/${rest}`;
  const tenant = encodeURIComponent(scope.tenant);
  return localConsole() ? `/v1/tenants/${tenant}/${rest}` : `${consoleApi()}/tenants/${tenant}/${rest}`;
}

/** The path of a route for every tenant alike (`event-types`). */
export function globalPath(scope: Scope, rest: string): string {
  if (scope.mode === 'portal') return `/portal/api/${rest}`;
  return localConsole() ? `/v1/${rest}` : `${consoleApi()}/${rest}`;
}

export const seg = encodeURIComponent;
