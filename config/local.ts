/**
 * The local stack's sources (`npm start`): one sample source per built-in signature scheme, each
 * with a fixed LOCAL-ONLY secret so a fresh clone works with zero setup. These secrets are public
 * (they are in this file): never configure a real provider with them.
 *
 * To use your own secret for a source (for example to receive from a real provider through a
 * tunnel, or to try a rotation), set `WEBHOOK_SECRET_<SOURCE_ID>` in the environment or in a
 * git-ignored `.env` file at the repository root (dashes become underscores):
 *
 *   WEBHOOK_SECRET_STRIPE=whsec_...
 *   WEBHOOK_SECRET_STANDARD_WEBHOOKS={"current":"whsec_...","previous":"whsec_..."}
 *
 * Both `npm start` and `npm run cli -- send` read the same values, so they always agree.
 * The sources are validated with the same schema as `config/sources.ts` (the deployed config).
 */
import type { StackConfigInput } from '../lib/config-schema';
import type { SchemeName } from '../lambdas/core/signatures/types';

type SourceInput = StackConfigInput['sources'][number];

/** A field the `send` command sets to the current time before signing (so time-checked bodies pass). */
export interface TimestampField {
  readonly bodyPath: string;
  readonly unit: 'seconds' | 'milliseconds';
}

export interface LocalSource {
  readonly source: SourceInput & { readonly scheme: SchemeName };
  /** The local-only default secret (`WEBHOOK_SECRET_<ID>` overrides it). */
  readonly secret: string;
  /** The local-only verify token for GET subscription checks (Meta); a JSON override's `verifyToken` replaces it. */
  readonly verifyToken?: string;
  /** The sample payload `send` posts, relative to the repository root. */
  readonly example: string;
  /** Headers a real sender adds besides the signature: event type, shop domain, … */
  readonly headers?: Readonly<Record<string, string>>;
  /** Body fields that carry the send time. */
  readonly timestampFields?: readonly TimestampField[];
  /**
   * For a scheme whose events carry no id (the id is then a hash of the body), a body field `send`
   * fills with a fresh value so repeated sends are distinct events.
   */
  readonly uniqueField?: string;
}

export const localSources: readonly LocalSource[] = [
  {
    source: { id: 'stripe', scheme: 'stripe' },
    secret: 'whsec_local_stripe_secret_do_not_use_in_production',
    example: 'examples/stripe.json',
    timestampFields: [{ bodyPath: 'created', unit: 'seconds' }],
  },
  {
    source: { id: 'github', scheme: 'github' },
    secret: 'local-github-secret-do-not-use-in-production',
    example: 'examples/github.json',
    headers: { 'x-github-event': 'push', 'x-github-hook-id': '292430182', 'user-agent': 'GitHub-Hookshot/local' },
  },
  {
    source: { id: 'shopify', scheme: 'shopify' },
    secret: 'local-shopify-secret-do-not-use-in-production',
    example: 'examples/shopify.json',
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'local-example.myshopify.com', 'x-shopify-api-version': '2025-01' },
  },
  {
    source: { id: 'slack', scheme: 'slack' },
    // Slack signing secrets are 32 hex characters.
    secret: '10ca1000000000000000000000000000',
    example: 'examples/slack.json',
    timestampFields: [{ bodyPath: 'event_time', unit: 'seconds' }],
  },
  {
    source: { id: 'standard-webhooks', scheme: 'standard-webhooks' },
    // whsec_ + base64("local-standard-webhooks-key-0001"), a 32-byte key.
    secret: 'whsec_bG9jYWwtc3RhbmRhcmQtd2ViaG9va3Mta2V5LTAwMDE=',
    example: 'examples/standard-webhooks.json',
  },
  {
    source: { id: 'twilio', scheme: 'twilio', eventType: { bodyPath: 'MessageStatus' } },
    // Twilio auth tokens are 32 hex characters.
    secret: '10ca10000000000000000000000000aa',
    example: 'examples/twilio.txt',
  },
  {
    source: { id: 'square', scheme: 'square' },
    secret: 'local-square-signature-key-do-not-use',
    example: 'examples/square.json',
  },
  {
    source: { id: 'paddle', scheme: 'paddle' },
    secret: 'pdl_ntfset_local_paddle_secret_do_not_use',
    example: 'examples/paddle.json',
  },
  {
    source: { id: 'linear', scheme: 'linear' },
    secret: 'lin_wh_local_linear_secret_do_not_use',
    example: 'examples/linear.json',
    headers: { 'linear-event': 'Issue' },
    timestampFields: [{ bodyPath: 'webhookTimestamp', unit: 'milliseconds' }],
  },
  {
    source: { id: 'zoom', scheme: 'zoom' },
    secret: 'local-zoom-secret-token-do-not-use',
    example: 'examples/zoom.json',
    timestampFields: [{ bodyPath: 'event_ts', unit: 'milliseconds' }],
    uniqueField: 'payload.object.uuid',
  },
  {
    source: { id: 'meta', scheme: 'meta' },
    secret: 'local-meta-app-secret-do-not-use',
    verifyToken: 'local-meta-verify-token-do-not-use',
    example: 'examples/meta.json',
    timestampFields: [{ bodyPath: 'entry.0.changes.0.value.messages.0.timestamp', unit: 'seconds' }],
    uniqueField: 'entry.0.changes.0.value.messages.0.id',
  },
  {
    source: { id: 'entrupy', scheme: 'entrupy', eventId: { bodyPath: 'id' }, eventType: { bodyPath: 'type' } },
    secret: 'local-entrupy-secret-do-not-use',
    example: 'examples/entrupy.json',
  },
  {
    source: { id: 'gitlab', scheme: 'gitlab' },
    secret: 'local-gitlab-token-do-not-use',
    example: 'examples/gitlab.json',
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-instance': 'https://gitlab.example.com' },
  },
  {
    // The generic scheme with its defaults: `X-Webhook-Signature: sha256=<hex>` of the body.
    source: { id: 'hmac', scheme: 'hmac', eventId: { bodyPath: 'id' }, eventType: { bodyPath: 'type' } },
    secret: 'local-hmac-secret-do-not-use',
    example: 'examples/hmac.json',
  },
];

/** The local stack config, in the same shape as `config/sources.ts`. */
export const localConfig: StackConfigInput = {
  sources: localSources.map((s) => s.source),
};
