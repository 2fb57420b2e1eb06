/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body with the webhook secret
 * (UTF-8). No timestamp is signed, so there is no replay window: deduplicate on `X-GitHub-Delivery`.
 * The legacy SHA-1 `X-Hub-Signature` is deliberately not accepted.
 * GitHub sends JSON, or (a choice in the webhook's settings) a form whose `payload` field is the JSON;
 * either way the signature covers the raw bytes as sent.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY, type ContentTypeRule } from '../description';

const FORM_PAYLOAD: ContentTypeRule = { media: 'application/x-www-form-urlencoded', jsonField: 'payload' };

export const github = defineScheme({
  name: 'github',
  docs: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
  optionsSchema: noOptions,
  layout: {
    signature: {
      format: 'list',
      headers: ['x-hub-signature-256'],
      prefix: 'sha256=',
      otherVersion: /^[a-z0-9]+=/i,
      legacy: {
        header: 'x-hub-signature',
        detail: 'only the legacy SHA-1 X-Hub-Signature is present; X-Hub-Signature-256 is required',
      },
    },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: '{body}',
  },
  eventId: { header: 'x-github-delivery' },
  eventType: { header: 'x-github-event' },
  contentTypes: [JSON_BODY, FORM_PAYLOAD],
  // "Secret" is a field of the webhook's settings: the receiver chooses it.
  secretIssuer: 'receiver',
});
