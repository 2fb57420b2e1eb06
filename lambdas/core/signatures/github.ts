/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body with the webhook secret (UTF-8).
 * No timestamp is signed, so there is no replay window: deduplicate on `X-GitHub-Delivery`.
 * The legacy SHA-1 `X-Hub-Signature` is deliberately not accepted.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import type { Scheme } from './types';
import {
  assertSigningSecret,
  checkCommonSecret,
  DIGEST_BYTES,
  readHeader,
  type SignatureListOptions,
  type BodyHmacFormat,
  verifyBodyHmac,
  utf8HmacKey,
} from './shared';
import { noOptions } from './options';

const HEADER = 'x-hub-signature-256';

// Hoisted: a regular expression literal inside verify() would be a new object on every call.
const SIGNATURE: SignatureListOptions = { prefix: 'sha256=', encoding: 'hex', bytes: DIGEST_BYTES.sha256, versionPattern: /^[a-z0-9]+=/i };

const FORMAT: BodyHmacFormat = {
  header: HEADER,
  signature: SIGNATURE,
  expected: 'sha256=<64 hex digits>',
  missing: (headers) =>
    readHeader(headers, 'x-hub-signature') === undefined
      ? 'X-Hub-Signature-256 header is missing'
      : 'only the legacy SHA-1 X-Hub-Signature is present; X-Hub-Signature-256 is required',
};

export type GithubOptions = Record<string, never>;

export const github: Scheme<GithubOptions> = {
  name: 'github',
  optionsSchema: noOptions,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',
  eventId: { header: 'x-github-delivery' },
  eventType: { header: 'x-github-event' },

  verify: (request) => verifyBodyHmac(request, FORMAT),

  sign(request) {
    assertSigningSecret(request.secret, 'github');
    return { [HEADER]: `sha256=${utf8HmacKey('sha256', request.secret).digest('', request.body).toString('hex')}` };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
