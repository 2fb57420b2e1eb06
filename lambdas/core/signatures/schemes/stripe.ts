/**
 * Stripe: `Stripe-Signature: t=<epoch>,v1=<hex>[,v1=<hex>…][,v0=…]`, HMAC-SHA256 over `${t}.${body}`.
 * The `whsec_…` secret is used as-is (its UTF-8 text is the key; it is NOT base64-decoded, unlike
 * Standard Webhooks). Several `v1` entries appear while a secret is being rolled; `v0` (Stripe's
 * legacy test scheme) is ignored. Tolerance 300 s, as in stripe-node; we also bound the future by
 * the same tolerance (clock skew only), where stripe-node bounds only the age.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const stripe = defineScheme({
  name: 'stripe',
  docs: 'https://docs.stripe.com/webhooks#verify-manually',
  optionsSchema: noOptions,
  layout: {
    // Stripe's own format uses commas, so a comma-joined repeat is simply more entries of the same list.
    signature: { format: 'pairs', header: 'stripe-signature', separator: ',', timestampKey: 't', signatureKey: 'v1' },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: '{timestamp}.{body}',
    timestamp: { from: 'signature', toleranceSeconds: 300, acceptsFuture: true },
  },
  eventId: { bodyPath: 'id' },
  eventType: { bodyPath: 'type' },
  contentTypes: [JSON_BODY],
  checkSecret: (secret) =>
    secret.startsWith('whsec_')
      ? undefined
      : 'Stripe endpoint signing secrets start with "whsec_" (this looks like an API key or another value)',
});
