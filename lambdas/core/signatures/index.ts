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
import { entrupy } from './entrupy';
import { github } from './github';
import { gitlab } from './gitlab';
import { hmac } from './hmac';
import { linear } from './linear';
import { paddle } from './paddle';
import { shopify } from './shopify';
import { slack } from './slack';
import { square } from './square';
import { standardWebhooks } from './standard-webhooks';
import { stripe } from './stripe';
import { twilio } from './twilio';
import { zoom } from './zoom';
import type { Scheme, SchemeName } from './types';

export type * from './types';
export { entrupy } from './entrupy';
export { github } from './github';
export { gitlab } from './gitlab';
export { hmac, hmacOptionsSchema, type HmacOptions } from './hmac';
export { linear } from './linear';
export { paddle } from './paddle';
export { shopify } from './shopify';
export { slack } from './slack';
export { square, squareOptionsSchema, type SquareOptions } from './square';
export { standardWebhooks } from './standard-webhooks';
export { stripe } from './stripe';
export { twilio, twilioOptionsSchema, type TwilioOptions } from './twilio';
export { zoom } from './zoom';

/** Every scheme by name. `Scheme<any>` because each has its own options type, checked by its `optionsSchema`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const schemes: Readonly<Record<SchemeName, Scheme<any>>> = Object.freeze({
  stripe,
  github,
  shopify,
  slack,
  'standard-webhooks': standardWebhooks,
  twilio,
  square,
  paddle,
  linear,
  zoom,
  entrupy,
  gitlab,
  hmac,
});
