/**
 * Portal session tokens: a compact JWT (RFC 7519) signed with HMAC-SHA256 by node:crypto. The stack both mints
 * and checks them, so a shared key is enough (no asymmetric pair to manage); the key lives in Secrets Manager
 * deployed and in a key file locally, and only the current key verifies: rotating it revokes every session.
 *
 * Verification trusts nothing in the token before its MAC: the header must be exactly `{"alg":"HS256","typ":"JWT"}`
 * (so `alg: none`, RS/HS confusion and `jku`/`kid` tricks have nothing to act on), the MAC is compared in constant
 * time after a length check, then the claims are parsed strictly and the times checked against `now`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { InvalidSessionError } from './errors';

/** The only header a token may carry, byte for byte as encoded. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const ISSUER = 'webhook-stack';
/**
 * Who a token is for: a tenant's portal, or the operator console (sessions.ts). A token is accepted only by the
 * audience it names, so a portal link never opens the console and a console link never acts as a tenant's portal.
 */
export type SessionAudience = 'portal' | 'console';
/** Clock skew tolerated on `iat` (a token minted by a container whose clock runs slightly ahead). */
const SKEW_SECONDS = 60;
/** The longest session a token may describe, whatever its key says. */
export const MAX_SESSION_SECONDS = 24 * 3600;

export type SessionScope = 'read' | 'write';

/** What a valid token grants. */
export interface PortalSession {
  readonly tenantId: string;
  readonly scope: SessionScope;
  /** Epoch ms. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The token's id (`jti`): lets an operator tell sessions apart in logs without logging the token. */
  readonly id: string;
}

const claimsSchema = z.strictObject({
  iss: z.literal(ISSUER),
  aud: z.enum(['portal', 'console']),
  sub: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  scope: z.enum(['read', 'write']),
  iat: z.int(),
  exp: z.int(),
  jti: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
});

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Signs a session for `tenantId`, valid `ttlSeconds` from `nowMs`. */
export function signSessionToken(
  key: string,
  session: {
    readonly tenantId: string;
    readonly scope: SessionScope;
    readonly ttlSeconds: number;
    /** @default 'portal' */
    readonly audience?: SessionAudience;
  },
  nowMs: number,
  id: string = randomBytes(12).toString('base64url'),
): string {
  if (key.length < 32) throw new RangeError('the portal signing key must be at least 32 characters');
  if (!(session.ttlSeconds > 0 && session.ttlSeconds <= MAX_SESSION_SECONDS))
    throw new RangeError(`a session lasts 1 s to ${MAX_SESSION_SECONDS} s`);
  const iat = Math.floor(nowMs / 1000);
  const claims = {
    iss: ISSUER,
    aud: session.audience ?? 'portal',
    sub: session.tenantId,
    scope: session.scope,
    iat,
    exp: iat + session.ttlSeconds,
    jti: id,
  };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${mac(key, signingInput).toString('base64url')}`;
}

/**
 * The session a token grants; `InvalidSessionError` (401) when it is malformed, forged, for another audience, not yet
 * valid or expired.
 */
export function verifySessionToken(
  key: string,
  token: string,
  nowMs: number,
  audience: SessionAudience = 'portal',
): PortalSession {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new InvalidSessionError('malformed');
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) throw new InvalidSessionError('unsupported_header');
  const expected = mac(key, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new InvalidSessionError('bad_signature');
  let claims: z.output<typeof claimsSchema>;
  try {
    claims = claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidSessionError('bad_claims');
  }
  if (claims.aud !== audience) throw new InvalidSessionError('bad_claims');
  const now = nowMs / 1000;
  if (claims.iat > now + SKEW_SECONDS || claims.exp <= claims.iat || claims.exp - claims.iat > MAX_SESSION_SECONDS)
    throw new InvalidSessionError('bad_claims');
  if (claims.exp <= now) throw new InvalidSessionError('expired');
  return {
    tenantId: claims.sub,
    scope: claims.scope,
    issuedAt: claims.iat * 1000,
    expiresAt: claims.exp * 1000,
    id: claims.jti,
  };
}

function mac(key: string, input: string): Buffer {
  return createHmac('sha256', key).update(input).digest();
}
