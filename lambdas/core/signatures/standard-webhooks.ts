/**
 * Standard Webhooks (and Svix, which it came from): headers `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64> v1,<base64>` (space-separated; the `svix-*` names are accepted
 * too), HMAC-SHA256 over `${id}.${timestamp}.${body}`. The secret is `whsec_` + a base64 key and
 * the key is the base64-DECODED bytes (unlike Stripe's `whsec_` secrets). Tolerance 300 s in both
 * directions, as in the spec and its reference libraries. `v1a` (Ed25519) is not supported.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHash } from 'node:crypto';
import type { FailureReason, Scheme } from './types';
import {
  assertSigningSecret,
  assertTimestamp,
  cachedKey,
  candidateSlot,
  checkCommonSecret,
  decodeBase64Strict,
  decodeDigest,
  decodeSignatureList,
  DIGEST_BYTES,
  fail,
  hasSecret,
  matchSecrets,
  parseEpochSeconds,
  readFirstHeader,
  type SignatureListOptions,
  withinWindow,
} from './shared';
import { PreparedHmacKey } from './hmac-key';
import { noOptions } from './options';

const DEFAULT_TOLERANCE = 300;
const ACCEPTS_FUTURE = true;
const SECRET_PREFIX = 'whsec_';
const ID_HEADERS = ['webhook-id', 'svix-id'] as const;
const TIMESTAMP_HEADERS = ['webhook-timestamp', 'svix-timestamp'] as const;
const SIGNATURE_HEADERS = ['webhook-signature', 'svix-signature'] as const;

/** The key bytes of a `whsec_<base64>` (or bare base64) secret; null when it is not base64. Cached. */
export const standardWebhooksKey = cachedKey((secret: string): Buffer | null => {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return decodeBase64Strict(encoded) ?? null;
});

/** The same key, prepared for HMAC-SHA256 (see hmac-key.ts); null when the secret is not base64. Cached. */
const preparedKey = cachedKey((secret: string): PreparedHmacKey | null => {
  const bytes = standardWebhooksKey(secret);
  return bytes ? new PreparedHmacKey('sha256', bytes) : null;
});

const V1: SignatureListOptions = { prefix: 'v1,', encoding: 'base64', bytes: DIGEST_BYTES.sha256, versionPattern: /^v\d+[a-z]*,/ };
const V1_LENGTH = 'v1,'.length + 44;
const WHITESPACE = /\s/;
const WHITESPACE_RUN = /\s+/;

function parseSignatures(header: string): Buffer[] | FailureReason {
  // The usual single `v1,<base64>`: a header that decodes whole has no whitespace, so splitting would give it back unchanged.
  if (header.length === V1_LENGTH && header.startsWith('v1,')) {
    const digest = decodeDigest(header, 'base64', DIGEST_BYTES.sha256, 3, candidateSlot(DIGEST_BYTES.sha256, 0));
    if (digest) return [digest];
  }
  // Entries are space-separated; a comma-joined repeated header leaves a trailing comma on an entry.
  const entries = WHITESPACE.test(header)
    ? header
        .split(WHITESPACE_RUN)
        .map((e) => (e.endsWith(',') ? e.slice(0, -1) : e))
        .filter((e) => e !== '')
    : [header];
  return decodeSignatureList(entries, V1);
}

export type StandardWebhooksOptions = Record<string, never>;

export const standardWebhooks: Scheme<StandardWebhooksOptions> = {
  name: 'standard-webhooks',
  optionsSchema: noOptions,
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',
  eventId: { header: 'webhook-id', fallback: { header: 'svix-id' } },
  eventType: { bodyPath: 'type' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readFirstHeader(request.headers, SIGNATURE_HEADERS);
    if (header === undefined) return fail('missing_signature', 'webhook-signature header is missing');
    const id = readFirstHeader(request.headers, ID_HEADERS);
    if (id === undefined) return fail('missing_signature', 'webhook-id header is missing (it is part of the signed content)');
    const ts = readFirstHeader(request.headers, TIMESTAMP_HEADERS);
    if (ts === undefined) return fail('missing_timestamp', 'webhook-timestamp header is missing');
    const timestamp = parseEpochSeconds(ts);
    if (timestamp === undefined) return fail('malformed_timestamp', 'webhook-timestamp is not epoch seconds');
    const candidates = parseSignatures(header);
    if (typeof candidates === 'string') return fail(candidates, 'expected v1,<base64 HMAC-SHA256>');
    const prefix = `${id}.${ts}.`;
    const result = matchSecrets(
      request.secrets,
      candidates,
      (s) => preparedKey(s)?.digest(prefix, request.body),
      timestamp,
    );
    if (!result.valid) {
      return result.reason === 'no_secret' ? fail('no_secret', 'no secret is a whsec_<base64> key') : result;
    }
    return withinWindow(result, timestamp, request, DEFAULT_TOLERANCE, ACCEPTS_FUTURE);
  },

  sign(request) {
    assertSigningSecret(request.secret, 'standard-webhooks');
    assertTimestamp(request.timestampSeconds, 'standard-webhooks');
    const key = preparedKey(request.secret);
    if (!key) throw new TypeError('standard-webhooks.sign() needs a whsec_<base64> secret');
    // Deterministic default id, so fixtures are reproducible.
    const id =
      request.id ?? `msg_${createHash('sha256').update(`${request.timestampSeconds}.`).update(request.body).digest('hex').slice(0, 24)}`;
    const digest = key.digest(`${id}.${request.timestampSeconds}.`, request.body).toString('base64');
    return { 'webhook-id': id, 'webhook-timestamp': String(request.timestampSeconds), 'webhook-signature': `v1,${digest}` };
  },

  checkSecret(secret) {
    const common = checkCommonSecret(secret);
    if (common) return common;
    const key = standardWebhooksKey(secret);
    if (!key) return 'the secret must be "whsec_" followed by a base64 key';
    if (key.length < 24 || key.length > 64) return `the key is ${key.length} bytes; the spec asks for 24 to 64`;
    return undefined;
  },
};
