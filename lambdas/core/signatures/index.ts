/**
 * Webhook signature schemes: one declarative description each (schemes/*.ts), registered here by
 * name. `verify` (verify.ts), `sign` (sign.ts) and the CLI's diagnosis all read those descriptions.
 *
 * Every scheme:
 * - verifies the raw body bytes and never throws on malformed input: it returns a typed `FailureReason`;
 * - accepts several secrets (current first; the result's `secretIndex` says which matched);
 * - compares in constant time after a length check;
 * - checks the signature before the replay window, so `stale_timestamp`/`future_timestamp` are only
 *   reported for authentically signed requests (a replay), never for forgeries;
 * - can `sign` (lower-cased header names → values) for the CLI, the local stack, tests and outbound delivery.
 *
 * @example
 * const result = schemes[source.scheme].verify({ body, headers, url, secrets, nowSeconds, options });
 * if (!result.valid) return reject(result.reason);
 */
import { entrupy } from './schemes/entrupy';
import { github } from './schemes/github';
import { gitlab } from './schemes/gitlab';
import { hmac } from './schemes/hmac';
import { linear } from './schemes/linear';
import { meta } from './schemes/meta';
import { paddle } from './schemes/paddle';
import { shopify } from './schemes/shopify';
import { slack } from './schemes/slack';
import { square } from './schemes/square';
import { standardWebhooks } from './schemes/standard-webhooks';
import { stripe } from './schemes/stripe';
import { twilio } from './schemes/twilio';
import { zoom } from './schemes/zoom';
import type { Scheme } from './types';

export type * from './types';
export type * from './description';

/** The registry: every scheme, listed once. Registering a scheme is one line here; its name joins `SchemeName`. */
const REGISTERED = [
  stripe,
  github,
  shopify,
  slack,
  standardWebhooks,
  twilio,
  square,
  paddle,
  linear,
  zoom,
  meta,
  entrupy,
  gitlab,
  hmac,
] as const;

/** A registered scheme's name, derived from the registry's list. */
export type SchemeName = (typeof REGISTERED)[number]['name'];

/** Every scheme by name. `Scheme<any>` because each has its own options type, checked by its `optionsSchema`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyScheme = Scheme<any, SchemeName>;
export const schemes: Readonly<Record<SchemeName, AnyScheme>> = Object.freeze(
  Object.fromEntries(REGISTERED.map((s) => [s.name, s])) as Record<SchemeName, AnyScheme>,
);

/**
 * The registered scheme of that name; undefined for any other string, `constructor` and the object's other inherited
 * names included (`schemes[name]` alone would answer those). Each caller words its own refusal.
 */
export function findScheme(name: string): AnyScheme | undefined {
  return Object.hasOwn(schemes, name) ? schemes[name as SchemeName] : undefined;
}

/** The registered scheme names, in registration order: the synth's enum and the runtime check read this. */
export const SCHEME_NAMES = Object.keys(schemes) as [SchemeName, ...SchemeName[]];
