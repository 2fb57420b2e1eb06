/**
 * Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 of notification URL + body with the
 * subscription's signature key (used as UTF-8 text, not decoded). The URL must be exactly the one
 * registered with Square: set `notificationUrl` when the request URL seen here differs (custom
 * domain, stage prefix, proxy). No timestamp is signed: deduplicate on `event_id`.
 */
import * as z from 'zod/mini';
import { defineScheme, once } from '../define';
import { JSON_BODY } from '../description';

export const squareOptionsSchema = once(() =>
  z.strictObject({
    /** The notification URL registered with Square; defaults to the request URL. */
    notificationUrl: z.optional(z.url({ protocol: /^https?$/ })),
  }),
);
export type SquareOptions = z.output<ReturnType<typeof squareOptionsSchema>>;

export const square = defineScheme({
  name: 'square',
  docs: 'https://developer.squareup.com/docs/webhooks/step3validate',
  optionsSchema: squareOptionsSchema,
  layout: {
    signature: { format: 'list', headers: ['x-square-hmacsha256-signature'], prefix: '' },
    algorithm: 'sha256',
    encoding: 'base64',
    key: 'utf8',
    signedContent: '{url}{body}',
    url: { option: 'notificationUrl' },
  },
  eventId: { bodyPath: 'event_id' },
  eventType: { bodyPath: 'type' },
  contentTypes: [JSON_BODY],
});
