/**
 * Your webhook sources and subscribers: the one file to edit. `defineConfig` checks it when the
 * app synthesizes (`npx cdk synth`) and names the field if something is wrong.
 *
 * After the first deploy, put each provider's signing secret into its Secrets Manager secret
 * (the stack outputs `SecretName<Source>` and `WebhookUrl<Source>`):
 *
 *   aws secretsmanager put-secret-value --secret-id <SecretName> \
 *     --secret-string '{"current":"whsec_..."}'
 *
 * To rotate, set `{"current": "<new>", "previous": "<old>"}` until the provider only signs with the
 * new one; verifiers pick it up within `secretsCacheSeconds`.
 */
import { defineConfig } from '../lib/config';

export default defineConfig({
  sources: [
    {
      // Served at POST /webhooks/stripe. The id becomes part of URLs and resource names.
      id: 'stripe',
      scheme: 'stripe',
      // Stripe retries for up to 3 days; remembering ids for 7 days deduplicates every retry.
      dedupeWindowDays: 7,
      // Must not exceed dedupeWindowDays, or a queued message could outlive its dedupe record.
      queueRetentionDays: 4,
      processor: { batchSize: 10, maxConcurrency: 5, timeoutSeconds: 30, memoryMb: 256 },
    },
    {
      id: 'github',
      scheme: 'github',
      // GitHub signs no timestamp: event ids come from X-GitHub-Delivery (the scheme's default).
      // Optional: accept deliveries from GitHub's hook ranges only (see https://api.github.com/meta).
      // allowedCidrs: ['192.30.252.0/22', '185.199.108.0/22', '140.82.112.0/20', '143.55.64.0/20'],
      maxReceiveCount: 5,
    },
  ],
  subscriptions: [
    {
      // A new encrypted queue (with its own dead-letter queue) receiving Stripe invoice events only,
      // as the raw event envelope (raw message delivery). Give `queueArn` to use an existing queue
      // instead; its queue policy must then allow sqs:SendMessage from the events topic.
      id: 'billing',
      kind: 'sqs',
      filter: { source: ['stripe'], typePrefix: ['invoice.'] },
    },
    // Other kinds. Filters AND across attributes; `type` and `typePrefix` OR with each other.
    // { id: 'audit', kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:audit' },
    //   (the function must be in this stack's account: the stack adds its invoke permission)
    // { id: 'ops', kind: 'email', address: 'ops@example.com', filter: { typePrefix: ['payout.'] } },
    //   (SNS emails a confirmation link first)
    // { id: 'partner', kind: 'https', url: 'https://hooks.example.com/events', filter: { source: ['github'] } },
  ],
  api: {
    // Stage-wide limits; requests above them get 429 and providers retry.
    throttlingRateLimit: 100,
    throttlingBurstLimit: 200,
  },
  logRetentionDays: 30,
  secretsCacheSeconds: 60,
  // X-Ray traces across the functions, queues and topic (docs/observability.md). Lambda samples the first request
  // each second and 5% of the rest (AWS allows no other rate for Lambda): about $1 more per million events at 1M a
  // day, less per event as traffic grows (npm run cost). Every log line carries xray_trace_id either way.
  tracing: false,
  // Outbound delivery (signed webhooks to your tenants' endpoints) is off unless this key is present:
  // outbound: {
  //   allowedCidrs: [],
  //   // Days each kind of record is kept (DynamoDB TTL); recovery reaches back min(messagesDays, deliveriesDays).
  //   // messagesDays is also the idempotency window of a message id; deliveries must outlive the retry schedule.
  //   retention: { messagesDays: 30, deliveriesDays: 30, attemptsDays: 30, responseBodiesDays: 7 },
  // },
});
