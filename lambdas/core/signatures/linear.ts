/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the body with the webhook's signing secret
 * (UTF-8). The send time is inside the signed body, `webhookTimestamp` in epoch MILLISECONDS; like
 * Linear's SDK (`Math.abs(now - webhookTimestamp) > 60_000` fails) we allow 60 s both ways.
 * The timestamp is read only after the signature matched, by a byte search for the top-level key
 * (the body is never decoded or parsed unless the key occurs more than once).
 * https://linear.app/developers/webhooks#securing-webhooks
 */
import type { Scheme } from './types';
import {
  assertSigningSecret,
  checkCommonSecret,
  decodeSignatureHeader,
  DIGEST_BYTES,
  fail,
  hasSecret,
  matchSecrets,
  ok,
  readHeader,
  type SignatureListOptions,
  utf8HmacKey,
  withinWindow,
} from './shared';
import { noOptions } from './options';

const HEADER = 'linear-signature';
const DEFAULT_TOLERANCE = 60;
const ACCEPTS_FUTURE = true;
const KEY = Buffer.from('"webhookTimestamp"');

const SIGNATURE: SignatureListOptions = { prefix: '', encoding: 'hex', bytes: DIGEST_BYTES.sha256 };

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const isSpace = (b: number | undefined) => b === SPACE || b === TAB || b === LF || b === CR;

/**
 * `webhookTimestamp` (ms) from the raw JSON body. Returns undefined when absent or not a number,
 * and null when it cannot be located unambiguously without parsing (then the caller parses).
 */
function timestampFromBytes(body: Buffer): number | undefined | null {
  const at = body.indexOf(KEY);
  if (at < 0) return undefined;
  if (body.indexOf(KEY, at + KEY.length) >= 0) return null;
  let i = at + KEY.length;
  while (isSpace(body[i])) i++;
  if (body[i] !== COLON) return null;
  i++;
  while (isSpace(body[i])) i++;
  let value = 0;
  let digits = 0;
  for (let b = body[i]; b !== undefined && b >= 0x30 && b <= 0x39 && digits < 16; b = body[++i]) {
    value = value * 10 + (b - 0x30);
    digits++;
  }
  return digits > 0 ? value : undefined;
}

function timestampFromJson(body: Uint8Array): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).webhookTimestamp : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export type LinearOptions = Record<string, never>;

export const linear: Scheme<LinearOptions> = {
  name: 'linear',
  optionsSchema: noOptions,
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',
  eventId: { header: 'linear-delivery' },
  eventType: { header: 'linear-event', fallback: { bodyPath: 'type' } },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'Linear-Signature header is missing');
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected a SHA-256 hex digest');
    const result = matchSecrets(request.secrets, candidates, (s) => utf8HmacKey('sha256', s).digest('', request.body));
    if (!result.valid) return result;
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const fromBytes = timestampFromBytes(body);
    const ms = fromBytes === null ? timestampFromJson(request.body) : fromBytes;
    if (ms === undefined) return fail('missing_timestamp', 'the body has no numeric webhookTimestamp');
    const timestamp = ms / 1000;
    return withinWindow(ok(result.secretIndex, timestamp), timestamp, request, DEFAULT_TOLERANCE, ACCEPTS_FUTURE);
  },

  /** Linear's timestamp lives in the body: callers put `webhookTimestamp` (ms) there; `timestampSeconds` is not used. */
  sign(request) {
    assertSigningSecret(request.secret, 'linear');
    return { [HEADER]: utf8HmacKey('sha256', request.secret).digest('', request.body).toString('hex') };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
