import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidSessionError } from '../../../lambdas/core/portal/errors';
import { MAX_SESSION_SECONDS, signSessionToken, verifySessionToken } from '../../../lambdas/core/portal/session-token';

const KEY = 'k'.repeat(48);
const OTHER_KEY = 'o'.repeat(48);
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const macOf = (key: string, input: string) => createHmac('sha256', key).update(input).digest('base64url');

function mint(overrides: { ttlSeconds?: number; scope?: 'read' | 'write'; tenantId?: string } = {}): string {
  return signSessionToken(KEY, { tenantId: 'acme', scope: 'write', ttlSeconds: 3600, ...overrides }, NOW, 'session-1');
}

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidSessionError) return error.reason;
    throw error;
  }
  return undefined;
}

/** A token with these claims and header, correctly MACed with `key`: only the part under test is wrong. */
function forge(header: unknown, claims: unknown, key = KEY): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${macOf(key, input)}`;
}

const validClaims = () => {
  const [, payload] = mint().split('.');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
};

describe('portal session tokens', () => {
  it('verify() returns the tenant, scope and expiry a token was signed with', () => {
    expect(verifySessionToken(KEY, mint({ scope: 'read' }), NOW + 1000)).toEqual({
      tenantId: 'acme',
      scope: 'read',
      issuedAt: Math.floor(NOW / 1000) * 1000,
      expiresAt: Math.floor(NOW / 1000) * 1000 + 3_600_000,
      id: 'session-1',
    });
  });

  it('a token is a standard HS256 JWT: header, claims and an HMAC-SHA256 over both', () => {
    const [header, payload, signature] = mint().split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toBe(macOf(KEY, `${header}.${payload}`));
  });

  it('refuses an expired token, and accepts it until its last second', () => {
    const token = mint({ ttlSeconds: 60 });
    const issued = Math.floor(NOW / 1000) * 1000;
    expect(refusal(() => verifySessionToken(KEY, token, issued + 59_999))).toBeUndefined();
    expect(refusal(() => verifySessionToken(KEY, token, issued + 60_000))).toBe('expired');
  });

  it('refuses a token signed with another key (the key was rotated)', () => {
    expect(refusal(() => verifySessionToken(OTHER_KEY, mint(), NOW))).toBe('bad_signature');
  });

  it('refuses a token whose claims were changed after signing (another tenant, a wider scope)', () => {
    const [header, , signature] = mint({ scope: 'read' }).split('.');
    const tampered = `${header}.${b64({ ...validClaims(), sub: 'globex', scope: 'write' })}.${signature}`;
    expect(refusal(() => verifySessionToken(KEY, tampered, NOW))).toBe('bad_signature');
  });

  it('refuses alg "none" with an empty signature, and with any signature', () => {
    const input = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(validClaims())}`;
    expect(refusal(() => verifySessionToken(KEY, `${input}.`, NOW))).toBe('malformed');
    expect(refusal(() => verifySessionToken(KEY, `${input}.${macOf(KEY, input)}`, NOW))).toBe('unsupported_header');
  });

  it.each([
    [{ alg: 'HS512', typ: 'JWT' }],
    [{ alg: 'RS256', typ: 'JWT' }],
    [{ alg: 'HS256' }],
    [{ alg: 'HS256', typ: 'JWT', kid: '../../key' }],
    [{ typ: 'JWT', alg: 'HS256' }],
  ])('refuses any other header, even correctly MACed: %j', (header) => {
    expect(refusal(() => verifySessionToken(KEY, forge(header, validClaims()), NOW))).toBe('unsupported_header');
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c=', 'a+b.c.d', `${' '}${mint()}`])('refuses malformed %j', (token) => {
    expect(refusal(() => verifySessionToken(KEY, token, NOW))).toBe('malformed');
  });

  it('refuses a truncated signature without comparing it', () => {
    expect(refusal(() => verifySessionToken(KEY, mint().slice(0, -4), NOW))).toBe('bad_signature');
  });

  it.each([
    ['another audience', { aud: 'api' }],
    ['another issuer', { iss: 'someone-else' }],
    ['an unknown scope', { scope: 'admin' }],
    ['an unknown claim', { admin: true }],
    ['a tenant id that is not an id', { sub: '../globex' }],
    ['issued in the future', { iat: Math.floor(NOW / 1000) + 120, exp: Math.floor(NOW / 1000) + 600 }],
    ['a lifetime over the maximum', { exp: Math.floor(NOW / 1000) + MAX_SESSION_SECONDS + 1 }],
  ])('refuses correctly MACed claims with %s', (_, change) => {
    const claims = { ...validClaims(), ...change };
    expect(refusal(() => verifySessionToken(KEY, forge({ alg: 'HS256', typ: 'JWT' }, claims), NOW))).toBe('bad_claims');
  });

  it('refuses to sign with a short key or for longer than the maximum session', () => {
    expect(() => signSessionToken('short', { tenantId: 'acme', scope: 'read', ttlSeconds: 60 }, NOW)).toThrow(
      RangeError,
    );
    expect(() => mint({ ttlSeconds: MAX_SESSION_SECONDS + 1 })).toThrow(RangeError);
  });

  it('an expired session is told apart from an invalid one (the portal says "ask for a new link")', () => {
    const expired = new InvalidSessionError('expired');
    const forged = new InvalidSessionError('bad_signature');
    expect([expired.statusCode, expired.code]).toEqual([401, 'session_expired']);
    expect([forged.statusCode, forged.code]).toEqual([401, 'invalid_session']);
    expect(forged.message).toBe(new InvalidSessionError('malformed').message);
  });
});
