/**
 * GitLab: `X-Gitlab-Token: <token>` — the configured secret token itself, sent as-is. Nothing is
 * signed (neither body nor time), so a captured request can be replayed: deduplicate on
 * `Idempotency-Key` (or `X-Gitlab-Event-UUID` on older GitLab), and prefer allowedCidrs for GitLab.
 * Both sides are hashed before the constant-time compare, so neither content nor length leaks.
 * https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token
 */
import { hash } from 'node:crypto';
import type { Scheme } from './types';
import { assertSigningSecret, bytesEqual, cachedKey, checkCommonSecret, fail, hasSecret, ok, readHeader } from './shared';
import { noOptions } from './options';

const HEADER = 'x-gitlab-token';
// One-shot hashing: no Hash object per request (this is all the work a GitLab request needs).
const sha256 = (text: string): Buffer => hash('sha256', text, 'buffer');
const secretDigest = cachedKey(sha256);

export type GitlabOptions = Record<string, never>;

export const gitlab: Scheme<GitlabOptions> = {
  name: 'gitlab',
  optionsSchema: noOptions,
  defaultToleranceSeconds: undefined,
  acceptsFutureTimestamps: false,
  contentType: 'json',
  eventId: { header: 'idempotency-key', fallback: { header: 'x-gitlab-event-uuid' } },
  eventType: { header: 'x-gitlab-event' },

  verify(request) {
    if (!hasSecret(request.secrets)) return fail('no_secret');
    const token = readHeader(request.headers, HEADER);
    if (token === undefined) return fail('missing_signature', 'X-Gitlab-Token header is missing');
    const received = sha256(token);
    // matchSecrets without its closure and candidate array: this compare is all a GitLab request
    // costs, so they showed. Every usable secret is compared; the first match is reported.
    let matched = -1;
    for (let i = 0; i < request.secrets.length; i++) {
      const secret = request.secrets[i];
      if (typeof secret === 'string' && secret !== '' && bytesEqual(secretDigest(secret), received) && matched < 0) matched = i;
    }
    return matched >= 0 ? ok(matched) : fail('signature_mismatch');
  },

  sign(request) {
    assertSigningSecret(request.secret, 'gitlab');
    return { [HEADER]: request.secret };
  },

  checkSecret(secret) {
    return checkCommonSecret(secret);
  },
};
