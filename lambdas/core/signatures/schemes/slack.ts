/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:${X-Slack-Request-Timestamp}:${body}`
 * with the app's signing secret (UTF-8). Slack rejects requests more than five minutes from now in
 * either direction, so the window is 300 s both ways.
 * - Events API: JSON; id `event_id`, type `event.type`. Its `url_verification` is answered with the
 *   challenge, nothing recorded.
 * - Slash commands: a form; id `trigger_id`, type the `command` (e.g. `/deploy`).
 * - Interactivity (buttons, modals, shortcuts): a form whose `payload` field is the JSON; id
 *   `trigger_id`, type the payload's `type` (e.g. `block_actions`).
 * Forms are acknowledged with 200 and an empty body: Slack shows a response body to the user.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const slack = defineScheme({
  name: 'slack',
  docs: 'https://api.slack.com/authentication/verifying-requests-from-slack',
  optionsSchema: noOptions,
  layout: {
    signature: { format: 'list', headers: ['x-slack-signature'], prefix: 'v0=', otherVersion: /^v\d+=/ },
    algorithm: 'sha256',
    encoding: 'hex',
    key: 'utf8',
    signedContent: 'v0:{timestamp}:{body}',
    timestamp: {
      from: { header: ['x-slack-request-timestamp'], format: 'epoch' },
      toleranceSeconds: 300,
      acceptsFuture: true,
    },
  },
  eventId: { bodyPath: 'event_id', fallback: { bodyPath: 'trigger_id' } },
  eventType: { bodyPath: 'event.type', fallback: { bodyPath: 'type', fallback: { bodyPath: 'command' } } },
  contentTypes: [JSON_BODY, { media: 'application/x-www-form-urlencoded', jsonField: 'payload', acknowledge: 'empty' }],
  handshake: { challenge: { bodyPath: 'type', equals: 'url_verification', answer: 'echo-challenge' } },
  checkSecret: (secret) =>
    /^[0-9a-f]{32}$/.test(secret)
      ? undefined
      : 'Slack signing secrets are 32 lower-case hex characters (is this a bot token or the legacy verification token?)',
});
