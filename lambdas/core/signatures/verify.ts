/**
 * Verification, for every scheme, from its layout:
 * secret present → URL → signature header → id → timestamp → decode the signature → HMAC of the
 * signed content with each secret, compared in constant time → body hash (Twilio JSON) → replay
 * window. The signature is checked before the window, so `stale_timestamp`/`future_timestamp` are
 * only reported for authentically signed requests (a replay), never for forgeries.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { bytesEqual, decodeDigest, ed25519PublicKey, hmac, hmacKey, verifyEd25519 } from './crypto';
import { DIGEST_BYTES, type HmacAlgorithm, type Layout, type TimestampRule } from './description';
import {
  checkWindow,
  displayName,
  fail,
  parseSignature,
  parseTimestamp,
  readFirstHeader,
  readHeader,
  splitList,
  type ReceivedSignature,
} from './formats';
import { placeholders, signedBytes, signedParts, sortedFormParams, type ContentValues } from './signed-content';
import type { VerifyRequest, VerifyResult } from './types';

/** What a request says about itself under a layout: the inputs to the signed content, or why they are missing. */
export interface ReadRequest extends ContentValues {
  readonly received: ReceivedSignature;
  readonly timestampSeconds?: number;
  /** Other spellings of it the provider may have signed, worked out only if `url` does not match. */
  readonly otherUrls?: () => readonly string[];
  /** The body hash the URL claims (Twilio JSON), checked once the signature matched. */
  readonly bodyHashClaim?: string;
}

/** The URL the scheme signs: the option named by the layout, else the request's. */
export function signedUrl(layout: Layout, request: Pick<VerifyRequest, 'url' | 'options'>): string | undefined {
  if (!layout.url) return undefined;
  const configured = (request.options as Record<string, unknown> | undefined)?.[layout.url.option];
  const url = typeof configured === 'string' && configured !== '' ? configured : request.url;
  return url === '' ? undefined : url;
}

/** Reads everything verify needs from the headers, in verify's order, or the first failure. */
export function readRequest(
  layout: Layout,
  request: VerifyRequest<unknown>,
  value?: string,
): ReadRequest | Extract<VerifyResult, { valid: false }> {
  const uses = placeholders(layout.signedContent);
  let url: string | undefined;
  let parsedUrl: URL | undefined;
  if (uses.has('url')) {
    url = signedUrl(layout, request);
    if (url === undefined)
      return fail(
        'missing_url',
        `the scheme signs the URL: set options.${layout.url?.option ?? 'url'} or pass the request URL`,
      );
    try {
      parsedUrl = new URL(url);
    } catch {
      return fail('missing_url', 'the URL is not a valid absolute URL');
    }
  }
  const signature = layout.signature;
  const header =
    value ??
    (signature.format === 'list'
      ? readFirstHeader(request.headers, signature.headers)
      : readHeader(request.headers, signature.header));
  if (header === undefined) {
    const legacy = signature.format === 'list' ? signature.legacy : undefined;
    const named = signature.format === 'list' ? (signature.headers[0] as string) : signature.header;
    return fail(
      'missing_signature',
      legacy && readHeader(request.headers, legacy.header) !== undefined
        ? legacy.detail
        : `${displayName(named)} header is missing`,
    );
  }
  let id: string | undefined;
  if (uses.has('id')) {
    id = readFirstHeader(request.headers, layout.idHeaders ?? []);
    if (id === undefined)
      return fail(
        'missing_signature',
        `${layout.idHeaders?.[0] ?? 'id'} header is missing (it is part of the signed content)`,
      );
  }
  let timestampText: string | undefined;
  let timestampSeconds: number | undefined;
  const from = layout.timestamp?.from;
  if (typeof from === 'object' && 'header' in from) {
    timestampText = readFirstHeader(request.headers, from.header);
    if (timestampText === undefined)
      return fail('missing_timestamp', `${displayName(from.header[0] as string)} header is missing`);
    timestampSeconds = parseTimestamp(timestampText, from.format);
    if (timestampSeconds === undefined)
      return fail('malformed_timestamp', `${displayName(from.header[0] as string)} is not a ${from.format} timestamp`);
  }
  const bytes = DIGEST_BYTES[layout.algorithm ?? 'sha256'];
  const received = parseSignature(signature, header, layout.encoding, bytes, layout.asymmetric?.prefix);
  if (!('candidates' in received)) return received;
  if (received.timestampText !== undefined) {
    timestampText = received.timestampText;
    timestampSeconds = received.timestampSeconds;
  }
  const bodyHashParam = layout.url?.bodyHashParam;
  const bodyHashClaim = bodyHashParam === undefined ? null : (parsedUrl?.searchParams.get(bodyHashParam) ?? null);
  const variants = layout.url?.variants;
  // One object of one shape for every scheme (absent fields undefined), built once per request.
  return {
    received,
    id,
    timestampText,
    timestampSeconds,
    url,
    otherUrls: url !== undefined && variants ? () => variants(url).filter((v) => v !== url) : undefined,
    // With a body hash in the URL the body is not signed, so there are no parameters to sort.
    params: uses.has('params') ? (bodyHashClaim === null ? sortedFormParams(request.body) : '') : undefined,
    bodyHashClaim: bodyHashClaim ?? undefined,
  };
}

/** The source's tolerance when set, else the layout's. */
export function toleranceFor(rule: TimestampRule, request: Pick<VerifyRequest, 'toleranceSeconds'>): number {
  const t = request.toleranceSeconds;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : rule.toleranceSeconds;
}

export function verifyLayout(layout: Layout, request: VerifyRequest<unknown>): VerifyResult {
  if (!hasSecret(request.secrets)) return fail('no_secret');
  const signature = layout.signature;
  // A repeated `;`-separated header (Paddle) arrives comma-joined: each part is a whole value of its own.
  if (signature.format === 'pairs' && signature.separator !== ',') {
    const header = readHeader(request.headers, signature.header);
    if (header !== undefined && header.includes(',')) {
      let first: VerifyResult | undefined;
      for (const value of splitList(header, ',')) {
        const result = verifyOne(layout, request, value);
        if (result.valid) return result;
        first ??= result;
      }
      return first ?? fail('missing_signature');
    }
  }
  return verifyOne(layout, request);
}

function verifyOne(layout: Layout, request: VerifyRequest<unknown>, value?: string): VerifyResult {
  const read = readRequest(layout, request, value);
  if ('valid' in read) return read;
  const matched = layout.algorithm
    ? matchHmac(layout, request, read)
    : matchToken(request, readHeader(request.headers, tokenHeader(layout)) ?? '');
  if (!matched.valid) return matched;
  const claimed = read.bodyHashClaim;
  if (
    claimed !== undefined &&
    !bytesEqual(decodeDigest(claimed, 'hex', 32) ?? Buffer.alloc(0), createHash('sha256').update(request.body).digest())
  ) {
    return fail('signature_mismatch', `the body does not match ${layout.url?.bodyHashParam ?? 'its hash'}`);
  }
  const rule = layout.timestamp;
  if (!rule) return matched;
  let timestamp = read.timestampSeconds;
  if (typeof rule.from === 'object' && 'bodyField' in rule.from) {
    const ms = numberField(request.body, rule.from.bodyField);
    if (ms === undefined) return fail('missing_timestamp', `the body has no numeric ${rule.from.bodyField}`);
    timestamp = ms / 1000;
  }
  if (timestamp === undefined) return matched;
  const outside = checkWindow(timestamp, request.nowSeconds, toleranceFor(rule, request), rule.acceptsFuture);
  return outside ?? { valid: true, secretIndex: matched.secretIndex, timestampSeconds: timestamp };
}

/**
 * Tries each configured secret (current first) against every received candidate, for each URL
 * spelling, and reports the first secret that matches. Every candidate is compared, match or not.
 */
function matchHmac(layout: Layout, request: VerifyRequest<unknown>, read: ReadRequest): VerifyResult {
  const algorithm = layout.algorithm as NonNullable<Layout['algorithm']>;
  let usable = 0;
  for (let i = 0; i < request.secrets.length; i++) {
    const secret = request.secrets[i];
    const asymmetric = layout.asymmetric;
    if (asymmetric && typeof secret === 'string' && secret.startsWith(asymmetric.publicKeyPrefix)) {
      const publicKey = ed25519PublicKey(secret.slice(asymmetric.publicKeyPrefix.length));
      if (!publicKey) continue;
      usable++;
      const signed = signedBytes(layout, read, request.body);
      let matched = false;
      for (const candidate of read.received.asymmetric ?? [])
        matched = verifyEd25519(signed, publicKey, candidate) || matched;
      if (matched) return { valid: true, secretIndex: i };
      continue;
    }
    const key = typeof secret === 'string' && secret !== '' ? hmacKey(layout.key, secret) : null;
    if (!key) continue;
    usable++;
    if (hmacMatches(layout, algorithm, key, read, request.body)) return matchedAt(i);
    // Other URL spellings only when the given one does not match; which spelling matched is not secret.
    for (const url of read.otherUrls?.() ?? [])
      if (hmacMatches(layout, algorithm, key, { ...read, url }, request.body)) return { valid: true, secretIndex: i };
  }
  const asymmetric = layout.asymmetric;
  if (
    asymmetric &&
    read.received.candidates.length === 0 &&
    !request.secrets.some((s) => typeof s === 'string' && s.startsWith(asymmetric.publicKeyPrefix))
  ) {
    return fail(
      'unsupported_version',
      `only ${asymmetric.prefix} signatures are present: configure the sender's ${asymmetric.publicKeyPrefix} public key`,
    );
  }
  if (usable > 0) return fail('signature_mismatch');
  return fail(
    'no_secret',
    layout.key === 'whsec-base64' ? 'no secret is a whsec_<base64> key' : 'no usable secret is configured',
  );
}

const MATCHED: readonly VerifyResult[] = Array.from({ length: 8 }, (_, i) =>
  Object.freeze({ valid: true as const, secretIndex: i }),
);
/** The (frozen, shared) result for a match with secret `i`: results are read, never changed. */
function matchedAt(i: number): VerifyResult {
  return MATCHED[i] ?? { valid: true, secretIndex: i };
}

/** Whether the HMAC of the signed content equals a received candidate; every candidate is compared. */
function hmacMatches(
  layout: Layout,
  algorithm: HmacAlgorithm,
  key: KeyObject,
  read: ReadRequest,
  body: Uint8Array,
): boolean {
  const expected = hmac(algorithm, key, signedParts(layout, read, body));
  const candidates = read.received.candidates;
  let matched = false;
  for (let i = 0; i < candidates.length; i++) matched = bytesEqual(expected, candidates[i] as Buffer) || matched;
  return matched;
}

function tokenHeader(layout: Layout): string {
  return layout.signature.format === 'token' ? layout.signature.header : '';
}

/** Token schemes: both sides hashed before the constant-time compare, so neither content nor length leaks. */
function matchToken(request: VerifyRequest<unknown>, token: string): VerifyResult {
  const received = createHash('sha256').update(token).digest();
  let matched = -1;
  for (let i = 0; i < request.secrets.length; i++) {
    const secret = request.secrets[i];
    if (typeof secret !== 'string' || secret === '') continue;
    if (bytesEqual(createHash('sha256').update(secret).digest(), received) && matched < 0) matched = i;
  }
  return matched >= 0 ? { valid: true, secretIndex: matched } : fail('signature_mismatch');
}

/** Whether at least one non-blank secret is configured; checked before anything is parsed. */
export function hasSecret(secrets: readonly string[]): boolean {
  if (!Array.isArray(secrets)) return false;
  for (let i = 0; i < secrets.length; i++) if (typeof secrets[i] === 'string' && secrets[i] !== '') return true;
  return false;
}

/** A top-level finite number of a JSON body, or undefined. */
function numberField(body: Uint8Array, field: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    const value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
