/**
 * The schema of the stack config, validated at synth by the CDK app, the local stack and the CLI.
 * A source's fields come from `sharedSourceFields` (lambdas/core/inbound/source-schema.ts, zod/mini),
 * the same definitions the verifier's runtime form is built from; zod classic embeds them, and this
 * file only narrows a few with the rules a user needs explained and adds the synth-only fields. Every
 * check that spans fields, sources or AWS limits is in config-checks.ts.
 */
import { z } from 'zod';
import * as zm from 'zod/mini';
import { PAYLOAD_LIMITS, RETRY_POLICY } from '../lambdas/contract';
import { SHARED_SOURCE_KEYS, sharedSourceFields, type RuntimeSource } from '../lambdas/core/inbound/source-schema';
import { addIssues, sourceIssues, stackIssues } from './config-checks';
import { outboundConfigSchema } from './outbound-config-schema';

export { formatIssues, parseRuntimeSources, type RuntimeSource } from '../lambdas/core/inbound/runtime-config';
export { SCHEME_NAMES } from '../lambdas/core/signatures/index';

/**
 * The largest body a source accepts: Lambda's 6 MiB invocation request, less room for the rest of the event
 * (headers, request context) and some JSON escaping of the body. Bodies over SQS's 1 MiB travel by claim check
 * through the archive (docs/archive.md). A base64-encoded (binary) body grows by a third in the event.
 */
export const MAX_BODY_BYTES_LIMIT = PAYLOAD_LIMITS.lambdaRequestBytes - 64 * 1024;
export const DEFAULT_MAX_BODY_BYTES = MAX_BODY_BYTES_LIMIT;

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/(\d{1,3})$/;
const cidr = zm.string().check(
  zm.refine(
    (value) => {
      const v4 = IPV4_CIDR.exec(value);
      if (v4) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
      const v6 = IPV6_CIDR.exec(value);
      return v6 !== null && Number(v6[1]) <= 128 && value.includes(':');
    },
    { message: 'must be an IPv4 or IPv6 CIDR such as 192.0.2.0/24' },
  ),
);

export const processorSchema = z.strictObject({
  /** Maximum concurrent processor invocations for this source (SQS event source maximum concurrency). */
  maxConcurrency: z.number().int().min(2).max(1000).default(5),
  batchSize: z.number().int().min(1).max(100).default(10),
  /**
   * Seconds to gather a batch; 0 means process as soon as messages arrive. The 1 s default fills
   * batches at modest traffic, which cuts processor invocations and SQS requests by up to 10x for
   * at most a second of added latency.
   */
  maxBatchingWindowSeconds: z.number().int().min(0).max(300).default(1),
  timeoutSeconds: z.number().int().min(3).max(900).default(30),
  memoryMb: z.number().int().min(128).max(10240).default(256),
});

/** A source's archive settings: how long its events are kept, and which headers are never kept. */
export const archiveSourceSchema = z.strictObject({
  /** Days archived events (and claim-checked bodies) are kept; null keeps them for ever. */
  retentionDays: z.number().int().min(1).max(36_500).nullable().default(90),
  /** Request headers never archived besides Authorization and Cookie, e.g. a provider's API key header. */
  denyHeaders: z.array(z.string().min(1).toLowerCase()).default([]),
});

/** The stack's archive settings: the bucket's audit lock and who may read offloaded messages. */
export const archiveStackSchema = z.strictObject({
  /**
   * S3 Object Lock in compliance mode with this default retention: no one, the root user included, can delete or
   * overwrite an archived object before it ends. Must not exceed any source's retentionDays. Absent: no lock.
   */
  objectLockDays: z.number().int().min(1).max(36_500).optional(),
  /**
   * IAM role ARNs of subscribers that read published messages offloaded to the archive (over SNS's 256 KiB): they
   * get s3:GetObject on `messages/` and kms:Decrypt through S3. Subscribers in this stack need nothing more.
   */
  largeMessageReaders: z.array(z.string().startsWith('arn:')).default([]),
});

const sourceObject = z.strictObject({
  ...sharedSourceFields,
  // Shared fields, narrowed to what a user may write:
  /** URL path segment and resource-name part: lower-case letters, digits and dashes. */
  id: sharedSourceFields.id.check(
    zm.regex(
      /^[a-z0-9][a-z0-9-]{0,39}$/,
      'must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit',
    ),
  ),
  /** Replay window; defaults to the scheme's. */
  toleranceSeconds: zm.optional(
    sharedSourceFields.toleranceSeconds.def.innerType.check(zm.minimum(1), zm.maximum(7 * 24 * 3600)),
  ),
  maxBodyBytes: zm._default(
    sharedSourceFields.maxBodyBytes.check(zm.maximum(MAX_BODY_BYTES_LIMIT)),
    DEFAULT_MAX_BODY_BYTES,
  ),
  allowedCidrs: zm._default(zm.array(cidr), () => []),
  // Synth-only fields (the runtime form derives its own from them in toRuntimeSource):
  /** Scheme-specific options, validated by the scheme's own schema. */
  schemeOptions: z.record(z.string(), z.unknown()).default({}),
  /** How long an event id is remembered for deduplication. Default 7 days covers Stripe's 3-day retries. */
  dedupeWindowDays: z.number().int().min(1).max(365).default(7),
  /** SQS receives before a message moves to the dead-letter queue. */
  maxReceiveCount: z.number().int().min(1).max(1000).default(RETRY_POLICY.maxReceiveCount),
  /** How long SQS keeps an unprocessed message. Must not exceed the dedupe window. */
  queueRetentionDays: z.number().int().min(1).max(14).default(4),
  processor: processorSchema.default(processorSchema.parse({})),
  /** The archive of this source's events (#19, docs/archive.md). */
  archive: archiveSourceSchema.default(archiveSourceSchema.parse({})),
});

export const sourceSchema = sourceObject.superRefine((source, ctx) => addIssues(ctx, sourceIssues(source)));

const filterSchema = z.strictObject({
  source: z.array(z.string().min(1)).min(1).optional(),
  type: z.array(z.string().min(1)).min(1).optional(),
  /** Match event types by prefix, e.g. `invoice.` */
  typePrefix: z.array(z.string().min(1)).min(1).optional(),
});

export const subscriptionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
    kind: z.literal('sqs'),
    queueArn: z.string().startsWith('arn:').optional(),
    filter: filterSchema.optional(),
  }),
  z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
    kind: z.literal('lambda'),
    functionArn: z.string().startsWith('arn:'),
    filter: filterSchema.optional(),
  }),
  z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
    kind: z.literal('email'),
    address: z.email(),
    filter: filterSchema.optional(),
  }),
  z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
    kind: z.literal('https'),
    url: z.url({ protocol: /^https$/ }),
    filter: filterSchema.optional(),
  }),
]);

const stackConfigObject = z.strictObject({
  sources: z.array(sourceSchema).min(1, 'declare at least one source'),
  subscriptions: z.array(subscriptionSchema).default([]),
  api: z
    .strictObject({
      throttlingRateLimit: z.number().min(1).default(1000),
      throttlingBurstLimit: z.number().int().min(1).default(500),
    })
    .default({ throttlingRateLimit: 1000, throttlingBurstLimit: 500 }),
  logRetentionDays: z
    .union([
      z.literal(1),
      z.literal(3),
      z.literal(5),
      z.literal(7),
      z.literal(14),
      z.literal(30),
      z.literal(60),
      z.literal(90),
      z.literal(180),
      z.literal(365),
    ])
    .default(30),
  /** How long the verifier caches signing secrets. Rotation keeps the previous secret valid meanwhile. */
  secretsCacheSeconds: z.number().int().min(0).max(3600).default(60),
  /**
   * X-Ray active tracing on every function. Off by default: at the default sampling it costs about
   * as much as the API itself per million events (see the README's cost section).
   */
  tracing: z.boolean().default(false),
  archive: archiveStackSchema.default(archiveStackSchema.parse({})),
  /** Outbound delivery (#12), off unless present: see lib/outbound-config-schema.ts. */
  outbound: z.optional(outboundConfigSchema),
});

export const stackConfigSchema = stackConfigObject.superRefine((config, ctx) => addIssues(ctx, stackIssues(config)));

export type StackConfigInput = z.input<typeof stackConfigObject>;
export type StackConfig = z.output<typeof stackConfigObject>;
export type SourceConfig = z.output<typeof sourceObject>;
export type SubscriptionConfig = z.output<typeof subscriptionSchema>;

/** Builds the runtime form of a source: the shared fields as they are, the rest derived, plus the deploy-time fields. */
export function toRuntimeSource(source: SourceConfig, deploy: { queueUrl: string; secretId: string }): RuntimeSource {
  const shared = Object.fromEntries(
    SHARED_SOURCE_KEYS.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  );
  return {
    // id, scheme, options first: the order the variable has always been rendered in (a template diff otherwise).
    id: source.id,
    scheme: source.scheme,
    options: source.schemeOptions,
    ...(shared as Pick<SourceConfig, Exclude<(typeof SHARED_SOURCE_KEYS)[number], 'id' | 'scheme'>>),
    dedupeSeconds: source.dedupeWindowDays * 86_400,
    queueUrl: deploy.queueUrl,
    secretId: deploy.secretId,
  };
}
