/**
 * Reading the header formats schemes share: prefixed digest lists (`sha256=<hex>`, `v1,<base64> …`),
 * `t=…,v1=…` pairs, and timestamps. One parser per format; failures are returned, never thrown.
 */
import { decodeDigest } from './crypto';
import type { DigestEncoding, SignatureFormat } from './description';
import type { FailureReason, Headers, VerifyResult } from './types';

export function fail(reason: FailureReason, detail?: string): Extract<VerifyResult, { valid: false }> {
  return detail === undefined ? { valid: false, reason } : { valid: false, reason, detail };
}

/** A header's trimmed value, or undefined when absent or blank. Names must be lower-case. */
export function readHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The first present header among `names` (e.g. `webhook-id`, then `svix-id`). */
export function readFirstHeader(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = readHeader(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Splits on `separator`, trims each part and drops empty ones. */
export function splitList(value: string, separator: string | RegExp): string[] {
  // The usual header holds one entry.
  if (typeof separator === 'string' && !value.includes(separator)) {
    const trimmed = value.trim();
    return trimmed === '' ? [] : [trimmed];
  }
  const out: string[] = [];
  for (const part of value.split(separator)) {
    const trimmed = part.trim();
    if (trimmed !== '') out.push(trimmed);
  }
  return out;
}

/** `Stripe-Signature` from `stripe-signature`, for messages. */
export function displayName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Received signatures, decoded, and (for `pairs`) the timestamp written beside them. */
export interface ReceivedSignature {
  readonly candidates: readonly Buffer[];
  /** Ed25519 signatures (Standard Webhooks `v1a`), when the layout declares them. */
  readonly asymmetric?: readonly Buffer[];
  readonly timestampText?: string;
  /** `timestampText` as epoch seconds, parsed once here. */
  readonly timestampSeconds?: number;
}

type Parsed = ReceivedSignature | Extract<VerifyResult, { valid: false }>;

/**
 * Parses one signature header value as `format` describes it. `pairs` values that arrive
 * comma-joined with a `;` separator (a repeated Paddle header) are parsed one by one by the caller.
 */
export function parseSignature(
  format: SignatureFormat,
  value: string,
  encoding: DigestEncoding,
  bytes: number,
  asymmetricPrefix?: string,
): Parsed {
  if (format.format === 'pairs') return parsePairs(format, value, encoding, bytes);
  if (format.format === 'token') return { candidates: [] };
  // The usual header: one entry with the expected prefix (the list path below would find the same one).
  // (Exactly prefix + one digest long: a separator inside would make it fail to decode and take the list path.)
  const digestChars = encoding === 'hex' ? bytes * 2 : 4 * Math.ceil(bytes / 3);
  if (
    asymmetricPrefix === undefined &&
    format.prefixCaseInsensitive !== true &&
    value.length === format.prefix.length + digestChars &&
    value.startsWith(format.prefix)
  ) {
    const digest = decodeDigest(value.slice(format.prefix.length), encoding, bytes);
    if (digest) return { candidates: [digest] };
  }
  const entries =
    format.separator === 'whitespace'
      ? splitList(value, /\s+/).map((e) => (e.endsWith(',') ? e.slice(0, -1) : e))
      : splitList(value, ',');
  const symmetric = decodeList(
    entries,
    format.prefix,
    format.prefixCaseInsensitive === true,
    encoding,
    bytes,
    format.otherVersion,
  );
  if (asymmetricPrefix === undefined) return symmetric;
  const asymmetric = decodeList(entries, asymmetricPrefix, false, 'base64', ED25519_SIGNATURE_BYTES, undefined);
  if (!('candidates' in asymmetric)) return symmetric;
  return { candidates: 'candidates' in symmetric ? symmetric.candidates : [], asymmetric: asymmetric.candidates };
}

const ED25519_SIGNATURE_BYTES = 64;

function decodeList(
  entries: readonly string[],
  prefix: string,
  caseInsensitive: boolean,
  encoding: DigestEncoding,
  bytes: number,
  otherVersion: RegExp | undefined,
): Parsed {
  const candidates: Buffer[] = [];
  let sawOtherVersion = false;
  for (const entry of entries) {
    const hasPrefix = caseInsensitive
      ? entry.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()
      : entry.startsWith(prefix);
    if (!hasPrefix) {
      if (otherVersion?.test(entry)) sawOtherVersion = true;
      continue;
    }
    const digest = decodeDigest(entry.slice(prefix.length), encoding, bytes);
    if (digest) candidates.push(digest);
  }
  if (candidates.length > 0) return { candidates };
  return fail(
    sawOtherVersion ? 'unsupported_version' : 'malformed_signature',
    `expected ${prefix}<${encoding} digest of ${bytes} bytes>`,
  );
}

const VERSION_KEY = /^[a-z]\d+$/;

function parsePairs(
  format: Extract<SignatureFormat, { format: 'pairs' }>,
  value: string,
  encoding: DigestEncoding,
  bytes: number,
): Parsed {
  const name = () => displayName(format.header);
  const { timestampKey: t, signatureKey: v } = format;
  let timestamp: string | null | undefined;
  const signatures: string[] = [];
  let otherVersions = false;
  for (const entry of splitList(value, format.separator)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return fail('malformed_signature', `${name()} is not a ${t}=…${format.separator}${v}=… list`);
    const key = entry.slice(0, eq).trim();
    const item = entry.slice(eq + 1).trim();
    if (key === v) signatures.push(item);
    else if (key === t) timestamp = timestamp === undefined || timestamp === item ? item : null;
    else if (VERSION_KEY.test(key)) otherVersions = true;
  }
  if (timestamp === undefined) return fail('missing_timestamp', `${name()} has no ${t}=`);
  if (timestamp === null) return fail('malformed_timestamp', `${name()} has conflicting ${t}= values`);
  const timestampSeconds = parseTimestamp(timestamp, 'epoch');
  if (timestampSeconds === undefined) return fail('malformed_timestamp', `${name()} ${t}= is not epoch seconds`);
  if (signatures.length === 0)
    return fail(otherVersions ? 'unsupported_version' : 'missing_signature', `${name()} has no ${v} signature`);
  const decoded = decodeList(signatures, '', false, encoding, bytes, undefined);
  return 'candidates' in decoded
    ? { candidates: decoded.candidates, timestampText: timestamp, timestampSeconds }
    : fail('malformed_signature', `${v} is not a ${encoding} digest of ${bytes} bytes`);
}

const EPOCH_SECONDS = /^\d{1,12}$/;
const EPOCH_DECIMAL = /^\d{1,12}(?:\.\d{1,9})?$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * A timestamp to epoch seconds, or undefined when it is not in `format`: `epoch` is whole seconds
 * (no sign, no decimals); `auto` also takes decimal seconds and ISO 8601; `iso8601` only ISO 8601.
 */
export function parseTimestamp(text: string, format: 'epoch' | 'iso8601' | 'auto'): number | undefined {
  if (format === 'epoch') return EPOCH_SECONDS.test(text) ? Number(text) : undefined;
  if (format === 'auto' && EPOCH_DECIMAL.test(text)) return Number(text);
  if (!ISO_8601.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** The timestamp as a sender writes it: ISO 8601 when that is the format, else epoch seconds. */
export function formatTimestamp(seconds: number, format: 'epoch' | 'iso8601' | 'auto'): string {
  return format === 'iso8601' ? new Date(seconds * 1000).toISOString() : String(seconds);
}

/**
 * The replay window: older than the tolerance → `stale_timestamp`; ahead of now by more than the
 * tolerance (or at all, when the scheme does not accept future timestamps) → `future_timestamp`.
 */
export function checkWindow(
  timestampSeconds: number,
  nowSeconds: number,
  toleranceSeconds: number,
  acceptsFuture: boolean,
): VerifyResult | undefined {
  const skew = Math.round(Math.abs(nowSeconds - timestampSeconds));
  if (!Number.isFinite(nowSeconds) || nowSeconds - timestampSeconds > toleranceSeconds) {
    return fail('stale_timestamp', `timestamp is ${skew}s old; tolerance is ${toleranceSeconds}s`);
  }
  if (timestampSeconds - nowSeconds > (acceptsFuture ? toleranceSeconds : 0)) {
    return fail('future_timestamp', `timestamp is ${skew}s in the future; tolerance is ${toleranceSeconds}s`);
  }
  return undefined;
}
