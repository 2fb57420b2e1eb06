/**
 * Standard Webhooks (and Svix, which it came from): headers `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64> v1,<base64>` (space-separated; the `svix-*` names are accepted
 * too), HMAC-SHA256 over `${id}.${timestamp}.${body}`. The secret is `whsec_` + a base64 key and the
 * key is the base64-DECODED bytes (unlike Stripe's `whsec_` secrets). Tolerance 300 s in both
 * directions, as in the spec and its reference libraries.
 * Asymmetric signatures (`v1a,<base64 ed25519>`) are verified with a configured `whpk_<base64>`
 * public key (32 raw bytes), and `sign` makes them from a `whsk_<base64>` 32-byte seed.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';
import { decodeBase64Strict, standardWebhooksKeyBytes } from '../crypto';

const ed25519PublicKeyOrSeed = (base64: string): boolean => decodeBase64Strict(base64)?.length === 32;

export const standardWebhooks = defineScheme({
  name: 'standard-webhooks',
  docs: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
  optionsSchema: noOptions,
  layout: {
    signature: {
      format: 'list',
      headers: ['webhook-signature', 'svix-signature'],
      prefix: 'v1,',
      separator: 'whitespace',
      otherVersion: /^v\d+[a-z]*,/,
    },
    algorithm: 'sha256',
    encoding: 'base64',
    key: 'whsec-base64',
    asymmetric: { prefix: 'v1a,', publicKeyPrefix: 'whpk_', secretKeyPrefix: 'whsk_' },
    signedContent: '{id}.{timestamp}.{body}',
    idHeaders: ['webhook-id', 'svix-id'],
    timestamp: {
      from: { header: ['webhook-timestamp', 'svix-timestamp'], format: 'epoch' },
      toleranceSeconds: 300,
      acceptsFuture: true,
    },
  },
  eventId: { header: 'webhook-id', fallback: { header: 'svix-id' } },
  eventType: { bodyPath: 'type' },
  contentTypes: [JSON_BODY],
  checkSecret(secret) {
    if (secret.startsWith('whpk_') || secret.startsWith('whsk_')) {
      return ed25519PublicKeyOrSeed(secret.slice(5))
        ? undefined
        : `a ${secret.slice(0, 5)} key is the base64 of 32 raw Ed25519 key bytes`;
    }
    const key = standardWebhooksKeyBytes(secret);
    if (!key) return 'the secret must be "whsec_" followed by a base64 key';
    if (key.length < 24 || key.length > 64) return `the key is ${key.length} bytes; the spec asks for 24 to 64`;
    return undefined;
  },
});
