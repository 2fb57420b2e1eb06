/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body with the webhook secret (UTF-8).
 * No timestamp is signed, so there is no replay window: deduplicate on `X-GitHub-Delivery`.
 * The legacy SHA-1 `X-Hub-Signature` is deliberately not accepted.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import * as z from 'zod/mini';
import type { Scheme } from './types';
import {
  assertSigningSecret,
  checkCommonSecret,
  decodeSignatureHeader,
  DIGEST_BYTES,
  fail,
  hasSecret,
  hmacDigest,
  matchSecrets,
  readHeader,
  utf8Key,
  type SignatureListOptions,
} from './shared';

const HEADER = 'x-hub-signature-256';

// Hoisted: a regular expression literal inside verify() would be a new object on every call.
const SIGNATURE: SignatureListOptions = { prefix: 'sha256=', encoding: 'hex', bytes: DIGEST_BYTES.sha256, versionPattern: /^[a-z0-9]+=/i };

export type GithubOptions = Record<string, never>;

export const github: Scheme<GithubOptions> = {
  name: 'github',
  optionsSchema: z.strictObject({}) as z.ZodMiniType<GithubOptions>,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',
  eventId: { header: 'x-github-delivery' },
  eventType: { header: 'x-github-event' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) {
      return readHeader(request.headers, 'x-hub-signature') === undefined
        ? fail('missing_signature', 'X-Hub-Signature-256 header is missing')
        : fail('missing_signature', 'only the legacy SHA-1 X-Hub-Signature is present; X-Hub-Signature-256 is required');
    }
    // A repeated header arrives comma-joined; hex digests contain no commas.
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected sha256=<64 hex digits>');
    return matchSecrets(request.secrets, candidates, (s) => hmacDigest('sha256', utf8Key(s), '', request.body));
  },

  sign(request) {
    assertSigningSecret(request.secret, 'github');
    return { [HEADER]: `sha256=${hmacDigest('sha256', request.secret, '', request.body).toString('hex')}` };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
