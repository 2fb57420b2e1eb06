/**
 * Signing outbound requests, and the endpoint secrets they are signed with.
 *
 * - Secrets are generated here (`whsec_` + base64 of 32 random bytes from node:crypto randomBytes),
 *   shown to the tenant once, then stored only as ciphertext (`SecretCipher`, KMS in AWS).
 * - Rotation keeps the replaced secret for a grace period (24 h by default). While it lasts, every
 *   request carries a signature with each secret, so a receiver verifies with whichever it has.
 * - The signature formats themselves are not written here: each is the inbound scheme registry's
 *   `sign()` (lambdas/core/signatures), the same code the verifier checks against:
 *   - `standard-webhooks` (default): `webhook-id` (the message id, the same on every retry),
 *     `webhook-timestamp`, `webhook-signature: v1,<base64>`; several signatures are space-separated,
 *     as the Standard Webhooks spec defines;
 *   - `wss`: the generic `hmac` scheme configured as `X-WSS-Signature` = hex HMAC-SHA256 over
 *     `X-WSS-Timestamp` followed by the raw body (the configuration hmac.ts documents);
 *   - any other inbound scheme (github, stripe, hmac, ...): its own headers. Several signatures in
 *     one header are comma-joined, which is how HTTP joins a repeated header (RFC 9110 §5.3).
 * - Nothing here logs; callers must never log the headers returned.
 */
import { randomBytes } from 'node:crypto';
import { hmacOptionsSchema, schemes, type HmacOptions } from '../signatures/index';
import type { SigningConfig, StoredSecrets } from './model';
import type { SecretCipher, SecretContext } from './ports';

export const SECRET_PREFIX = 'whsec_';
/** The Standard Webhooks spec asks for 24 to 64 bytes; 32 is what its reference libraries generate. */
export const SECRET_BYTES = 32;
export const DEFAULT_ROTATION_GRACE_MS = 24 * 3600 * 1000;

// ---------------------------------------------------------------------------------------------
// Secrets

/** An endpoint's secrets in plaintext: only ever in memory, between the cipher and a signature. */
export interface EndpointSecrets {
  readonly current: string;
  readonly previous?: { readonly secret: string; readonly expiresAt: number };
}

/**
 * A new signing secret: `whsec_` + base64 of 32 random bytes.
 *
 * @example generateSecret() // 'whsec_p7Q…' (50 characters)
 */
export function generateSecret(random: (bytes: number) => Buffer = randomBytes): string {
  const key = random(SECRET_BYTES);
  if (key.length !== SECRET_BYTES) throw new TypeError(`the random source returned ${key.length} bytes, not ${SECRET_BYTES}`);
  return SECRET_PREFIX + key.toString('base64');
}

/**
 * Replaces the current secret with a new one; the old one stays valid for `graceMs`. A secret still
 * in an earlier grace period is dropped: at most two secrets sign at any time.
 * Returns the new secret so the caller can show it once.
 */
export function rotateSecrets(
  secrets: EndpointSecrets,
  nowMs: number,
  options: { readonly graceMs?: number; readonly random?: (bytes: number) => Buffer } = {},
): { readonly secrets: EndpointSecrets; readonly newSecret: string } {
  const graceMs = options.graceMs ?? DEFAULT_ROTATION_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError('graceMs must be a non-negative number of milliseconds');
  const newSecret = generateSecret(options.random);
  return { newSecret, secrets: { current: newSecret, previous: { secret: secrets.current, expiresAt: nowMs + graceMs } } };
}

/** The secrets to sign with now: the current one, then the previous one while its grace period lasts. */
export function signingSecrets(secrets: EndpointSecrets, nowMs: number): string[] {
  return secrets.previous && nowMs < secrets.previous.expiresAt ? [secrets.current, secrets.previous.secret] : [secrets.current];
}

/** Encrypts both secrets for storage. */
export async function sealSecrets(secrets: EndpointSecrets, cipher: SecretCipher, context: SecretContext): Promise<StoredSecrets> {
  const current = await cipher.encrypt(secrets.current, context);
  if (!secrets.previous) return { current };
  return { current, previous: { ciphertext: await cipher.encrypt(secrets.previous.secret, context), expiresAt: secrets.previous.expiresAt } };
}

/** Decrypts the secrets that sign now; an expired previous secret is not decrypted at all. */
export async function openSigningSecrets(stored: StoredSecrets, cipher: SecretCipher, context: SecretContext, nowMs: number): Promise<string[]> {
  const current = await cipher.decrypt(stored.current, context);
  if (!stored.previous || nowMs >= stored.previous.expiresAt) return [current];
  return [current, await cipher.decrypt(stored.previous.ciphertext, context)];
}

// ---------------------------------------------------------------------------------------------
// Signing

export interface SignInput {
  readonly signing: SigningConfig;
  /** Current secret first; one signature per secret. */
  readonly secrets: readonly string[];
  /** The message id: `webhook-id`, identical on every retry so receivers can deduplicate. */
  readonly messageId: string;
  /** Epoch seconds of this attempt. */
  readonly timestampSeconds: number;
  /** The exact bytes that will be sent. */
  readonly body: Uint8Array;
  /** The endpoint URL, for schemes that sign it. */
  readonly url: string;
}

/**
 * The signature headers (lower-cased names) for one attempt.
 *
 * @example
 * const headers = signRequest({ signing: { scheme: 'standard-webhooks' }, secrets, messageId: 'msg_1',
 *   timestampSeconds: Math.floor(now / 1000), body, url });
 * // { 'webhook-id': 'msg_1', 'webhook-timestamp': '…', 'webhook-signature': 'v1,… v1,…' }
 */
export function signRequest(input: SignInput): Record<string, string> {
  if (input.secrets.length === 0) throw new TypeError('signRequest() needs at least one secret');
  if (!Number.isSafeInteger(input.timestampSeconds)) throw new TypeError('timestampSeconds must be whole epoch seconds');
  const { scheme, options, separator } = resolveScheme(input.signing);
  const perSecret = input.secrets.map((secret) =>
    scheme.sign({ body: input.body, secret, timestampSeconds: input.timestampSeconds, url: input.url, id: input.messageId, options }),
  );
  return mergeSignatures(perSecret, separator);
}

interface ResolvedScheme {
  readonly scheme: (typeof schemes)[keyof typeof schemes];
  readonly options: unknown;
  /** Joins several values of one header. */
  readonly separator: string;
}

function resolveScheme(signing: SigningConfig): ResolvedScheme {
  switch (signing.scheme) {
    case 'standard-webhooks':
      return { scheme: schemes['standard-webhooks'], options: {}, separator: ' ' };
    case 'wss':
      return { scheme: schemes.hmac, options: wssOptions(signing.timestampFormat), separator: ', ' };
    default:
      return { scheme: schemes[signing.scheme], options: schemes[signing.scheme].optionsSchema.parse(signing.options), separator: ', ' };
  }
}

const wssOptionsCache = new Map<'epoch' | 'iso8601', HmacOptions>();

/** The X-WSS scheme, as a configuration of the generic hmac scheme. */
function wssOptions(timestampFormat: 'epoch' | 'iso8601'): HmacOptions {
  let options = wssOptionsCache.get(timestampFormat);
  if (!options) {
    options = hmacOptionsSchema().parse({
      header: 'X-WSS-Signature',
      prefix: '',
      algorithm: 'sha256',
      encoding: 'hex',
      timestampHeader: 'X-WSS-Timestamp',
      timestampFormat,
      signedContent: '{timestamp}{body}',
    });
    wssOptionsCache.set(timestampFormat, options);
  }
  return options;
}

/** One set of headers from one per secret: equal values (id, timestamp) once, differing ones (signatures) joined. */
function mergeSignatures(perSecret: readonly Record<string, string>[], separator: string): Record<string, string> {
  const merged: Record<string, string> = { ...perSecret[0] };
  for (const headers of perSecret.slice(1)) {
    for (const [name, value] of Object.entries(headers)) {
      const existing = merged[name];
      merged[name] = existing === undefined || existing === value ? value : `${existing}${separator}${value}`;
    }
  }
  return merged;
}
