/**
 * Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 with the account's auth token over
 * - form bodies: the full URL followed by every POST parameter, sorted by name, as name+value
 *   (a repeated name contributes each distinct value, sorted);
 * - JSON bodies: the URL only, whose query carries `bodySHA256` = hex SHA-256 of the body, which
 *   must then match the body.
 * Like Twilio's own libraries, the URL is tried as received, without its port, and with the
 * scheme's default port (443/80) added, plus the legacy form with `'` left unescaped in the query.
 * Set `url` when the URL configured in Twilio differs from the request URL seen here.
 * Nothing time-bound is signed: deduplicate on `I-Twilio-Idempotency-Token`.
 * https://www.twilio.com/docs/usage/security#validating-requests
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Scheme, VerifyResult } from './types';
import {
  assertSigningSecret,
  bytesEqual,
  checkCommonSecret,
  decodeDigest,
  decodeSignatureHeader,
  DIGEST_BYTES,
  fail,
  hasSecret,
  ok,
  readHeader,
  utf8HmacKey,
  type SignatureListOptions,
} from './shared';
import { lazySchema } from './options';

const HEADER = 'x-twilio-signature';
const BODY_HASH_PARAM = 'bodySHA256';

/** Built on first use (see options.ts). */
export const twilioOptionsSchema = lazySchema(() =>
  z.strictObject({
    /** The webhook URL exactly as configured in Twilio; defaults to the request URL. */
    url: z.optional(z.url({ protocol: /^https?$/ })),
  }),
);
export type TwilioOptions = z.output<ReturnType<typeof twilioOptionsSchema>>;

const decoder = new TextDecoder('utf-8');
const SIGNATURE: SignatureListOptions = { prefix: '', encoding: 'base64', bytes: DIGEST_BYTES.sha1 };

/** Form parameters as Twilio signs them: names sorted, each name followed by each distinct value, sorted. */
export function twilioParamString(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // Bytes are parsed directly when that is sure to give what URLSearchParams gives on the decoded
  // text: ASCII (what Twilio sends: it percent-encodes the rest), or valid UTF-8 without a BOM and
  // without `%` (Node's URLSearchParams mangles raw non-ASCII next to an undecodable `%` sequence).
  // Anything else goes through TextDecoder and URLSearchParams, as it always did.
  const direct = isAscii(bytes) || (bytes.indexOf(PERCENT) < 0 && isUtf8(bytes) && !(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf));
  const grouped = direct ? parseForm(bytes) : parseFormText(decoder.decode(body));
  let out = '';
  for (const name of [...grouped.keys()].sort()) {
    const values = grouped.get(name) as Values;
    if (typeof values === 'string') out += name + values;
    else for (const value of [...values].sort()) out += name + value;
  }
  return out;
}

/** A name's distinct values: the usual single one as a string, a Set once there are more. */
type Values = string | Set<string>;

function parseFormText(text: string): Map<string, Values> {
  const grouped = new Map<string, Values>();
  for (const [name, value] of new URLSearchParams(text)) add(grouped, name, value);
  return grouped;
}

function add(grouped: Map<string, Values>, name: string, value: string): void {
  const values = grouped.get(name);
  if (values === undefined) grouped.set(name, value);
  else if (typeof values === 'string') {
    if (values !== value) grouped.set(name, new Set([values, value]));
  } else values.add(value);
}

const AMP = 0x26;
const EQ = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const QUESTION = 0x3f;

/**
 * The WHATWG application/x-www-form-urlencoded parser (what URLSearchParams runs), over bytes:
 * split on `&`, then on the first `=`, `+` → space, percent-decode, UTF-8 decode. Each search moves
 * only forward (the next `=`, `+` and `%` are remembered), so a body is scanned a bounded number of
 * times whatever its shape, and every scan is a native `indexOf`.
 */
function parseForm(body: Buffer): Map<string, Values> {
  const grouped = new Map<string, Values>();
  const length = body.length;
  const next = (byte: number, from: number): number => {
    const at = body.indexOf(byte, from);
    return at < 0 ? length : at;
  };
  // URLSearchParams drops a leading `?`.
  let from = body[0] === QUESTION ? 1 : 0;
  let nextEq = -1;
  let nextPlus = -1;
  let nextPercent = -1;
  const component = (start: number, end: number): string => {
    if (nextPercent < start) nextPercent = next(PERCENT, start);
    if (nextPercent < end) return decodeComponent(body, start, end);
    if (nextPlus < start) nextPlus = next(PLUS, start);
    return nextPlus < end ? plusToSpace(body, start, end) : body.toString('utf8', start, end);
  };
  while (from < length) {
    const to = next(AMP, from);
    if (to > from) {
      if (nextEq < from) nextEq = next(EQ, from);
      const eq = nextEq < to ? nextEq : to;
      add(grouped, component(from, eq), eq < to ? component(eq + 1, to) : '');
    }
    from = to + 1;
  }
  return grouped;
}

/**
 * A name or value with `+` but no `%`: `+` → space, byte by byte (a plain loop beats
 * `String.replaceAll` several times over on long values full of `+`). 0x2B never occurs inside a
 * multi-byte UTF-8 sequence, so this is safe on any valid UTF-8.
 */
function plusToSpace(body: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  for (let j = start, o = 0; j < end; j++, o++) {
    const b = body[j] as number;
    out[o] = b === PLUS ? 0x20 : b;
  }
  return out.toString('utf8');
}

/** A name or value with a `%` in it: `+` → space and percent-decoding, then UTF-8 decoding (a stray `%` is kept, as the WHATWG decoder keeps it). */
function decodeComponent(body: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  let o = 0;
  for (let j = start; j < end; j++) {
    const b = body[j] as number;
    if (b === PLUS) out[o++] = 0x20;
    else if (b === PERCENT && j + 2 < end && isHex(body[j + 1]) && isHex(body[j + 2])) {
      out[o++] = (hexValue(body[j + 1] as number) << 4) | hexValue(body[j + 2] as number);
      j += 2;
    } else out[o++] = b;
  }
  return out.toString('utf8', 0, o);
}

const isHex = (b: number | undefined): boolean => b !== undefined && ((b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66));
const hexValue = (b: number): number => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10);

function withStandardPort(u: URL): string {
  const port = u.protocol === 'https:' ? ':443' : ':80';
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${auth}${u.host}${port}${u.pathname}${u.search}${u.hash}`;
}

/** The URL spellings Twilio's libraries accept, most likely first, without duplicates. */
export function twilioUrlVariants(raw: string, parsed: URL): string[] {
  const noPort = new URL(parsed.href);
  noPort.port = '';
  const withPort = parsed.port ? parsed.href : withStandardPort(parsed);
  const legacy = (url: string) => {
    const q = url.indexOf('?');
    return q < 0 ? url : url.slice(0, q) + url.slice(q).replaceAll('%27', "'");
  };
  return [...new Set([raw, noPort.href, withPort, legacy(noPort.href), legacy(withPort)])];
}

interface Target {
  /** Never mutated: twilioUrlVariants copies it. */
  readonly parsed: URL;
  /** The `bodySHA256` query parameter (JSON bodies), or null for a form body. */
  readonly bodyHashText: string | null;
}

let lastRaw: string | undefined;
let lastTarget: Target | undefined;

/**
 * The parsed URL and its `bodySHA256`, or undefined when `raw` is not an absolute URL. A Twilio
 * webhook URL is the same string request after request (usually `options.url`), so the last one
 * is kept: parsing it and its query costs more than the parameter string at 1 KiB.
 */
function parseTarget(raw: string): Target | undefined {
  if (raw === lastRaw) return lastTarget;
  let target: Target | undefined;
  try {
    const parsed = new URL(raw);
    target = { parsed, bodyHashText: parsed.searchParams.get(BODY_HASH_PARAM) };
  } catch {
    target = undefined;
  }
  lastRaw = raw;
  lastTarget = target;
  return target;
}

function urlFor(options: TwilioOptions | undefined, url: string | undefined): string | undefined {
  const chosen = options?.url ?? url;
  return chosen === undefined || chosen === '' ? undefined : chosen;
}

export const twilio: Scheme<TwilioOptions> = {
  name: 'twilio',
  get optionsSchema() {
    return twilioOptionsSchema();
  },
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'form',
  eventId: { header: 'i-twilio-idempotency-token' },

  verify(request): VerifyResult {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const raw = urlFor(request.options, request.url);
    if (raw === undefined) return fail('missing_url', 'Twilio signs the URL: set options.url or pass the request URL');
    const target = parseTarget(raw);
    if (target === undefined) return fail('missing_url', 'the URL is not a valid absolute URL');
    const { parsed, bodyHashText } = target;
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'X-Twilio-Signature header is missing');
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected a base64 HMAC-SHA1');

    const params = bodyHashText === null ? twilioParamString(request.body) : '';
    // The other spellings are only worked out when the URL as received does not match.
    let others: string[] | undefined;
    let usable = 0;
    for (let i = 0; i < request.secrets.length; i++) {
      const secret = request.secrets[i];
      if (typeof secret !== 'string' || secret === '') continue;
      usable++;
      const key = utf8HmacKey('sha1', secret);
      const matches = (url: string): boolean => {
        const expected = key.digest(url, params);
        let any = false;
        for (const candidate of candidates) any = bytesEqual(expected, candidate) || any;
        return any;
      };
      // Stops at the first matching URL spelling: which spelling matched is not secret.
      const matched = matches(raw) || (others ??= twilioUrlVariants(raw, parsed).slice(1)).some(matches);
      if (!matched) continue;
      if (bodyHashText !== null) {
        const claimed = decodeDigest(bodyHashText, 'hex', 32);
        const actual = createHash('sha256').update(request.body).digest();
        if (!claimed || !bytesEqual(claimed, actual)) return fail('signature_mismatch', 'the body does not match bodySHA256');
      }
      return ok(i);
    }
    return usable === 0 ? fail('no_secret') : fail('signature_mismatch');
  },

  /** Signs as Twilio does; for a JSON body the caller puts `bodySHA256=<hex sha256 of body>` in the URL first. */
  sign(request) {
    assertSigningSecret(request.secret, 'twilio');
    const url = urlFor(request.options, request.url);
    if (url === undefined) throw new TypeError('twilio.sign() needs a url or options.url');
    const params = new URL(url).searchParams.has(BODY_HASH_PARAM) ? '' : twilioParamString(request.body);
    return { [HEADER]: utf8HmacKey('sha1', request.secret).digest(url, params).toString('base64') };
  },

  checkSecret(secret) {
    const common = checkCommonSecret(secret);
    if (common) return common;
    return /^[0-9a-f]{32}$/.test(secret) ? undefined : 'Twilio auth tokens are 32 lower-case hex characters (is this an API key secret or the account SID?)';
  },
};
