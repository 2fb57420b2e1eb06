/**
 * Helpers every scheme shares: header reading, digest decoding, HMAC over prefix + raw body,
 * constant-time comparison, the replay window and secret checks.
 *
 * Speed notes (a benchmark holds each verify to within a few percent of a bare
 * `createHmac().update(body).digest()` + `timingSafeEqual`):
 * - the body is never turned into a string: prefix strings and the body bytes go to `hmac.update` separately;
 * - the received signature is decoded once and compared as bytes, the computed digest is never encoded;
 * - decoded secret keys are cached (`cachedKey`);
 * - no regular expression ever runs over the body, only over short header values.
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FailureReason, Headers, VerifyRequest, VerifyResult } from './types';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

/** Digest sizes in bytes: a received signature of another size can be rejected before any HMAC. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** A signing key as `createHmac` takes it: the secret's UTF-8 text, or bytes decoded from it. */
export type HmacKey = string | Buffer | KeyObject;

// ---------------------------------------------------------------------------------------------
// Results

export function ok(secretIndex: number, timestampSeconds?: number): VerifyResult {
  return timestampSeconds === undefined ? { valid: true, secretIndex } : { valid: true, secretIndex, timestampSeconds };
}

export function fail(reason: FailureReason, detail?: string): VerifyResult {
  return detail === undefined ? { valid: false, reason } : { valid: false, reason, detail };
}

// ---------------------------------------------------------------------------------------------
// Headers

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
  const out: string[] = [];
  for (const part of value.split(separator)) {
    const trimmed = part.trim();
    if (trimmed !== '') out.push(trimmed);
  }
  return out;
}

/**
 * Parses `k=v<sep>k=v…` (Stripe's `t=…,v1=…`, Paddle's `ts=…;h1=…`) into key → values, in order.
 * Returns undefined when an entry has no `=` or an empty key, so garbage is reported as malformed.
 */
export function parseKeyValueList(value: string, separator: string): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  for (const entry of splitList(value, separator)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    const key = entry.slice(0, eq).trim();
    const item = entry.slice(eq + 1).trim();
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

/**
 * The one value of `key`, tolerating exact repeats (a comma-joined repeated header carries the same
 * timestamp twice). Returns `null` when the entries disagree.
 */
export function singleValue(map: Map<string, string[]>, key: string): string | undefined | null {
  const values = map.get(key);
  if (!values || values.length === 0) return undefined;
  const first = values[0] as string;
  return values.every((v) => v === first) ? first : null;
}

// ---------------------------------------------------------------------------------------------
// Signature decoding

/**
 * Decodes a received digest, accepting only the canonical text of exactly `bytes` bytes.
 * Canonical means lower-case hex (unless `allowUpperHex`), and padded standard base64 with zero
 * unused bits, so two different signature strings never verify as the same digest (and a mutated
 * padding character cannot slip through as "unpadded").
 * Returns undefined for anything else (never throws).
 */
export function decodeDigest(text: string, encoding: DigestEncoding, bytes: number, allowUpperHex = false): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length !== bytes * 2) return undefined;
    const decoded = Buffer.from(text, 'hex');
    if (decoded.length !== bytes) return undefined;
    const canonical = decoded.toString('hex');
    return canonical === text || (allowUpperHex && canonical === text.toLowerCase()) ? decoded : undefined;
  }
  if (text.length !== 4 * Math.ceil(bytes / 3)) return undefined;
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length !== bytes) return undefined;
  return decoded.toString('base64') === text ? decoded : undefined;
}

/** Strict standard base64 (padding required), for secrets. Returns undefined when not canonical. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(text, 'base64');
  return decoded.toString('base64') === text ? decoded : undefined;
}

export interface SignatureListOptions {
  /** Text before the digest, e.g. `sha256=`; empty for none. */
  readonly prefix: string;
  readonly prefixCaseInsensitive?: boolean;
  readonly encoding: DigestEncoding;
  readonly bytes: number;
  readonly allowUpperHex?: boolean;
  /** When an entry has another `<word>=`/`<word>,` version prefix, report `unsupported_version` rather than malformed. */
  readonly versionPattern?: RegExp;
}

/**
 * Decodes a list of prefixed digests (the entries of a comma-joined repeated header). Returns the
 * decoded candidates, or the failure to report when none is usable.
 */
export function decodeSignatureList(entries: readonly string[], options: SignatureListOptions): Buffer[] | FailureReason {
  const out: Buffer[] = [];
  let otherVersion = false;
  const prefix = options.prefixCaseInsensitive ? options.prefix.toLowerCase() : options.prefix;
  for (const entry of entries) {
    const head = entry.slice(0, prefix.length);
    if ((options.prefixCaseInsensitive ? head.toLowerCase() : head) !== prefix) {
      if (options.versionPattern?.test(entry)) otherVersion = true;
      continue;
    }
    const digest = decodeDigest(entry.slice(prefix.length).trim(), options.encoding, options.bytes, options.allowUpperHex);
    if (digest) out.push(digest);
  }
  if (out.length > 0) return out;
  return otherVersion ? 'unsupported_version' : 'malformed_signature';
}

// ---------------------------------------------------------------------------------------------
// HMAC and comparison

/** HMAC of `prefix`, the raw `body` bytes and `suffix`, fed separately so the body is never copied or decoded. */
export function hmacDigest(algorithm: HmacAlgorithm, key: HmacKey, prefix: string, body: Uint8Array, suffix = ''): Buffer {
  const mac = createHmac(algorithm, key);
  if (prefix !== '') mac.update(prefix);
  mac.update(body);
  if (suffix !== '') mac.update(suffix);
  return mac.digest();
}

/** Constant-time equality; different lengths are unequal (timingSafeEqual would throw). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/**
 * Tries each configured secret (current first) against each received candidate and reports the
 * first secret that matches. `digestFor` returns undefined for a secret it cannot use (e.g. not
 * base64 where a base64 key is required); blank secrets are skipped. Indices refer to `secrets`.
 */
export function matchSecrets(
  secrets: readonly string[],
  candidates: readonly Uint8Array[],
  digestFor: (secret: string) => Buffer | undefined,
  timestampSeconds?: number,
): VerifyResult {
  let usable = 0;
  for (let i = 0; i < secrets.length; i++) {
    const secret = secrets[i];
    if (typeof secret !== 'string' || secret === '') continue;
    const expected = digestFor(secret);
    if (!expected) continue;
    usable++;
    // Every candidate is compared, match or not, so timing does not reveal which one matched.
    let matched = false;
    for (const candidate of candidates) matched = bytesEqual(expected, candidate) || matched;
    if (matched) return ok(i, timestampSeconds);
  }
  return usable === 0 ? fail('no_secret', 'no usable secret is configured') : fail('signature_mismatch');
}

/** Whether the request has at least one non-blank secret; schemes check it before parsing anything. */
export function hasSecret(secrets: readonly string[]): boolean {
  return Array.isArray(secrets) && secrets.some((s) => typeof s === 'string' && s !== '');
}

// ---------------------------------------------------------------------------------------------
// Keys

const KEY_CACHE_LIMIT = 256;

/**
 * Memoizes a secret → key decoding (base64 keys, KeyObjects). Bounded: cleared when full, since a
 * verifier only ever sees a handful of secrets.
 */
export function cachedKey<K>(decode: (secret: string) => K): (secret: string) => K {
  const cache = new Map<string, K>();
  return (secret) => {
    const hit = cache.get(secret);
    if (hit !== undefined || cache.has(secret)) return hit as K;
    const key = decode(secret);
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(secret, key);
    return key;
  };
}

/** UTF-8 text secrets as Buffers, so `createHmac` does not re-encode the string on every request. */
export const utf8Key = cachedKey((secret: string): Buffer => Buffer.from(secret, 'utf8'));

// ---------------------------------------------------------------------------------------------
// Timestamps

const EPOCH_SECONDS = /^\d{1,12}$/;

/** Parses integer epoch seconds (`1614265330`). Undefined for anything else, including signs and decimals. */
export function parseEpochSeconds(text: string): number | undefined {
  return EPOCH_SECONDS.test(text) ? Number(text) : undefined;
}

export function toleranceFor(request: Pick<VerifyRequest, 'toleranceSeconds'>, defaultSeconds: number): number {
  const t = request.toleranceSeconds;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : defaultSeconds;
}

/**
 * The replay window: older than `tolerance` → `stale_timestamp`; ahead of `now` by more than
 * `tolerance` (or at all, when the scheme does not accept future timestamps) → `future_timestamp`.
 */
export function checkWindow(
  timestampSeconds: number,
  nowSeconds: number,
  toleranceSeconds: number,
  acceptsFuture: boolean,
): FailureReason | undefined {
  if (!Number.isFinite(nowSeconds)) return 'stale_timestamp';
  if (nowSeconds - timestampSeconds > toleranceSeconds) return 'stale_timestamp';
  if (timestampSeconds - nowSeconds > (acceptsFuture ? toleranceSeconds : 0)) return 'future_timestamp';
  return undefined;
}

export function windowDetail(reason: FailureReason, timestampSeconds: number, nowSeconds: number, tolerance: number): string {
  const skew = Math.round(Math.abs(nowSeconds - timestampSeconds));
  return reason === 'stale_timestamp'
    ? `timestamp is ${skew}s old; tolerance is ${tolerance}s`
    : `timestamp is ${skew}s in the future; tolerance is ${tolerance}s`;
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** The checks every scheme makes on a configured secret. */
export function checkCommonSecret(secret: string): string | undefined {
  if (typeof secret !== 'string' || secret.length === 0) return 'the secret is empty';
  if (secret.trim() !== secret) return 'the secret has leading or trailing whitespace (a copy-paste slip?)';
  return undefined;
}

/** For sign(): an unusable secret there is a programmer error, so it throws. */
export function assertSigningSecret(secret: string, scheme: string): void {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError(`${scheme}.sign() needs a non-empty secret`);
}

export function assertTimestamp(timestampSeconds: number, scheme: string): void {
  if (!Number.isInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new TypeError(`${scheme}.sign() needs a non-negative integer timestampSeconds`);
  }
}

// ---------------------------------------------------------------------------------------------
// The `v0=` family (Slack, Zoom): `<sig header>: v0=<hex>` over `v0:${timestamp}:${body}`,
// the timestamp (epoch seconds) in its own header.

export interface V0Headers {
  readonly signature: string;
  readonly timestamp: string;
  /** Display names for failure details. */
  readonly label: string;
}

export function verifyV0(
  request: VerifyRequest<unknown>,
  names: V0Headers,
  defaultTolerance: number,
  acceptsFuture: boolean,
): VerifyResult {
  if (!hasSecret(request.secrets)) return fail('no_secret');
  const header = readHeader(request.headers, names.signature);
  if (header === undefined) return fail('missing_signature', `${names.label} signature header is missing`);
  const ts = readHeader(request.headers, names.timestamp);
  if (ts === undefined) return fail('missing_timestamp', `${names.label} timestamp header is missing`);
  const timestamp = parseEpochSeconds(ts);
  if (timestamp === undefined) return fail('malformed_timestamp', `${names.label} timestamp is not epoch seconds`);
  // A repeated header arrives comma-joined; hex digests contain no commas.
  const candidates = decodeSignatureList(splitList(header, ','), {
    prefix: 'v0=',
    encoding: 'hex',
    bytes: DIGEST_BYTES.sha256,
    versionPattern: /^v\d+=/,
  });
  if (typeof candidates === 'string') return fail(candidates, 'expected v0=<64 hex digits>');
  const prefix = `v0:${ts}:`;
  const result = matchSecrets(request.secrets, candidates, (s) => hmacDigest('sha256', utf8Key(s), prefix, request.body), timestamp);
  if (!result.valid) return result;
  const tolerance = toleranceFor(request, defaultTolerance);
  const outside = checkWindow(timestamp, request.nowSeconds, tolerance, acceptsFuture);
  return outside ? fail(outside, windowDetail(outside, timestamp, request.nowSeconds, tolerance)) : result;
}

export function signV0(body: Uint8Array, secret: string, timestampSeconds: number, names: V0Headers): Record<string, string> {
  assertSigningSecret(secret, names.label);
  assertTimestamp(timestampSeconds, names.label);
  const digest = hmacDigest('sha256', secret, `v0:${timestampSeconds}:`, body).toString('hex');
  return { [names.signature]: `v0=${digest}`, [names.timestamp]: String(timestampSeconds) };
}
