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
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
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
  utf8Key,
  type SignatureListOptions,
} from './shared';

const HEADER = 'x-twilio-signature';
const BODY_HASH_PARAM = 'bodySHA256';

export const twilioOptionsSchema = z.strictObject({
  /** The webhook URL exactly as configured in Twilio; defaults to the request URL. */
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export type TwilioOptions = z.output<typeof twilioOptionsSchema>;

const decoder = new TextDecoder('utf-8');
const SIGNATURE: SignatureListOptions = { prefix: '', encoding: 'base64', bytes: DIGEST_BYTES.sha1 };

/** Form parameters as Twilio signs them: names sorted, each name followed by each distinct value, sorted. */
export function twilioParamString(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  const grouped = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(decoder.decode(body))) {
    const values = grouped.get(name);
    if (values) values.add(value);
    else grouped.set(name, new Set([value]));
  }
  let out = '';
  for (const name of [...grouped.keys()].sort()) {
    for (const value of [...(grouped.get(name) as Set<string>)].sort()) out += name + value;
  }
  return out;
}

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

function urlFor(options: TwilioOptions | undefined, url: string | undefined): string | undefined {
  const chosen = options?.url ?? url;
  return chosen === undefined || chosen === '' ? undefined : chosen;
}

export const twilio: Scheme<TwilioOptions> = {
  name: 'twilio',
  optionsSchema: twilioOptionsSchema,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'form',
  eventId: { header: 'i-twilio-idempotency-token' },

  verify(request): VerifyResult {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const raw = urlFor(request.options, request.url);
    if (raw === undefined) return fail('missing_url', 'Twilio signs the URL: set options.url or pass the request URL');
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail('missing_url', 'the URL is not a valid absolute URL');
    }
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'X-Twilio-Signature header is missing');
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected a base64 HMAC-SHA1');

    const bodyHashText = parsed.searchParams.get(BODY_HASH_PARAM);
    const params = bodyHashText === null ? twilioParamString(request.body) : '';
    // The other spellings are only worked out when the URL as received does not match.
    let others: string[] | undefined;
    let usable = 0;
    for (let i = 0; i < request.secrets.length; i++) {
      const secret = request.secrets[i];
      if (typeof secret !== 'string' || secret === '') continue;
      usable++;
      const key = utf8Key(secret);
      const matches = (url: string): boolean => {
        const expected = createHmac('sha1', key).update(url).update(params).digest();
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
    return { [HEADER]: createHmac('sha1', request.secret).update(url).update(params).digest('base64') };
  },

  checkSecret(secret) {
    const common = checkCommonSecret(secret);
    if (common) return common;
    return /^[0-9a-f]{32}$/.test(secret) ? undefined : 'Twilio auth tokens are 32 lower-case hex characters (is this an API key secret or the account SID?)';
  },
};
