/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:${X-Slack-Request-Timestamp}:${body}`
 * with the app's signing secret (UTF-8). Slack's docs reject requests whose timestamp differs from
 * now by more than five minutes in either direction, so the window is 300 s both ways.
 * Slash commands and interactivity arrive form-encoded, the Events API as JSON; the JSON default
 * reads the id from `event_id` and the type from `event.type`.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
import type { Scheme } from './types';
import { checkCommonSecret, signV0, verifyV0, type V0Headers } from './shared';
import { noOptions } from './options';

const NAMES: V0Headers = { signature: 'x-slack-signature', timestamp: 'x-slack-request-timestamp', label: 'slack' };
const DEFAULT_TOLERANCE = 300;
const ACCEPTS_FUTURE = true;

export type SlackOptions = Record<string, never>;

export const slack: Scheme<SlackOptions> = {
  name: 'slack',
  optionsSchema: noOptions,
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',
  eventId: { bodyPath: 'event_id' },
  eventType: { bodyPath: 'event.type', fallback: { bodyPath: 'type' } },
  verify: (request) => verifyV0(request, NAMES, DEFAULT_TOLERANCE, ACCEPTS_FUTURE),
  sign: (request) => signV0(request.body, request.secret, request.timestampSeconds, NAMES),
  checkSecret(secret) {
    const common = checkCommonSecret(secret);
    if (common) return common;
    return /^[0-9a-f]{32}$/.test(secret) ? undefined : 'Slack signing secrets are 32 lower-case hex characters (is this a bot token or the legacy verification token?)';
  },
};
