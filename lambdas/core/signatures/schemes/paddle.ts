/**
 * Paddle Billing: `Paddle-Signature: ts=<epoch>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 of `${ts}:${body}`
 * with the notification destination's secret key (`pdl_ntfset_…`, used as UTF-8). Several `h1`
 * appear while a secret is rotated; other entries (`h2`…) are ignored. A repeated header arrives
 * comma-joined: each part is a whole `ts=…;h1=…` value of its own.
 *
 * Tolerance: 5 s, Paddle's default (paddle-node-sdk's `MAX_VALID_TIME_DIFFERENCE`). It is tight:
 * raise `toleranceSeconds` on the source if deliveries queue behind a slow endpoint. The SDK bounds
 * only the age; we also bound the future by the same tolerance (clock skew).
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const paddle = defineScheme({
  name: 'paddle',
  docs: 'https://developer.paddle.com/webhooks/signature-verification',
  optionsSchema: noOptions,
  layout: {
    signature: { format: 'pairs', header: 'paddle-signature', separator: ';', timestampKey: 'ts', signatureKey: 'h1' },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: '{timestamp}:{body}',
    timestamp: { from: 'signature', toleranceSeconds: 5, acceptsFuture: true },
  },
  eventId: { bodyPath: 'event_id' },
  eventType: { bodyPath: 'event_type' },
  contentTypes: [JSON_BODY],
  checkSecret: (secret) =>
    secret.startsWith('pdl_')
      ? undefined
      : 'Paddle Billing notification secrets start with "pdl_ntfset_" (is this an API key?)',
});
