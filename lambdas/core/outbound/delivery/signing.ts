/**
 * Signing outbound requests, and the endpoint secrets they are signed with.
 *
 * - Secrets are generated here (`whsec_` + base64 of 32 random bytes from node:crypto randomBytes),
 *   shown to the tenant once, then stored only as ciphertext (`SecretCipher`, KMS in AWS).
 * - Rotation keeps the replaced secret for a grace period (24 h by default). While it lasts, every
 *   request carries a signature with each secret, so a receiver verifies with whichever it has.
 * - The two native formats are signed by the inbound registry's own descriptions (standard-webhooks,
 *   and the generic hmac scheme laid out as X-WSS), so verify and sign share one definition:
 *   - `standard-webhooks` (default): `webhook-id` (the message id, the same on every retry),
 *     `webhook-timestamp` (epoch seconds), `webhook-signature: v1,<base64>`, HMAC-SHA256 keyed with the
 *     base64-decoded `whsec_` key over `${id}.${timestamp}.${body}`; several signatures space-separated,
 *     as the Standard Webhooks spec defines;
 *   - `wss`: `X-WSS-Timestamp` (epoch seconds or ISO 8601) and `X-WSS-Signature` = hex HMAC-SHA256, keyed
 *     with the secret's UTF-8 bytes, over the timestamp text followed by the raw body; several comma-joined.
 *   Tests check both against independent implementations: the official `standardwebhooks` library, a
 *   createHmac vector, and this stack's own inbound verifiers.
 * - Any other inbound scheme (github, stripe, hmac, ...) is signed by the inbound registry's `sign()`, for
 *   receivers that already verify it. Several signatures in one header are comma-joined, which is how HTTP
 *   joins a repeated header (RFC 9110 §5.3).
 * - Nothing here logs; callers must never log the headers returned.
 */
import { randomBytes } from 'node:crypto';
import { schemes, type SchemeName } from '../../signatures/index';
import type { InboundSigningScheme, SigningConfig, StoredSecrets } from '../model';
import type { SecretCipher, SecretContext } from '../ports';

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
  if (key.length !== SECRET_BYTES)
    throw new TypeError(`the random source returned ${key.length} bytes, not ${SECRET_BYTES}`);
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
  if (!Number.isFinite(graceMs) || graceMs < 0)
    throw new RangeError('graceMs must be a non-negative number of milliseconds');
  const newSecret = generateSecret(options.random);
  return {
    newSecret,
    secrets: { current: newSecret, previous: { secret: secrets.current, expiresAt: nowMs + graceMs } },
  };
}

/** The secrets to sign with now: the current one, then the previous one while its grace period lasts. */
export function signingSecrets(secrets: EndpointSecrets, nowMs: number): string[] {
  return secrets.previous && nowMs < secrets.previous.expiresAt
    ? [secrets.current, secrets.previous.secret]
    : [secrets.current];
}

/** Encrypts both secrets for storage. */
export async function sealSecrets(
  secrets: EndpointSecrets,
  cipher: SecretCipher,
  context: SecretContext,
): Promise<StoredSecrets> {
  const current = await cipher.encrypt(secrets.current, context);
  if (!secrets.previous) return { current };
  return {
    current,
    previous: {
      ciphertext: await cipher.encrypt(secrets.previous.secret, context),
      expiresAt: secrets.previous.expiresAt,
    },
  };
}

/** Decrypts the secrets that sign now; an expired previous secret is not decrypted at all. */
export async function openSigningSecrets(
  stored: StoredSecrets,
  cipher: SecretCipher,
  context: SecretContext,
  nowMs: number,
): Promise<string[]> {
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
  if (!Number.isSafeInteger(input.timestampSeconds) || input.timestampSeconds < 0)
    throw new TypeError('timestampSeconds must be whole epoch seconds');
  switch (input.signing.scheme) {
    case 'standard-webhooks':
      return signStandardWebhooks(input);
    case 'wss':
      return signWss(input, input.signing.timestampFormat);
    default:
      return signInbound(input, input.signing.scheme, input.signing.options);
  }
}

function signStandardWebhooks(input: SignInput): Record<string, string> {
  for (const secret of input.secrets) {
    const problem = secret.startsWith(SECRET_PREFIX)
      ? schemes['standard-webhooks'].checkSecret(secret)
      : 'it does not start with whsec_';
    if (problem)
      throw new TypeError(`a standard-webhooks secret is whsec_ followed by the base64 of 24 to 64 bytes (${problem})`);
  }
  // The spec separates several signatures with a space.
  return signEach(input, 'standard-webhooks', {}, ' ');
}

/** X-WSS is the generic hmac scheme with this layout: hex HMAC-SHA256 over the timestamp text then the body. */
export function wssOptions(format: 'epoch' | 'iso8601'): Record<string, unknown> {
  return {
    header: 'X-WSS-Signature',
    prefix: '',
    timestampHeader: 'X-WSS-Timestamp',
    timestampFormat: format,
    signedContent: '{timestamp}{body}',
  };
}

function signWss(input: SignInput, format: 'epoch' | 'iso8601'): Record<string, string> {
  return signEach(input, 'hmac', wssOptions(format), ', ');
}

function signInbound(
  input: SignInput,
  name: InboundSigningScheme,
  rawOptions: Readonly<Record<string, unknown>>,
): Record<string, string> {
  return signEach(input, name, rawOptions, ', ');
}

/** Signs with each secret through the scheme's own `sign`, then merges the headers. */
function signEach(
  input: SignInput,
  name: SchemeName,
  rawOptions: Readonly<Record<string, unknown>>,
  separator: string,
): Record<string, string> {
  const scheme = schemes[name];
  const options: unknown = scheme.optionsSchema.parse(rawOptions);
  const perSecret = input.secrets.map((secret) =>
    scheme.sign({
      body: input.body,
      secret,
      timestampSeconds: input.timestampSeconds,
      url: input.url,
      id: input.messageId,
      options,
    }),
  );
  return mergeSignatures(perSecret, separator);
}

/** One set of headers from one per secret: equal values (ids, timestamps) once, differing ones (signatures) joined. */
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
