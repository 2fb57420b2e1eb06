/**
 * Stripe: `Stripe-Signature: t=<epoch>,v1=<hex>[,v1=<hex>…][,v0=…]`, HMAC-SHA256 over `${t}.${body}`.
 * The `whsec_…` secret is used as-is (its UTF-8 text is the key; it is NOT base64-decoded,
 * unlike Standard Webhooks). Several `v1` entries appear while a secret is being rolled; `v0`
 * (Stripe's legacy test scheme) is ignored. Default tolerance 300 s, as in stripe-node.
 * https://docs.stripe.com/webhooks#verify-manually
 */
import type { Scheme } from './types';
import {
  assertSigningSecret,
  assertTimestamp,
  checkCommonSecret,
  DIGEST_BYTES,
  fail,
  hasSecret,
  readHeader,
  type SignatureListOptions,
  signedPairParser,
  type SignedPairFormat,
  utf8HmacKey,
  matchTimestamped,
} from './shared';
import { noOptions } from './options';

const HEADER = 'stripe-signature';
const DEFAULT_TOLERANCE = 300;
// stripe-node only bounds the age; we also bound the future by the same tolerance (clock skew only).
const ACCEPTS_FUTURE = true;

export type StripeOptions = Record<string, never>;

const V1: SignatureListOptions = { prefix: '', encoding: 'hex', bytes: DIGEST_BYTES.sha256 };
// Stripe's own format uses commas, so a comma-joined repeat is simply more entries of the same list.
const FORMAT: SignedPairFormat = { header: 'Stripe-Signature', separator: ',', timestampKey: 't', signatureKey: 'v1', signature: V1 };
const parseHeader = signedPairParser(FORMAT);

export const stripe: Scheme<StripeOptions> = {
  name: 'stripe',
  optionsSchema: noOptions,
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',
  eventId: { bodyPath: 'id' },
  eventType: { bodyPath: 'type' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'Stripe-Signature header is missing');
    const parsed = parseHeader(header);
    if (!('candidates' in parsed)) return parsed;
    const { timestamp, candidates } = parsed;
    return matchTimestamped(request, candidates, `${parsed.timestampText}.`, timestamp, DEFAULT_TOLERANCE, ACCEPTS_FUTURE);
  },

  sign(request) {
    assertSigningSecret(request.secret, 'stripe');
    assertTimestamp(request.timestampSeconds, 'stripe');
    const digest = utf8HmacKey('sha256', request.secret).digest(`${request.timestampSeconds}.`, request.body).toString('hex');
    return { [HEADER]: `t=${request.timestampSeconds},v1=${digest}` };
  },

  checkSecret(secret) {
    const common = checkCommonSecret(secret);
    if (common) return common;
    if (!secret.startsWith('whsec_')) return 'Stripe endpoint signing secrets start with "whsec_" (this looks like an API key or another value)';
    return undefined;
  },
};
