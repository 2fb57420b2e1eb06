/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body keyed with the app's client
 * secret (UTF-8). No timestamp is signed: deduplicate on `X-Shopify-Event-Id`.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
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
  hmacDigest,
  matchSecrets,
  readHeader,
  utf8Key,
  type SignatureListOptions,
} from './shared';

const HEADER = 'x-shopify-hmac-sha256';

const SIGNATURE: SignatureListOptions = { prefix: '', encoding: 'base64', bytes: DIGEST_BYTES.sha256 };

export type ShopifyOptions = Record<string, never>;

export const shopify: Scheme<ShopifyOptions> = {
  name: 'shopify',
  optionsSchema: z.strictObject({}) as z.ZodMiniType<ShopifyOptions>,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',
  eventId: { header: 'x-shopify-event-id', fallback: { header: 'x-shopify-webhook-id' } },
  eventType: { header: 'x-shopify-topic' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'X-Shopify-Hmac-Sha256 header is missing');
    // A repeated header arrives comma-joined; base64 contains no commas.
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected a base64 HMAC-SHA256');
    return matchSecrets(request.secrets, candidates, (s) => hmacDigest('sha256', utf8Key(s), '', request.body));
  },

  sign(request) {
    assertSigningSecret(request.secret, 'shopify');
    return { [HEADER]: hmacDigest('sha256', request.secret, '', request.body).toString('base64') };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
