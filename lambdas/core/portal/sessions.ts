/**
 * Portal sessions: the operator mints one for a tenant (`POST /v1/tenants/{tenant}/portal-sessions`, IAM-authorized)
 * and hands its URL to that tenant; the portal then authorizes each of its requests with the token alone
 * (`authorizePortal`). The token rides in the URL's fragment, which browsers never send to a server nor put in a
 * Referer, and the page moves it into a request header and out of the address bar as it loads.
 */
import * as z from 'zod/mini';
import { BadRequestError } from '../kernel/errors';
import { describeIssues } from '../kernel/issues';
import type { Clock } from '../kernel/ports';
import { InvalidSessionError } from './errors';
import {
  MAX_SESSION_SECONDS,
  signSessionToken,
  verifySessionToken,
  type PortalSession,
  type SessionAudience,
} from './session-token';

/** The key sessions are signed with (Secrets Manager deployed, a key file locally): only the current one verifies. */
export interface SigningKeySource {
  current(): Promise<string>;
}

export const DEFAULT_SESSION_SECONDS = 3600;

/** The shortest session either page mints. */
export const MIN_SESSION_SECONDS = 60;

/**
 * A console session acts for the operator on every tenant and queue, so it lasts a working session at most, where a
 * portal session may last a day.
 */
export const MAX_CONSOLE_SESSION_SECONDS = 3600;

/** The body that mints a session lasting up to `maxSeconds` (all optional: `{}` is a one-hour read-write session). */
function sessionInputSchema(maxSeconds: number) {
  return z.strictObject({
    /** How long the session lasts. */
    expiresInSeconds: z._default(
      z.int().check(z.minimum(MIN_SESSION_SECONDS), z.maximum(maxSeconds)),
      DEFAULT_SESSION_SECONDS,
    ),
    /** A read-only session sees everything and changes nothing. */
    readOnly: z._default(z.boolean(), false),
  });
}

/** The body of `POST /v1/tenants/{tenant}/portal-sessions`. */
export const portalSessionInputSchema = sessionInputSchema(MAX_SESSION_SECONDS);

export interface PortalSessionView {
  /** The portal, entered with this session: hand it to the tenant. */
  readonly url: string;
  /** The bare token, for a portal embedded by other means (`Authorization: Bearer …`). */
  readonly token: string;
  readonly tenant: string;
  readonly scope: PortalSession['scope'];
  /** ISO 8601. */
  readonly expiresAt: string;
}

export interface SessionDeps {
  readonly keys: SigningKeySource;
  readonly now: Clock;
}

/** The body of `POST /v1/console-sessions`. */
export const consoleSessionInputSchema = sessionInputSchema(MAX_CONSOLE_SESSION_SECONDS);

/** The subject of every console session: the operator, not a tenant. */
export const CONSOLE_SUBJECT = 'operator';

export type ConsoleSessionView = Omit<PortalSessionView, 'tenant'>;

/** A signed session for `tenantId`; `portalUrl` is the portal's page (`https://…/portal`). */
export async function createPortalSession(
  tenantId: string,
  input: unknown,
  portalUrl: string,
  deps: SessionDeps,
): Promise<PortalSessionView> {
  const session = await mint(tenantId, 'portal', portalSessionInputSchema, input, portalUrl, deps);
  return { ...session, tenant: tenantId };
}

/** A signed operator session for the console; `consoleUrl` is the console's page (`https://…/console`). */
export function createConsoleSession(
  input: unknown,
  consoleUrl: string,
  deps: SessionDeps,
): Promise<ConsoleSessionView> {
  return mint(CONSOLE_SUBJECT, 'console', consoleSessionInputSchema, input, consoleUrl, deps);
}

async function mint(
  subject: string,
  audience: SessionAudience,
  schema: ReturnType<typeof sessionInputSchema>,
  input: unknown,
  pageUrl: string,
  deps: SessionDeps,
): Promise<ConsoleSessionView> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new BadRequestError(describeIssues(parsed.error.issues));
  const scope = parsed.data.readOnly ? 'read' : 'write';
  const nowMs = deps.now();
  const token = signSessionToken(
    await deps.keys.current(),
    { tenantId: subject, scope, ttlSeconds: parsed.data.expiresInSeconds, audience },
    nowMs,
  );
  const expiresAt = (Math.floor(nowMs / 1000) + parsed.data.expiresInSeconds) * 1000;
  return { url: `${pageUrl}#token=${token}`, token, scope, expiresAt: new Date(expiresAt).toISOString() };
}

/** The session of a portal request's `Authorization: Bearer <token>` header; 401 without a valid one. */
export function authorizePortal(authorization: string | undefined, deps: SessionDeps): Promise<PortalSession> {
  return authorize(authorization, 'portal', deps);
}

/** The operator session of a console request's `Authorization: Bearer <token>` header (a portal token is refused). */
export function authorizeConsole(authorization: string | undefined, deps: SessionDeps): Promise<PortalSession> {
  return authorize(authorization, 'console', deps);
}

async function authorize(
  authorization: string | undefined,
  audience: SessionAudience,
  deps: SessionDeps,
): Promise<PortalSession> {
  const match = /^Bearer ([^\s]+)$/.exec(authorization ?? '');
  if (!match) throw new InvalidSessionError('missing', audience);
  try {
    return verifySessionToken(await deps.keys.current(), match[1]!, deps.now(), audience);
  } catch (error) {
    // The same refusal, worded for the page it came to.
    throw error instanceof InvalidSessionError ? new InvalidSessionError(error.reason, audience) : error;
  }
}
