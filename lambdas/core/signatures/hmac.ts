/**
 * Generic HMAC for in-house senders: a configurable header, optional prefix, algorithm, encoding,
 * optional timestamp header and a signed-content template.
 *
 * Documented configurations (each is exercised in test/core/signatures/hmac.test.ts):
 *
 * @example `X-Webhook-Signature: sha256=<hex>` of the body — the defaults:
 * ```json
 * { "scheme": "hmac", "schemeOptions": {} }
 * ```
 * @example `Authorization: Bearer <hex>` of the body:
 * ```json
 * { "scheme": "hmac", "schemeOptions": { "header": "Authorization", "prefix": "Bearer " } }
 * ```
 * @example `X-WSS-Signature: <hex>` over timestamp + body, `X-WSS-Timestamp` in ISO 8601 or epoch seconds, 5 minutes:
 * ```json
 * { "scheme": "hmac", "toleranceSeconds": 300, "schemeOptions": {
 *     "header": "X-WSS-Signature", "prefix": "", "timestampHeader": "X-WSS-Timestamp",
 *     "timestampFormat": "auto", "signedContent": "{timestamp}{body}" } }
 * ```
 *
 * Details: the prefix is matched case-insensitively (`Bearer`/`bearer`); hex digests may be
 * upper- or lower-case; the `{timestamp}` placeholder is replaced by the header value exactly as
 * received. A template that names `{timestamp}` needs `timestampHeader`, and a `timestampHeader`
 * needs a template that signs it (an unsigned timestamp would give no replay protection).
 */
import * as z from 'zod/mini';
import type { Scheme } from './types';
import {
  assertSigningSecret,
  assertTimestamp,
  checkCommonSecret,
  decodeSignatureHeader,
  DIGEST_BYTES,
  fail,
  hasSecret,
  matchSecrets,
  parseEpochSeconds,
  readHeader,
  type SignatureListOptions,
  utf8HmacKey,
  withinWindow,
} from './shared';
import { lazySchema } from './options';

const DEFAULT_TOLERANCE = 300;
const ACCEPTS_FUTURE = true;
const BODY = '{body}';
const TIMESTAMP = '{timestamp}';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerName = z.pipe(
  z.string().check(z.regex(HEADER_NAME, 'must be an HTTP header name')),
  z.transform((h: string) => h.toLowerCase()),
);

/** Built on first use (see options.ts). */
export const hmacOptionsSchema = lazySchema(() =>
  z
    .strictObject({
      /** Header carrying the signature. @default "x-webhook-signature" */
      header: z._default(headerName, 'x-webhook-signature'),
      /** Text before the digest, e.g. `sha256=`, `Bearer `, `SHA256:`; "" for none. Case-insensitive. @default "sha256=" */
      prefix: z._default(z.string().check(z.maxLength(64)), 'sha256='),
      /** @default "sha256" */
      algorithm: z._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256'),
      /** @default "hex" */
      encoding: z._default(z.enum(['hex', 'base64']), 'hex'),
      /** Header carrying the send time; absent means no replay window. */
      timestampHeader: z.optional(headerName),
      /** How the timestamp is written: epoch seconds, ISO 8601, or either. @default "auto" */
      timestampFormat: z._default(z.enum(['epoch', 'iso8601', 'auto']), 'auto'),
      /** Replay window when the source sets none. @default 300 */
      toleranceSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(7 * 24 * 3600))),
      /** What is signed: `{body}` exactly once, optionally `{timestamp}`, other text literal. @default "{body}" */
      signedContent: z._default(z.string().check(z.maxLength(256)), BODY),
    })
    .check(z.superRefine((o, ctx) => {
      const bodyAt = o.signedContent.indexOf(BODY);
      if (bodyAt < 0 || o.signedContent.indexOf(BODY, bodyAt + 1) >= 0) {
        ctx.addIssue({ code: 'custom', path: ['signedContent'], message: 'must contain {body} exactly once' });
      }
      const unknown = o.signedContent.replaceAll(BODY, '').replaceAll(TIMESTAMP, '').match(/\{[a-z]+\}/i);
      if (unknown) ctx.addIssue({ code: 'custom', path: ['signedContent'], message: `unknown placeholder ${unknown[0]}; use {body} and {timestamp}` });
      const signsTimestamp = o.signedContent.includes(TIMESTAMP);
      if (signsTimestamp && !o.timestampHeader) {
        ctx.addIssue({ code: 'custom', path: ['timestampHeader'], message: 'signedContent uses {timestamp}, so timestampHeader is required' });
      }
      if (o.timestampHeader && !signsTimestamp) {
        ctx.addIssue({
          code: 'custom',
          path: ['signedContent'],
          message: 'timestampHeader is set but signedContent does not sign {timestamp}: the timestamp could be replaced freely',
        });
      }
    })),
);
export type HmacOptions = z.output<ReturnType<typeof hmacOptionsSchema>>;

const EPOCH = /^\d{1,12}(?:\.\d{1,9})?$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** Parses a timestamp header value to epoch seconds, or undefined when it is not in `format`. */
export function parseHmacTimestamp(text: string, format: HmacOptions['timestampFormat']): number | undefined {
  if (format !== 'iso8601') {
    // Whole seconds, the usual case, without a regular expression; decimals go through EPOCH.
    const seconds = parseEpochSeconds(text);
    if (seconds !== undefined) return seconds;
    if (EPOCH.test(text)) return Number(text);
  }
  if (format !== 'epoch' && ISO_8601.test(text)) {
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  return undefined;
}

function formatTimestamp(seconds: number, format: HmacOptions['timestampFormat']): string {
  return format === 'iso8601' ? new Date(seconds * 1000).toISOString() : String(seconds);
}

/** Splits the template around `{body}` and fills `{timestamp}`. */
function signedParts(template: string, timestamp: string): [string, string] {
  const at = template.indexOf(BODY);
  const before = template.slice(0, at);
  const after = template.slice(at + BODY.length);
  return [before.replaceAll(TIMESTAMP, timestamp), after.replaceAll(TIMESTAMP, timestamp)];
}

interface Compiled {
  readonly signature: SignatureListOptions;
  /** The template's text before and after `{body}`, split at each `{timestamp}`. */
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** What verify() derives from the options, once per options object (a source's options are parsed once). */
const compiled = new WeakMap<HmacOptions, Compiled>();

function compile(o: HmacOptions): Compiled {
  let c = compiled.get(o);
  if (!c) {
    const at = o.signedContent.indexOf(BODY);
    c = {
      signature: { prefix: o.prefix, prefixCaseInsensitive: true, encoding: o.encoding, bytes: DIGEST_BYTES[o.algorithm] },
      before: o.signedContent.slice(0, at).split(TIMESTAMP),
      after: o.signedContent.slice(at + BODY.length).split(TIMESTAMP),
    };
    compiled.set(o, c);
  }
  return c;
}

/** The template text with `{timestamp}` filled in; the usual one or two parts without Array#join. */
function fill(parts: readonly string[], timestamp: string): string {
  if (parts.length === 1) return parts[0] as string;
  if (parts.length === 2) return (parts[0] as string) + timestamp + (parts[1] as string);
  return parts.join(timestamp);
}

export const hmac: Scheme<HmacOptions> = {
  name: 'hmac',
  get optionsSchema() {
    return hmacOptionsSchema();
  },
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const o = request.options;
    const header = readHeader(request.headers, o.header);
    if (header === undefined) return fail('missing_signature', `${o.header} header is missing`);
    let timestampText = '';
    let timestamp: number | undefined;
    if (o.timestampHeader) {
      const ts = readHeader(request.headers, o.timestampHeader);
      if (ts === undefined) return fail('missing_timestamp', `${o.timestampHeader} header is missing`);
      timestamp = parseHmacTimestamp(ts, o.timestampFormat);
      if (timestamp === undefined) return fail('malformed_timestamp', `${o.timestampHeader} is not a ${o.timestampFormat} timestamp`);
      timestampText = ts;
    }
    const c = compile(o);
    // A repeated header arrives comma-joined; hex and base64 digests contain no commas.
    const candidates = decodeSignatureHeader(header, c.signature);
    if (typeof candidates === 'string') return fail(candidates, `expected ${o.prefix}<${o.encoding} ${o.algorithm}>`);
    const before = fill(c.before, timestampText);
    const after = fill(c.after, timestampText);
    const result = matchSecrets(
      request.secrets,
      candidates,
      (s) => utf8HmacKey(o.algorithm, s).digest(before, request.body, after),
      timestamp,
    );
    if (!result.valid || timestamp === undefined) return result;
    return withinWindow(result, timestamp, request, o.toleranceSeconds ?? DEFAULT_TOLERANCE, ACCEPTS_FUTURE);
  },

  sign(request) {
    assertSigningSecret(request.secret, 'hmac');
    const o = request.options;
    const headers: Record<string, string> = {};
    let timestampText = '';
    if (o.timestampHeader) {
      assertTimestamp(request.timestampSeconds, 'hmac');
      timestampText = formatTimestamp(request.timestampSeconds, o.timestampFormat);
      headers[o.timestampHeader] = timestampText;
    }
    const [before, after] = signedParts(o.signedContent, timestampText);
    headers[o.header] = o.prefix + utf8HmacKey(o.algorithm, request.secret).digest(before, request.body, after).toString(o.encoding);
    return headers;
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
