/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the body with the webhook's signing secret
 * (UTF-8). The send time is inside the signed body, `webhookTimestamp` in epoch MILLISECONDS; like
 * Linear's SDK (`Math.abs(now - webhookTimestamp) > 60_000` fails) we allow 60 s both ways. It is
 * read only after the signature matched. `sign` leaves the body as given: put the time in it.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const linear = defineScheme({
  name: 'linear',
  docs: 'https://linear.app/developers/webhooks#securing-webhooks',
  optionsSchema: noOptions,
  layout: {
    signature: { format: 'list', headers: ['linear-signature'], prefix: '' },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: '{body}',
    timestamp: { from: { bodyField: 'webhookTimestamp', unit: 'ms' }, toleranceSeconds: 60, acceptsFuture: true },
  },
  eventId: { header: 'linear-delivery' },
  eventType: { header: 'linear-event', fallback: { bodyPath: 'type' } },
  contentTypes: [JSON_BODY],
});
