/**
 * Helpers every scheme shares: header reading, digest decoding, HMAC over prefix + raw body,
 * constant-time comparison, the replay window and secret checks.
 *
 * Speed notes (bench/signatures.ts compares each verify with a bare `createHmac().update(signed
 * bytes).digest()` + `timingSafeEqual`; the target is 1.25× at 1 KiB and 1.10× at 64 KiB). At 1 KiB
 * HMAC setup and finalisation are most of the floor (~2 µs), so every extra allocation shows:
 * - HMAC keys are prepared once per secret (hmac-key.ts): a request costs two one-shot hashes, not
 *   an Hmac object and its key setup. That saving is what pays for the header parsing below;
 * - the body is never turned into a string; above 4 KiB it is not copied either (the prefix and
 *   the body go to the hash separately);
 * - received digests are decoded with a lookup table (two hex characters per lookup) into reused
 *   buffers (`candidateSlot`): a fresh small Buffer costs more than the decoding itself; the
 *   computed digest is never encoded;
 * - the usual header shapes take a shortcut (`exactSignedPair`, `decodeSignatureHeader`) that is
 *   checked, by property tests, to give what the full parse gives;
 * - prepared keys are cached, with the last secret checked before the Map (`cachedKey`);
 * - option objects, header-format strings and regular expressions are built once, never per call;
 * - no regular expression ever runs over the body, only over short header values, and only off
 *   the usual path.
 * Measure the bundled code (as bench/signatures.ts does): under tsx every call into another module
 * goes through an export getter that no deployed bundle has.
 */
import { timingSafeEqual } from 'node:crypto';
import { DIGEST_BYTES, PreparedHmacKey, type HmacAlgorithm } from './hmac-key';
import type { FailureReason, Headers, VerifyRequest, VerifyResult } from './types';

export { DIGEST_BYTES, type HmacAlgorithm } from './hmac-key';
export type DigestEncoding = 'hex' | 'base64';

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
  // The common case is one entry: skip split() and its allocations.
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

export interface SignedPairs {
  /** The timestamp entry's value; null when entries disagree; undefined when absent. */
  readonly timestamp: string | null | undefined;
  /** Values of the signature key, in order. */
  readonly signatures: string[];
  /** Whether another `<letter><digits>` key (another scheme version) was present. */
  readonly otherVersions: boolean;
}

/**
 * Scans `k=v<sep>k=v…` for the timestamp and signature keys only (Stripe `t`/`v1`, Paddle `ts`/`h1`),
 * without building a map: this runs on every request. Returns undefined for an entry without `=`.
 */
export function scanSignedPairs(value: string, separator: string, timestampKey: string, signatureKey: string): SignedPairs | undefined {
  let timestamp: string | null | undefined;
  const signatures: string[] = [];
  let otherVersions = false;
  let from = 0;
  while (from <= value.length) {
    let to = value.indexOf(separator, from);
    if (to < 0) to = value.length;
    const eq = value.indexOf('=', from);
    const entryFrom = from;
    from = to + separator.length;
    if (eq < 0 || eq >= to) {
      if (value.slice(entryFrom, to).trim() === '') continue;
      return undefined;
    }
    const key = value.slice(entryFrom, eq).trim();
    if (key === '') return undefined;
    const item = value.slice(eq + 1, to).trim();
    if (key === signatureKey) signatures.push(item);
    else if (key === timestampKey) timestamp = timestamp === undefined || timestamp === item ? item : null;
    else if (VERSION_KEY.test(key)) otherVersions = true;
  }
  return { timestamp, signatures, otherVersions };
}

const VERSION_KEY = /^[a-z]\d+$/;

/** A header's timestamp and its decoded signature candidates. */
export interface SignedTimestamp {
  readonly timestampText: string;
  readonly timestamp: number;
  readonly candidates: readonly Buffer[];
}

/**
 * The fast path for the usual header, exactly `<timestampPrefix><digits><signaturePrefix><digest>`
 * (Stripe `t=…,v1=<hex>`, Paddle `ts=…;h1=<hex>`): no whitespace, no other entries. Returns
 * undefined for anything else, and the caller then scans the header in full (scanSignedPairs); for
 * a header this accepts, that scan gives the same timestamp and the same single candidate.
 */
export function exactSignedPair(
  value: string,
  timestampPrefix: string,
  signaturePrefix: string,
  encoding: DigestEncoding,
  bytes: number,
): SignedTimestamp | undefined {
  const digestAt = value.length - (encoding === 'hex' ? bytes * 2 : 4 * Math.ceil(bytes / 3));
  const signatureAt = digestAt - signaturePrefix.length;
  if (signatureAt <= timestampPrefix.length || !value.startsWith(timestampPrefix) || !value.startsWith(signaturePrefix, signatureAt)) return undefined;
  const timestampText = value.slice(timestampPrefix.length, signatureAt);
  // Digits only: a separator or `=` inside means more entries, which only the full scan handles.
  const timestamp = parseEpochSeconds(timestampText);
  if (timestamp === undefined) return undefined;
  const digest = decodeDigest(value, encoding, bytes, digestAt, candidateSlot(bytes, 0));
  return digest ? { timestampText, timestamp, candidates: [digest] } : undefined;
}

/** How a `t=…,v1=…`-style header is laid out (Stripe, Paddle). */
export interface SignedPairFormat {
  /** Header name for messages, e.g. `Stripe-Signature`. */
  readonly header: string;
  readonly separator: string;
  readonly timestampKey: string;
  readonly signatureKey: string;
  readonly signature: SignatureListOptions;
}

/**
 * A parser for one `t=…,v1=…`-style header format: the timestamp and decoded signatures, or a typed
 * failure. The usual single pair takes a shortcut; anything else is scanned in full. The format's
 * fixed strings are built once here, not on every request.
 */
export function signedPairParser(f: SignedPairFormat): (value: string) => SignedTimestamp | VerifyResult {
  const t = `${f.timestampKey}=`;
  const v = `${f.separator}${f.signatureKey}=`;
  const { encoding, bytes } = f.signature;
  return (value) => {
    const exact = exactSignedPair(value, t, v, encoding, bytes);
    if (exact) return exact;
    const fields = scanSignedPairs(value, f.separator, f.timestampKey, f.signatureKey);
    if (!fields) return fail('malformed_signature', `${f.header} is not a ${t}…${f.separator}${f.signatureKey}=… list`);
    const text = fields.timestamp;
    if (text === undefined) return fail('missing_timestamp', `${f.header} has no ${t}`);
    if (text === null) return fail('malformed_timestamp', `${f.header} has conflicting ${t} values`);
    const timestamp = parseEpochSeconds(text);
    if (timestamp === undefined) return fail('malformed_timestamp', `${f.header} ${t} is not epoch seconds`);
    if (fields.signatures.length === 0) {
      return fail(fields.otherVersions ? 'unsupported_version' : 'missing_signature', `${f.header} has no ${f.signatureKey} signature`);
    }
    const candidates = decodeSignatureList(fields.signatures, f.signature);
    if (typeof candidates === 'string') return fail(candidates, `${f.signatureKey} is not a SHA-256 hex digest`);
    return { timestampText: text, timestamp, candidates };
  };
}

// ---------------------------------------------------------------------------------------------
// Signature decoding

/**
 * Decodes a received digest of exactly `bytes` bytes; undefined for anything else (never throws).
 * Hex digits may be either case (the decoded bytes are what is compared). Base64 must be padded
 * standard base64 with zero unused bits, so two different strings never decode to the same digest
 * and a mutated padding character cannot pass as "unpadded".
 * Decoding is a table lookup per character: no regular expression, no intermediate string, no
 * native call. `into` (a buffer of `bytes` bytes) is written instead of allocating: a fresh small
 * Buffer costs more than the decoding, and verify() decodes on every request (see candidateSlot).
 */
export function decodeDigest(text: string, encoding: DigestEncoding, bytes: number, start = 0, into?: Buffer): Buffer | undefined {
  const out = into ?? Buffer.allocUnsafe(bytes);
  return encoding === 'hex' ? decodeHexDigest(text, bytes, start, out) : decodeBase64Digest(text, bytes, start, out);
}

/** Reusable candidate buffers, indexed by digest size in bytes, then by candidate index. */
const SLOTS: Buffer[][] = [];
const MAX_SLOTS = 16;

/**
 * The `index`-th reusable buffer for a decoded candidate of `bytes` bytes. verify() is synchronous
 * and compares its candidates before it returns, so the next request can reuse the same memory.
 * A candidate decoded into a slot is only valid until the next decode: copy it to keep it.
 */
export function candidateSlot(bytes: number, index: number): Buffer {
  if (index >= MAX_SLOTS) return Buffer.allocUnsafe(bytes);
  const slots = (SLOTS[bytes] ??= []);
  return (slots[index] ??= Buffer.alloc(bytes));
}

/** Character code → value, -1 when not in the alphabet. Indexed with `code & 0x7f`; non-ASCII is rejected separately. */
const HEX_VALUES = new Int8Array(128).fill(-1);
const BASE64_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUES['0123456789abcdef'.charCodeAt(i)] = i;
for (let i = 10; i < 16; i++) HEX_VALUES['0123456789ABCDEF'.charCodeAt(i)] = i;
for (let i = 0; i < 64; i++) BASE64_VALUES['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
const EQUALS = 0x3d;

/**
 * Two hex characters → their byte, -1 when either is not a hex digit. Indexed by the two 7-bit
 * character codes, so each output byte costs one lookup instead of two (16 K entries, 32 KiB).
 */
const HEX_PAIRS = new Int16Array(1 << 14).fill(-1);
// Only the 22 hex characters are visited (484 pairs): this runs once, at cold start, uncompiled.
const HEX_CHARS = '0123456789abcdefABCDEF';
for (let i = 0; i < HEX_CHARS.length; i++) {
  for (let j = 0; j < HEX_CHARS.length; j++) {
    const hi = HEX_CHARS.charCodeAt(i);
    const lo = HEX_CHARS.charCodeAt(j);
    HEX_PAIRS[(hi << 7) | lo] = ((HEX_VALUES[hi] as number) << 4) | (HEX_VALUES[lo] as number);
  }
}

function decodeHexDigest(text: string, bytes: number, start: number, out: Buffer): Buffer | undefined {
  if (text.length - start !== bytes * 2) return undefined;
  // Invalid characters are accumulated, not branched on: every byte is written, then all are checked once.
  let codes = 0;
  let values = 0;
  for (let i = 0, j = start; i < bytes; i++, j += 2) {
    const hi = text.charCodeAt(j);
    const lo = text.charCodeAt(j + 1);
    const value = HEX_PAIRS[((hi & 0x7f) << 7) | (lo & 0x7f)] as number;
    codes |= hi | lo;
    values |= value;
    out[i] = value;
  }
  return codes < 0x80 && values >= 0 ? out : undefined;
}

function decodeBase64Digest(text: string, bytes: number, start: number, out: Buffer): Buffer | undefined {
  if (text.length - start !== 4 * Math.ceil(bytes / 3)) return undefined;
  const dataEnd = start + Math.ceil((bytes * 8) / 6);
  // Exactly the padding the length calls for: a missing or extra `=` is a different digest length.
  for (let j = dataEnd; j < text.length; j++) if (text.charCodeAt(j) !== EQUALS) return undefined;
  let codes = 0;
  let values = 0;
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let j = start; j < dataEnd; j++) {
    const c = text.charCodeAt(j);
    const v = BASE64_VALUES[c & 0x7f] as number;
    codes |= c;
    values |= v;
    acc = (acc << 6) | (v & 0x3f);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >>> bits;
      acc &= (1 << bits) - 1;
    }
  }
  // `acc` now holds the last character's bits beyond the digest: they must be zero, or two strings would decode alike.
  return codes < 0x80 && values >= 0 && acc === 0 ? out : undefined;
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
  /** When an entry has another `<word>=`/`<word>,` version prefix, report `unsupported_version` rather than malformed. */
  readonly versionPattern?: RegExp;
}

/**
 * Decodes a list of prefixed digests (the entries of a comma-joined repeated header). Returns the
 * decoded candidates (in reused slots: compare them before decoding again), or the failure to
 * report when none is usable.
 */
export function decodeSignatureList(entries: readonly string[], options: SignatureListOptions): Buffer[] | FailureReason {
  const out: Buffer[] = [];
  let otherVersion = false;
  const prefix = options.prefix;
  for (const entry of entries) {
    const matches = options.prefixCaseInsensitive
      ? entry.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()
      : entry.startsWith(prefix);
    if (!matches) {
      if (options.versionPattern?.test(entry)) otherVersion = true;
      continue;
    }
    const digest = decodeDigest(entry, options.encoding, options.bytes, prefix.length, candidateSlot(options.bytes, out.length));
    if (digest) out.push(digest);
  }
  if (out.length > 0) return out;
  return otherVersion ? 'unsupported_version' : 'malformed_signature';
}

/**
 * A signature header's candidates: the usual single `<prefix><digest>` takes a shortcut (decoded
 * straight into slot 0), anything else — a comma-joined repeat, whitespace, other versions, a bad
 * digest — goes through splitList + decodeSignatureList. A header the shortcut accepts holds no
 * comma or whitespace, so the full path would find the same single entry and decode it the same.
 */
export function decodeSignatureHeader(header: string, options: SignatureListOptions): Buffer[] | FailureReason {
  const prefix = options.prefix;
  const digestChars = options.encoding === 'hex' ? options.bytes * 2 : 4 * Math.ceil(options.bytes / 3);
  // (A prefix with a comma, possible in a generic hmac config, never survives the split: no shortcut for it.)
  if (header.length === prefix.length + digestChars && !prefix.includes(',')) {
    const matches = prefix === '' || (options.prefixCaseInsensitive ? header.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() : header.startsWith(prefix));
    const digest = matches ? decodeDigest(header, options.encoding, options.bytes, prefix.length, candidateSlot(options.bytes, 0)) : undefined;
    if (digest) return [digest];
  }
  return decodeSignatureList(splitList(header, ','), options);
}

// ---------------------------------------------------------------------------------------------
// HMAC and comparison

/** A scheme whose one header carries an HMAC-SHA256 of the body alone (GitHub, Shopify, Entrupy). */
export interface BodyHmacFormat {
  /** Lower-cased header name. */
  readonly header: string;
  /** How the signature is written in the header. */
  readonly signature: SignatureListOptions;
  /** Names the expected form in a malformed-signature detail, e.g. `sha256=<64 hex digits>`. */
  readonly expected: string;
  /** Detail for a missing header. */
  readonly missing: (headers: Headers) => string;
}

/** Verifies a body-only HMAC-SHA256 scheme; a repeated header arrives comma-joined, and hex and base64 digests contain no commas. */
export function verifyBodyHmac(request: VerifyRequest<unknown>, f: BodyHmacFormat): VerifyResult {
  if (!hasSecret(request.secrets)) return fail('no_secret');
  const header = readHeader(request.headers, f.header);
  if (header === undefined) return fail('missing_signature', f.missing(request.headers));
  const candidates = decodeSignatureHeader(header, f.signature);
  if (typeof candidates === 'string') return fail(candidates, `expected ${f.expected}`);
  return matchSecrets(request.secrets, candidates, (s) => utf8HmacKey('sha256', s).digest('', request.body));
}

/**
 * The usual timestamped scheme (Stripe, Paddle, Slack, Zoom): HMAC-SHA256 with the secret's UTF-8
 * text over `prefix` + body, matched against the candidates, then the replay window.
 */
export function matchTimestamped(
  request: VerifyRequest<unknown>,
  candidates: readonly Uint8Array[],
  prefix: string,
  timestampSeconds: number,
  defaultTolerance: number,
  acceptsFuture: boolean,
): VerifyResult {
  const result = matchSecrets(request.secrets, candidates, (s) => utf8HmacKey('sha256', s).digest(prefix, request.body), timestampSeconds);
  return result.valid ? withinWindow(result, timestampSeconds, request, defaultTolerance, acceptsFuture) : result;
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
  if (!Array.isArray(secrets)) return false;
  for (let i = 0; i < secrets.length; i++) {
    const s = secrets[i];
    if (typeof s === 'string' && s !== '') return true;
  }
  return false;
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
  // The last secret asked for, checked before the map: a verifier asks for the same one request
  // after request, and comparing one string is cheaper than hashing into a Map.
  let lastSecret: string | undefined;
  let lastKey: K | undefined;
  return (secret) => {
    if (secret === lastSecret) return lastKey as K;
    let key = cache.get(secret);
    if (key === undefined && !cache.has(secret)) {
      key = decode(secret);
      if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
      cache.set(secret, key);
    }
    lastSecret = secret;
    lastKey = key;
    return key as K;
  };
}

const preparedUtf8 = (algorithm: HmacAlgorithm) => cachedKey((secret: string) => new PreparedHmacKey(algorithm, Buffer.from(secret, 'utf8')));
const UTF8_KEYS: Readonly<Record<HmacAlgorithm, (secret: string) => PreparedHmacKey>> = {
  sha1: preparedUtf8('sha1'),
  sha256: preparedUtf8('sha256'),
  sha512: preparedUtf8('sha512'),
};

/**
 * The prepared HMAC key for a secret whose UTF-8 text is the key (every scheme but Standard
 * Webhooks, whose key is base64-decoded). Cached per algorithm, so a request costs no key setup.
 */
export function utf8HmacKey(algorithm: HmacAlgorithm, secret: string): PreparedHmacKey {
  return UTF8_KEYS[algorithm](secret);
}

// ---------------------------------------------------------------------------------------------
// Timestamps

/** Parses integer epoch seconds (`1614265330`, at most 12 digits). Undefined for anything else, including signs and decimals. */
export function parseEpochSeconds(text: string): number | undefined {
  if (text.length === 0 || text.length > 12) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
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

/**
 * `result` when `timestampSeconds` lies inside the replay window (the source's tolerance, else the
 * scheme's default), else the `stale_timestamp` / `future_timestamp` failure with its detail.
 */
export function withinWindow(
  result: VerifyResult,
  timestampSeconds: number,
  request: Pick<VerifyRequest, 'nowSeconds' | 'toleranceSeconds'>,
  defaultTolerance: number,
  acceptsFuture: boolean,
): VerifyResult {
  const tolerance = toleranceFor(request, defaultTolerance);
  const outside = checkWindow(timestampSeconds, request.nowSeconds, tolerance, acceptsFuture);
  return outside ? fail(outside, windowDetail(outside, timestampSeconds, request.nowSeconds, tolerance)) : result;
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

const V0_SIGNATURE: SignatureListOptions = { prefix: 'v0=', encoding: 'hex', bytes: DIGEST_BYTES.sha256, versionPattern: /^v\d+=/ };

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
  const candidates = decodeSignatureHeader(header, V0_SIGNATURE);
  if (typeof candidates === 'string') return fail(candidates, 'expected v0=<64 hex digits>');
  return matchTimestamped(request, candidates, `v0:${ts}:`, timestamp, defaultTolerance, acceptsFuture);
}

export function signV0(body: Uint8Array, secret: string, timestampSeconds: number, names: V0Headers): Record<string, string> {
  assertSigningSecret(secret, names.label);
  assertTimestamp(timestampSeconds, names.label);
  const digest = utf8HmacKey('sha256', secret).digest(`v0:${timestampSeconds}:`, body).toString('hex');
  return { [names.signature]: `v0=${digest}`, [names.timestamp]: String(timestampSeconds) };
}
