/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body keyed with the app's client
 * secret (UTF-8). No timestamp is signed: deduplicate on `X-Shopify-Event-Id`.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const shopify = defineScheme({
  name: 'shopify',
  docs: 'https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify',
  optionsSchema: noOptions,
  layout: {
    signature: { format: 'list', headers: ['x-shopify-hmac-sha256'], prefix: '' },
    algorithm: 'sha256',
    encoding: 'base64',
    key: 'utf8',
    signedContent: '{body}',
  },
  eventId: { header: 'x-shopify-event-id', fallback: { header: 'x-shopify-webhook-id' } },
  eventType: { header: 'x-shopify-topic' },
  contentTypes: [JSON_BODY],
});
