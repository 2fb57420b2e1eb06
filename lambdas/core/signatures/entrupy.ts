/**
 * Entrupy: `Entrupy-Signature: SHA256:<base64>`, HMAC-SHA256 of the body with the webhook secret
 * (UTF-8). No timestamp is signed. Entrupy's documentation is not public; this follows the format
 * given in our issue, and its tests are sign→verify round trips, not published vectors.
 */
import type { Scheme } from './types';
import {
  assertSigningSecret,
  checkCommonSecret,
  DIGEST_BYTES,
  type SignatureListOptions,
  type BodyHmacFormat,
  verifyBodyHmac,
  utf8HmacKey,
} from './shared';
import { noOptions } from './options';

const HEADER = 'entrupy-signature';
const PREFIX = 'SHA256:';

const SIGNATURE: SignatureListOptions = {
  prefix: PREFIX,
  prefixCaseInsensitive: true,
  encoding: 'base64',
  bytes: DIGEST_BYTES.sha256,
  versionPattern: /^[a-z0-9-]+:/i,
};

const FORMAT: BodyHmacFormat = { header: HEADER, signature: SIGNATURE, expected: 'SHA256:<base64 HMAC-SHA256>', missing: () => 'Entrupy-Signature header is missing' };

export type EntrupyOptions = Record<string, never>;

export const entrupy: Scheme<EntrupyOptions> = {
  name: 'entrupy',
  optionsSchema: noOptions,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',

  verify: (request) => verifyBodyHmac(request, FORMAT),

  sign(request) {
    assertSigningSecret(request.secret, 'entrupy');
    return { [HEADER]: PREFIX + utf8HmacKey('sha256', request.secret).digest('', request.body).toString('base64') };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
