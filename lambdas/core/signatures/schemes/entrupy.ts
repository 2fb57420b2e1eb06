/**
 * Entrupy: `Entrupy-Signature: SHA256:<base64>`, HMAC-SHA256 of the body with the webhook secret
 * (UTF-8). No timestamp is signed. Entrupy's documentation is not public; this follows the format
 * given in our issue, and its tests are sign→verify round trips, not published vectors.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const entrupy = defineScheme({
  name: 'entrupy',
  docs: '(not public: the format given in our issue)',
  optionsSchema: noOptions,
  layout: {
    signature: {
      format: 'list',
      headers: ['entrupy-signature'],
      prefix: 'SHA256:',
      prefixCaseInsensitive: true,
      otherVersion: /^[a-z0-9-]+:/i,
    },
    algorithm: 'sha256',
    encoding: 'base64',
    key: 'utf8',
    signedContent: '{body}',
  },
  contentTypes: [JSON_BODY],
});
