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
import type { SchemeName } from '../lambdas/core/signatures/index';

type SourceInput = NonNullable<StackConfigInput['sources']>[number];

/** A field the `send` command sets to the current time before signing (so time-checked bodies pass). */
export interface TimestampField {
  readonly bodyPath: string;
  readonly unit: 'seconds' | 'milliseconds';
}

/**
 * Another request a sample source's provider sends besides the usual one, sent with
 * `npm run cli -- send <source> --<name>`: another content type, or a handshake.
 */
export interface LocalVariant {
  /** One line for `send --help` and the banner. */
  readonly summary: string;
  /** The sample payload, relative to the repository root; none for a GET subscription check. */
  readonly example?: string;
  /**
   * The body's media type (default: the scheme's usual one). A JSON example sent as a form whose
   * scheme reads JSON from a field (GitHub's and Slack's `payload`) is sent in that field.
   */
  readonly contentType?: 'application/json' | 'application/x-www-form-urlencoded';
  /** Replaces the source's `timestampFields`. */
  readonly timestampFields?: readonly TimestampField[];
  /** Replaces the source's `uniqueField` (also used when the body has none of the id fields, e.g. a challenge). */
  readonly uniqueField?: string;
  /** `GET`: the provider's subscription check (the scheme's `handshake.subscribe`) instead of a POST. */
  readonly method?: 'GET';
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
  /** Other requests the provider sends, by flag name (`--form`, `--slash-command`, …). */
  readonly variants?: Readonly<Record<string, LocalVariant>>;
}

const FORM = 'application/x-www-form-urlencoded';

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
    variants: {
      form: {
        summary: "a form delivery (the webhook's content type set to form): payload=<the JSON>",
        example: 'examples/github.json',
        contentType: FORM,
      },
    },
  },
  {
    source: { id: 'shopify', scheme: 'shopify' },
    secret: 'local-shopify-secret-do-not-use-in-production',
    example: 'examples/shopify.json',
    headers: {
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'local-example.myshopify.com',
      'x-shopify-api-version': '2025-01',
    },
  },
  {
    source: { id: 'slack', scheme: 'slack' },
    // Slack signing secrets are 32 hex characters.
    secret: '10ca1000000000000000000000000000',
    example: 'examples/slack.json',
    timestampFields: [{ bodyPath: 'event_time', unit: 'seconds' }],
    variants: {
      'slash-command': {
        summary: 'a slash command (/deploy), a form: answered 200 with an empty body',
        example: 'examples/slack-slash-command.txt',
        contentType: FORM,
        timestampFields: [],
      },
      interaction: {
        summary: 'an interaction (block_actions), a form with payload=<the JSON>: answered 200 with an empty body',
        example: 'examples/slack-interaction.json',
        contentType: FORM,
        timestampFields: [],
      },
      'url-verification': {
        summary: 'the Events API URL check: answered with the challenge, nothing recorded',
        example: 'examples/slack-url-verification.json',
        timestampFields: [],
        uniqueField: 'challenge',
      },
    },
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
    variants: {
      'json-body': {
        summary: 'a JSON body, signed through bodySHA256=<its hex SHA-256> in the URL',
        example: 'examples/twilio.json',
        contentType: 'application/json',
      },
    },
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
    variants: {
      'url-validation': {
        summary: 'the endpoint.url_validation check: answered with plainToken and its HMAC, nothing recorded',
        example: 'examples/zoom-url-validation.json',
        uniqueField: 'payload.plainToken',
      },
    },
  },
  {
    source: { id: 'meta', scheme: 'meta' },
    secret: 'local-meta-app-secret-do-not-use',
    verifyToken: 'local-meta-verify-token-do-not-use',
    example: 'examples/meta.json',
    timestampFields: [{ bodyPath: 'entry.0.changes.0.value.messages.0.timestamp', unit: 'seconds' }],
    uniqueField: 'entry.0.changes.0.value.messages.0.id',
    variants: {
      subscribe: {
        summary: 'the GET subscription check with the local verify token: answered with hub.challenge as text',
        method: 'GET',
      },
    },
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
