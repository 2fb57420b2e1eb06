/**
 * Entrupy: `Entrupy-Signature: SHA256:<base64>`, HMAC-SHA256 of the body with the webhook secret
 * (UTF-8). No timestamp is signed. Entrupy's documentation is not public; this follows the format
 * given in our issue, and its tests are sign→verify round trips, not published vectors.
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

const HEADER = 'entrupy-signature';
const PREFIX = 'SHA256:';

const SIGNATURE: SignatureListOptions = {
  prefix: PREFIX,
  prefixCaseInsensitive: true,
  encoding: 'base64',
  bytes: DIGEST_BYTES.sha256,
  versionPattern: /^[a-z0-9-]+:/i,
};

export type EntrupyOptions = Record<string, never>;

export const entrupy: Scheme<EntrupyOptions> = {
  name: 'entrupy',
  optionsSchema: z.strictObject({}) as z.ZodMiniType<EntrupyOptions>,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return fail('missing_signature', 'Entrupy-Signature header is missing');
    const candidates = decodeSignatureHeader(header, SIGNATURE);
    if (typeof candidates === 'string') return fail(candidates, 'expected SHA256:<base64 HMAC-SHA256>');
    return matchSecrets(request.secrets, candidates, (s) => hmacDigest('sha256', utf8Key(s), '', request.body));
  },

  sign(request) {
    assertSigningSecret(request.secret, 'entrupy');
    return { [HEADER]: PREFIX + hmacDigest('sha256', request.secret, '', request.body).toString('base64') };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
