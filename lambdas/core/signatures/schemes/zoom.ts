/**
 * Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:${x-zm-request-timestamp}:${body}` with the
 * app's webhook secret token (UTF-8). Zoom documents no replay window; we use 300 s both ways, like
 * Slack's identical construction. Zoom events carry no delivery id, so the event id falls back to a
 * hash of source + body; the type is the body's `event`. Zoom's `endpoint.url_validation` (sent when
 * the URL is saved and every 72 hours) is answered with `plainToken` and its HMAC, nothing recorded.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const zoom = defineScheme({
  name: 'zoom',
  docs: 'https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events',
  optionsSchema: noOptions,
  layout: {
    signature: { format: 'list', headers: ['x-zm-signature'], prefix: 'v0=', otherVersion: /^v\d+=/ },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: 'v0:{timestamp}:{body}',
    timestamp: {
      from: { header: ['x-zm-request-timestamp'], format: 'epoch' },
      toleranceSeconds: 300,
      acceptsFuture: true,
    },
  },
  eventType: { bodyPath: 'event' },
  contentTypes: [JSON_BODY],
  handshake: { challenge: { bodyPath: 'event', equals: 'endpoint.url_validation', answer: 'zoom-encrypted-token' } },
});
