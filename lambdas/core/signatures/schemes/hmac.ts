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
 * @example A form-posting sender: `"contentTypes": ["application/x-www-form-urlencoded"]` (default: JSON only).
 *
 * Details: the prefix is matched case-insensitively (`Bearer`/`bearer`); hex digests may be
 * upper- or lower-case; the `{timestamp}` placeholder is replaced by the header value exactly as
 * received. A template that names `{timestamp}` needs `timestampHeader`, and a `timestampHeader`
 * needs a template that signs it (an unsigned timestamp would give no replay protection).
 */
import * as z from 'zod/mini';
import { defineScheme, once } from '../define';
import { FORM_BODY, JSON_BODY, type Layout } from '../description';

const BODY = '{body}';
const TIMESTAMP = '{timestamp}';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerName = once(() =>
  z.pipe(
    z.string().check(z.regex(HEADER_NAME, 'must be an HTTP header name')),
    z.transform((h: string) => h.toLowerCase()),
  ),
);

export const hmacOptionsSchema = once(() =>
  z
    .strictObject({
      /** Header carrying the signature. @default "x-webhook-signature" */
      header: z._default(headerName(), 'x-webhook-signature'),
      /** Text before the digest, e.g. `sha256=`, `Bearer `, `SHA256:`; "" for none. Case-insensitive. @default "sha256=" */
      prefix: z._default(z.string().check(z.maxLength(64)), 'sha256='),
      /** @default "sha256" */
      algorithm: z._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256'),
      /** @default "hex" */
      encoding: z._default(z.enum(['hex', 'base64']), 'hex'),
      /** Header carrying the send time; absent means no replay window. */
      timestampHeader: z.optional(headerName()),
      /** How the timestamp is written: epoch seconds, ISO 8601, or either. @default "auto" */
      timestampFormat: z._default(z.enum(['epoch', 'iso8601', 'auto']), 'auto'),
      /** Replay window when the source sets none. @default 300 */
      toleranceSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(7 * 24 * 3600))),
      /** What is signed: `{body}` exactly once, optionally `{timestamp}`, other text literal. @default "{body}" */
      signedContent: z._default(z.string().check(z.maxLength(256)), BODY),
      /** The body media types the sender uses. @default ["application/json"] */
      contentTypes: z._default(
        z.array(z.enum(['application/json', 'application/x-www-form-urlencoded'])).check(z.minLength(1)),
        ['application/json'],
      ),
    })
    .check(
      z.superRefine((o, ctx) => {
        const bodyAt = o.signedContent.indexOf(BODY);
        if (bodyAt < 0 || o.signedContent.indexOf(BODY, bodyAt + 1) >= 0) {
          ctx.addIssue({ code: 'custom', path: ['signedContent'], message: 'must contain {body} exactly once' });
        }
        const unknown = o.signedContent
          .replaceAll(BODY, '')
          .replaceAll(TIMESTAMP, '')
          .match(/\{[a-z]+\}/i);
        if (unknown)
          ctx.addIssue({
            code: 'custom',
            path: ['signedContent'],
            message: `unknown placeholder ${unknown[0]}; use {body} and {timestamp}`,
          });
        const signsTimestamp = o.signedContent.includes(TIMESTAMP);
        if (signsTimestamp && !o.timestampHeader) {
          ctx.addIssue({
            code: 'custom',
            path: ['timestampHeader'],
            message: 'signedContent uses {timestamp}, so timestampHeader is required',
          });
        }
        if (o.timestampHeader && !signsTimestamp) {
          ctx.addIssue({
            code: 'custom',
            path: ['signedContent'],
            message:
              'timestampHeader is set but signedContent does not sign {timestamp}: the timestamp could be replaced freely',
          });
        }
      }),
    ),
);
export type HmacOptions = z.output<ReturnType<typeof hmacOptionsSchema>>;

function layout(o: HmacOptions): Layout {
  return {
    signature: { format: 'list', headers: [o.header], prefix: o.prefix, prefixCaseInsensitive: true },
    algorithm: o.algorithm,
    encoding: o.encoding,
    key: 'utf8',
    signedContent: o.signedContent,
    ...(o.timestampHeader && {
      timestamp: {
        from: { header: [o.timestampHeader], format: o.timestampFormat },
        toleranceSeconds: o.toleranceSeconds ?? 300,
        acceptsFuture: true,
      },
    }),
  };
}

export const hmac = defineScheme({
  name: 'hmac',
  docs: 'docs/configuration.md (schemeOptions) and docs/signatures.md (the hmac row)',
  optionsSchema: hmacOptionsSchema,
  layout,
  contentTypes: (o) => o.contentTypes.map((media) => (media === 'application/json' ? JSON_BODY : FORM_BODY)),
  // Your own senders: you hand them the secret.
  secretIssuer: 'receiver',
});
