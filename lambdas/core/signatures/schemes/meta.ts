/**
 * Meta (WhatsApp Cloud API, Messenger, Instagram): `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256
 * of the raw body with the app secret (UTF-8). Nothing time-bound is signed and Meta sends no
 * delivery id, so the event id is a hash of source + body; the type is the body's `object`
 * (e.g. `whatsapp_business_account`).
 * Subscribing sends `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: the token is
 * compared in constant time with the source's `verifyToken` (stored with its secret), and the
 * challenge is answered as plain text; anything else gets 403.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const meta = defineScheme({
  name: 'meta',
  docs: 'https://developers.facebook.com/docs/graph-api/webhooks/getting-started',
  optionsSchema: noOptions,
  layout: {
    signature: { format: 'list', headers: ['x-hub-signature-256'], prefix: 'sha256=', otherVersion: /^[a-z0-9]+=/i },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: '{body}',
  },
  eventType: { bodyPath: 'object' },
  contentTypes: [JSON_BODY],
  handshake: {
    subscribe: {
      modeParam: 'hub.mode',
      mode: 'subscribe',
      tokenParam: 'hub.verify_token',
      challengeParam: 'hub.challenge',
    },
  },
});
