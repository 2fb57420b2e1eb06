/**
 * Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 of notification URL + body with
 * the subscription's signature key (used as UTF-8 text, not decoded). The URL must be exactly the
 * one registered with Square: set `notificationUrl` when the request URL seen here differs
 * (custom domain, stage prefix, proxy). No timestamp is signed: deduplicate on `event_id`.
 * https://developer.squareup.com/docs/webhooks/step3validate
 */
import * as z from 'zod/mini';
import type { Scheme } from './types';
import {
  assertSigningSecret,
  checkCommonSecret,
  decodeSignatureHeader,
  DIGEST_BYTES,
  fail,
  hasSecret,
  matchSecrets,
  readHeader,
  type SignatureListOptions,
  utf8HmacKey,
} from './shared';
import { lazySchema } from './options';

const HEADER = 'x-square-hmacsha256-signature';

/** Built on first use (see options.ts). */
export const squareOptionsSchema = lazySchema(() =>
  z.strictObject({
    /** The notification URL registered with Square; defaults to the request URL. */
    notificationUrl: z.optional(z.url({ protocol: /^https?$/ })),
  }),
);
export type SquareOptions = z.output<ReturnType<typeof squareOptionsSchema>>;

const SIGNATURE: SignatureListOptions = { prefix: '', encoding: 'base64', bytes: DIGEST_BYTES.sha256 };

function urlFor(options: SquareOptions | undefined, url: string | undefined): string | undefined {
  const chosen = options?.notificationUrl ?? url;
  return chosen === undefined || chosen === '' ? undefined : chosen;
}

export const square: Scheme<SquareOptions> = {
  name: 'square',
  get optionsSchema() {
    return squareOptionsSchema();
  },
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',
  eventId: { bodyPath: 'event_id' },
  eventType: { bodyPath: 'type' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const url = urlFor(request.options, request.url);
    if (url === undefined) return fail('missing_url', 'Square signs the notification URL: set notificationUrl or pass the request URL');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'x-square-hmacsha256-signature header is missing');
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected a base64 HMAC-SHA256');
    return matchSecrets(request.secrets, candidates, (s) => utf8HmacKey('sha256', s).digest(url, request.body));
  },

  sign(request) {
    assertSigningSecret(request.secret, 'square');
    const url = urlFor(request.options, request.url);
    if (url === undefined) throw new TypeError('square.sign() needs a url or options.notificationUrl');
    return { [HEADER]: utf8HmacKey('sha256', request.secret).digest(url, request.body).toString('base64') };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
