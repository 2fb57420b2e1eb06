/**
 * Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:${x-zm-request-timestamp}:${body}` with the
 * app's webhook secret token (UTF-8). Zoom documents no replay window; we use 300 s both ways,
 * like Slack's identical construction. Zoom events carry no delivery id, so the event id falls back
 * to a hash of source + body; the type is the body's `event`.
 * https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
 */
import type { Scheme } from './types';
import { checkCommonSecret, signV0, verifyV0, type V0Headers } from './shared';
import { noOptions } from './options';

const NAMES: V0Headers = { signature: 'x-zm-signature', timestamp: 'x-zm-request-timestamp', label: 'zoom' };
const DEFAULT_TOLERANCE = 300;
const ACCEPTS_FUTURE = true;

export type ZoomOptions = Record<string, never>;

export const zoom: Scheme<ZoomOptions> = {
  name: 'zoom',
  optionsSchema: noOptions,
  defaultToleranceSeconds: DEFAULT_TOLERANCE,
  acceptsFutureTimestamps: ACCEPTS_FUTURE,
  contentType: 'json',
  eventType: { bodyPath: 'event' },
  verify: (request) => verifyV0(request, NAMES, DEFAULT_TOLERANCE, ACCEPTS_FUTURE),
  sign: (request) => signV0(request.body, request.secret, request.timestampSeconds, NAMES),
  checkSecret: checkCommonSecret,
};
