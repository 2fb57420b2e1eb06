/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body keyed with the app's client
 * secret (UTF-8). No timestamp is signed: deduplicate on `X-Shopify-Event-Id`.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
 */
import type { Scheme } from './types';
import {
  assertSigningSecret,
  checkCommonSecret,
  DIGEST_BYTES,
  type SignatureListOptions,
  type BodyHmacFormat,
  verifyBodyHmac,
  utf8HmacKey,
} from './shared';
import { noOptions } from './options';

const HEADER = 'x-shopify-hmac-sha256';

const SIGNATURE: SignatureListOptions = { prefix: '', encoding: 'base64', bytes: DIGEST_BYTES.sha256 };

const FORMAT: BodyHmacFormat = { header: HEADER, signature: SIGNATURE, expected: 'a base64 HMAC-SHA256', missing: () => 'X-Shopify-Hmac-Sha256 header is missing' };

export type ShopifyOptions = Record<string, never>;

export const shopify: Scheme<ShopifyOptions> = {
  name: 'shopify',
  optionsSchema: noOptions,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',
  eventId: { header: 'x-shopify-event-id', fallback: { header: 'x-shopify-webhook-id' } },
  eventType: { header: 'x-shopify-topic' },

  verify: (request) => verifyBodyHmac(request, FORMAT),

  sign(request) {
    assertSigningSecret(request.secret, 'shopify');
    return { [HEADER]: utf8HmacKey('sha256', request.secret).digest('', request.body).toString('base64') };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
