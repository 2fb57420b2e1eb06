/**
 * Webhook signature schemes, one file each, registered by name.
 *
 * Every scheme:
 * - verifies the raw body bytes and never throws on malformed input: it returns a typed `FailureReason`;
 * - accepts several secrets (current first; the result's `secretIndex` says which matched);
 * - compares in constant time after a length check;
 * - checks the signature before the replay window, so `stale_timestamp`/`future_timestamp` are only
 *   reported for authentically signed requests (a replay), never for forgeries;
 * - can `sign` (lower-cased header names → values) for the CLI, the local stack and tests.
 *
 * @example
 * const result = schemes[source.scheme].verify({ body, headers, url, secrets, nowSeconds, options });
 * if (!result.valid) return reject(result.reason);
 */
import { github } from './github';
import { hmac } from './hmac';
import { pendingScheme } from './pending';
import { standardWebhooks } from './standard-webhooks';
import { stripe } from './stripe';
import type { Scheme, SchemeName } from './types';

export type * from './types';
export { github } from './github';
export { hmac, hmacOptionsSchema, type HmacOptions } from './hmac';
export { standardWebhooks } from './standard-webhooks';
export { stripe } from './stripe';

/** Every scheme by name. `Scheme<any>` because each has its own options type, checked by its `optionsSchema`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const schemes: Readonly<Record<SchemeName, Scheme<any>>> = Object.freeze({
  stripe,
  github,
  shopify: pendingScheme('shopify'),
  slack: pendingScheme('slack'),
  'standard-webhooks': standardWebhooks,
  twilio: pendingScheme('twilio'),
  square: pendingScheme('square'),
  paddle: pendingScheme('paddle'),
  linear: pendingScheme('linear'),
  zoom: pendingScheme('zoom'),
  entrupy: pendingScheme('entrupy'),
  gitlab: pendingScheme('gitlab'),
  hmac,
});
