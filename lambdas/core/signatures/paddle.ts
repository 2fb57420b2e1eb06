/**
 * Paddle Billing: `Paddle-Signature: ts=<epoch>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 of
 * `${ts}:${body}` with the notification destination's secret key (`pdl_ntfset_…`, used as UTF-8).
 * Several `h1` appear while a secret is rotated; other entries (`h2`…) are ignored.
 *
 * Tolerance: 5 s, Paddle's default — its SDKs (paddle-node-sdk `MAX_VALID_TIME_DIFFERENCE = 5`) and
 * its docs ("the SDK helper methods enforce a five-second timestamp tolerance by default").
 * It is tight: raise `toleranceSeconds` on the source if deliveries queue behind a slow endpoint.
 * The SDK bounds only the age; we also bound the future by the same tolerance (clock skew).
 * https://developer.paddle.com/webhooks/signature-verification
 */
import type { Scheme, VerifyRequest, VerifyResult } from './types';
import {
  assertSigningSecret,
  assertTimestamp,
  checkCommonSecret,
  DIGEST_BYTES,
  fail,
  hasSecret,
  readHeader,
  splitList,
  type SignatureListOptions,
  signedPairParser,
  type SignedPairFormat,
  utf8HmacKey,
  matchTimestamped,
} from './shared';
import { noOptions } from './options';

const HEADER = 'paddle-signature';
const DEFAULT_TOLERANCE = 5;
const ACCEPTS_FUTURE = true;

export type PaddleOptions = Record<string, never>;

const H1: SignatureListOptions = { prefix: '', encoding: 'hex', bytes: DIGEST_BYTES.sha256 };

/** One `ts=…;h1=…` value's timestamp and decoded `h1` candidates, or the failure to report. */
const FORMAT: SignedPairFormat = { header: 'Paddle-Signature', separator: ';', timestampKey: 'ts', signatureKey: 'h1', signature: H1 };
const parseOne = signedPairParser(FORMAT);

function verifyOne(request: VerifyRequest<PaddleOptions>, header: string): VerifyResult {
  const parsed = parseOne(header);
  if (!('candidates' in parsed)) return parsed;
  const { timestamp, candidates } = parsed;
  return matchTimestamped(request, candidates, `${parsed.timestampText}:`, timestamp, DEFAULT_TOLERANCE, ACCEPTS_FUTURE);
}

export const paddle: Scheme<PaddleOptions> = {
  name: 'paddle',
  optionsSchema: noOptions,
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',
  eventId: { bodyPath: 'event_id' },
  eventType: { bodyPath: 'event_type' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'Paddle-Signature header is missing');
    // A repeated header arrives comma-joined: each part is a complete `ts=…;h1=…` value of its own.
    if (!header.includes(',')) return verifyOne(request, header);
    let first: VerifyResult | undefined;
    for (const value of splitList(header, ',')) {
      const result = verifyOne(request, value);
      if (result.valid) return result;
      first ??= result;
    }
    return first ?? fail('missing_signature', 'Paddle-Signature header is empty');
  },

  sign(request) {
    assertSigningSecret(request.secret, 'paddle');
    assertTimestamp(request.timestampSeconds, 'paddle');
    const digest = utf8HmacKey('sha256', request.secret).digest(`${request.timestampSeconds}:`, request.body).toString('hex');
    return { [HEADER]: `ts=${request.timestampSeconds};h1=${digest}` };
  },

  checkSecret(secret) {
    const common = checkCommonSecret(secret);
    if (common) return common;
    return secret.startsWith('pdl_') ? undefined : 'Paddle Billing notification secrets start with "pdl_ntfset_" (is this an API key?)';
  },
};
