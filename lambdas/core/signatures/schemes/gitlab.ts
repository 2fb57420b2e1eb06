/**
 * GitLab: `X-Gitlab-Token: <token>`, the configured secret token itself, sent as-is. Nothing is
 * signed (neither body nor time), so a captured request can be replayed: deduplicate on
 * `Idempotency-Key` (or `X-Gitlab-Event-UUID` on older GitLab), and prefer allowedCidrs for GitLab.
 * Both sides are hashed before the constant-time compare, so neither content nor length leaks.
 */
import { defineScheme, noOptions } from '../define';
import { JSON_BODY } from '../description';

export const gitlab = defineScheme({
  name: 'gitlab',
  docs: 'https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token',
  optionsSchema: noOptions,
  layout: { signature: { format: 'token', header: 'x-gitlab-token' }, encoding: 'hex', key: 'utf8', signedContent: '' },
  eventId: { header: 'idempotency-key', fallback: { header: 'x-gitlab-event-uuid' } },
  eventType: { header: 'x-gitlab-event' },
  contentTypes: [JSON_BODY],
  // "Secret token" is a field of the webhook's settings: the receiver chooses it.
  secretIssuer: 'receiver',
});
