/**
 * The fields of the stack config, each with its own rules (zod/mini), and the types inferred from them.
 * A source's fields come from `sharedSourceFields` (lambdas/core/inbound/source-schema.ts), the same
 * definitions the verifier checks its runtime form with; this file adds the synth-only fields and defaults.
 *
 * These are shapes: the rules that span fields, sources or AWS limits (config-checks.ts, which reads
 * the types below) are attached in config.ts, whose `stackConfigSchema` and `sourceSchema` are what
 * the CDK app, the local stack and the CLI parse with.
 */
import * as z from 'zod/mini';
import { RETRY_POLICY } from '../lambdas/contract';
import {
  MAX_BODY_BYTES_LIMIT,
  SHARED_SOURCE_KEYS,
  sharedSourceFields,
  type RuntimeSource,
} from '../lambdas/core/inbound/source-schema';
import { subscriptionFilterShape } from '../lambdas/core/inbound/subscription-filter';
import { outboundConfigSchema } from './outbound-config-schema';

export { MAX_BODY_BYTES_LIMIT };
/** Bodies up to Lambda's request limit by default: the larger ones travel by claim check (docs/archive.md). */
const DEFAULT_MAX_BODY_BYTES = MAX_BODY_BYTES_LIMIT;

const int = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

const processorShape = z.strictObject({
  /** Maximum concurrent processor invocations for this source (SQS event source maximum concurrency). */
  maxConcurrency: z._default(int(2, 1000), 5),
  batchSize: z._default(int(1, 100), 10),
  /**
   * Seconds to gather a batch; 0 means process as soon as messages arrive. The 1 s default fills
   * batches at modest traffic, which cuts processor invocations and SQS requests by up to 10x for
   * at most a second of added latency.
   */
  maxBatchingWindowSeconds: z._default(int(0, 300), 1),
  timeoutSeconds: z._default(int(3, 900), 30),
  memoryMb: z._default(int(128, 10240), 256),
});

/**
 * A source's alarm thresholds (docs/observability.md). Every alarm notifies the stack's alarm topic; missing data
 * (no traffic) never alarms.
 */
/** A pipeline's alarm thresholds: its queue and its processor (an own pipeline's, or the shared one's). */
const pipelineAlarmFields = {
  /** Alarm when the queue holds a message older than this (the processor is failing or behind). */
  maxQueueAgeMinutes: z._default(int(1, 20_160), 30),
  /** Alarm when more than this percentage of the processor's messages in 5 minutes fail… */
  maxProcessorFailurePercent: z._default(int(1, 100), 10),
  /** …and at least this many did. */
  minProcessorFailures: z._default(int(1, 1_000_000), 5),
};

const sourceAlarmsShape = z.strictObject({
  /** Alarm when more than this percentage of the source's requests in 5 minutes are rejected (a rotated secret?)… */
  maxRejectedPercent: z._default(int(1, 100), 20),
  /** …and at least this many were: a scanner's few unsigned requests at night are not worth a page. */
  minRejected: z._default(int(1, 1_000_000), 10),
  ...pipelineAlarmFields,
});

/** Stack-wide alarm thresholds (docs/observability.md). */
const stackAlarmsShape = z.strictObject({
  /** Alarm when the API answers more than this many 5xx in 5 minutes. */
  maxApi5xxPer5Minutes: z._default(int(0, 1_000_000), 5),
  /** Alarm when Lambda throttles the verifier more than this many times in 5 minutes (requests refused with 429). */
  maxVerifierThrottlesPer5Minutes: z._default(int(0, 1_000_000), 0),
});

/** A source's archive settings (#19): how long its events are kept, and which headers are never kept. */
const archiveSourceShape = z.strictObject({
  /** Days archived events (and claim-checked bodies, offloaded messages) are kept; null keeps them for ever. */
  retentionDays: z._default(z.nullable(int(1, 36_500)), 90),
  /** Request headers never archived besides Authorization and Cookie, e.g. a provider's API key header. */
  denyHeaders: z._default(z.array(z.string().check(z.minLength(1), z.toLowerCase())), () => []),
});

/** The stack's archive settings: the bucket's audit lock and who may read offloaded messages. */
const archiveStackShape = z.strictObject({
  /**
   * S3 Object Lock in compliance mode with this default retention: no one, the root user included, can delete or
   * overwrite an archived object before it ends. Choose it no longer than any source's retentionDays. Absent: no lock.
   */
  objectLockDays: z.optional(int(1, 36_500)),
  /**
   * IAM role ARNs of subscribers that read published messages offloaded to the archive (over SNS's 256 KiB): they
   * get s3:GetObject on `messages/` and kms:Decrypt through S3. Subscribers in this stack need nothing more.
   */
  largeMessageReaders: z._default(z.array(z.string().check(z.startsWith('arn:'))), () => []),
});

/** One source's fields. Parse with `sourceSchema` (config.ts), which adds the rules across its fields. */
export const sourceShape = z.strictObject({
  ...sharedSourceFields,
  /** The largest body accepted: by default and at most Lambda's 6 MiB request less 64 KiB (the shared field's rule). */
  maxBodyBytes: z._default(sharedSourceFields.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
  // Synth-only fields (the runtime form derives its own from them in toRuntimeSource):
  /** Scheme-specific options, validated by the scheme's own schema. */
  schemeOptions: z._default(z.record(z.string(), z.unknown()), () => ({})),
  /** How long an event id is remembered for deduplication. Default 7 days covers Stripe's 3-day retries. */
  dedupeWindowDays: z._default(int(1, 365), 7),
  /** SQS receives before a message moves to the dead-letter queue. */
  maxReceiveCount: z._default(int(1, 1000), RETRY_POLICY.maxReceiveCount),
  /** How long SQS keeps an unprocessed message. Must not exceed the dedupe window. */
  queueRetentionDays: z._default(int(1, 14), 4),
  processor: z.prefault(processorShape, {}),
  alarms: z.prefault(sourceAlarmsShape, {}),
  /**
   * `own`: the source has its own queue, dead-letter queue, alarm and processor (11 CloudFormation resources: about
   * 40 such sources fit in a stack). `shared`: its events go to the shared pipeline (`sharedPipeline`), fair between
   * sources, and it adds only its secret. (The queue, processor and retry fields above apply to `own` only.)
   */
  pipeline: z._default(z.enum(['own', 'shared']), 'own'),
  /** The archive of this source's events (#19, docs/archive.md). */
  archive: z.prefault(archiveSourceShape, {}),
});

/** The config's list of sources, of `source` (the shape here, or the checked schema in config.ts). */
export const sourceList = <S extends z.ZodMiniType>(source: S) => z._default(z.array(source), () => []);

const filterShape = subscriptionFilterShape;

const subscriptionId = z.string().check(z.regex(/^[A-Za-z0-9-]{1,40}$/));
const arn = z.string().check(z.startsWith('arn:'));

export const subscriptionShape = z.discriminatedUnion('kind', [
  z.strictObject({
    id: subscriptionId,
    kind: z.literal('sqs'),
    queueArn: z.optional(arn),
    filter: z.optional(filterShape),
  }),
  z.strictObject({ id: subscriptionId, kind: z.literal('lambda'), functionArn: arn, filter: z.optional(filterShape) }),
  z.strictObject({ id: subscriptionId, kind: z.literal('email'), address: z.email(), filter: z.optional(filterShape) }),
  z.strictObject({
    id: subscriptionId,
    kind: z.literal('https'),
    url: z.url({ protocol: /^https$/ }),
    filter: z.optional(filterShape),
  }),
]);

/**
 * The shared pipeline: one fair queue (a message group per tenant, or per config source) with its dead-letter queue,
 * and one processor, for tenant sources and the config sources with `pipeline: 'shared'` (docs/sources.md).
 */
const sharedPipelineShape = z.strictObject({
  maxReceiveCount: z._default(int(1, 1000), RETRY_POLICY.maxReceiveCount),
  queueRetentionDays: z._default(int(1, 14), 4),
  /** The processor's fallback for a record the verifier did not write (its own TTL comes from the source). */
  dedupeWindowDays: z._default(int(1, 365), 7),
  processor: z.prefault(
    z.extend(processorShape, {
      maxConcurrency: z._default(int(2, 1000), 10),
    }),
    {},
  ),
  /** The shared queue's and processor's alarm thresholds (docs/observability.md). */
  alarms: z.prefault(z.strictObject(pipelineAlarmFields), {}),
});

/** Sources created at run time through `/v1/tenants/{tenant}/sources` (docs/sources.md). */
const tenantSourcesShape = z.strictObject({
  /** How long a verifier container keeps a tenant source it read, and the answer for an unknown path (at most 60 s). */
  cacheSeconds: z._default(int(1, 60), 30),
  /** Reads of sources not in its cache one verifier container makes a second at most: a flood of random paths costs no more. */
  missesPerSecond: z._default(int(1, 10_000), 50),
});

/** The whole config's fields. Parse with `stackConfigSchema` (config.ts), which adds the rules across them. */
export const stackConfigShape = z.strictObject({
  sources: sourceList(sourceShape),
  subscriptions: z._default(z.array(subscriptionShape), () => []),
  api: z._default(
    z.strictObject({
      throttlingRateLimit: z._default(z.number().check(z.minimum(1)), 1000),
      throttlingBurstLimit: z._default(z.int().check(z.minimum(1)), 500),
    }),
    () => ({ throttlingRateLimit: 1000, throttlingBurstLimit: 500 }),
  ),
  logRetentionDays: z._default(z.literal([1, 3, 5, 7, 14, 30, 60, 90, 180, 365]), 30),
  /** How long the verifier caches signing secrets. Rotation keeps the previous secret valid meanwhile. */
  secretsCacheSeconds: z._default(int(0, 3600), 60),
  /**
   * X-Ray active tracing on every function and the events topic (decision 0028): one trace follows an event as far
   * as AWS carries the trace header (docs/observability.md). Lambda samples each function's invocations itself, the
   * first each second and 5% of the rest, and AWS lets no one change that rate for Lambda; so this switch is the
   * sampling setting. Off by default: at 1M events a day it adds about $1 per million events (`npm run cost`).
   */
  tracing: z._default(z.boolean(), false),
  /**
   * Node's `--enable-source-maps` in every function: stack traces in the logs name the TypeScript source. The maps
   * ship beside the code either way. Off by default: on, the verifier's cold start takes about 10 % more CPU
   * (`npm run bench:coldstart`, decision 0030).
   */
  sourceMaps: z._default(z.boolean(), false),
  alarms: z.prefault(stackAlarmsShape, {}),
  archive: z.prefault(archiveStackShape, {}),
  /** Outbound delivery, off unless present: see lib/outbound-config-schema.ts. */
  outbound: z.optional(outboundConfigSchema),
  /** Sources at run time, per tenant (docs/sources.md), off unless present. */
  tenantSources: z.optional(tenantSourcesShape),
  sharedPipeline: z.prefault(sharedPipelineShape, {}),
});

export type StackConfigInput = z.input<typeof stackConfigShape>;
export type StackConfig = z.output<typeof stackConfigShape>;
export type SourceConfig = z.output<typeof sourceShape>;
export type SubscriptionConfig = z.output<typeof subscriptionShape>;
export type SharedPipelineConfig = z.output<typeof sharedPipelineShape>;
export type TenantSourcesConfig = z.output<typeof tenantSourcesShape>;

/**
 * Builds the runtime form of a source: the shared fields as they are, the rest derived, plus where its queue (the
 * fixed name of its own, or none: the shared pipeline's) and its secret (by name) are.
 */
export function toRuntimeSource(source: SourceConfig, deploy: { queueName?: string; secretId: string }): RuntimeSource {
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
    ...(deploy.queueName !== undefined && { queueName: deploy.queueName }),
    secretId: deploy.secretId,
  };
}
