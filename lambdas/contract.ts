/**
 * The contract between the infrastructure (lib/, and the local stack that stands in for it) and the
 * functions (lambdas/): environment variable names, the timing and retry policy the idempotency
 * argument depends on, the events table's keys, and the message attributes subscribers filter on.
 * Both sides import this one module, so they cannot drift apart.
 */

// ---------------------------------------------------------------------------------------------
// Environment

/** Names of the environment variables the stack sets and the functions read (parsed in lambdas/wiring/inbound-env.ts and outbound-env.ts). */
export const ENV = {
  /** DynamoDB table holding one small record per event. */
  eventsTable: 'EVENTS_TABLE_NAME',
  /**
   * `https://sqs.<region>.<domain>/<account>/`: a config source's own queue is this and its fixed name (the
   * sources themselves are bundled with the verifier, `BUNDLED_SOURCES_FILE`). Verifier only.
   */
  queueUrlPrefix: 'WEBHOOK_QUEUE_URL_PREFIX',
  /** The shared pipeline's queue, when the stack has one. Verifier only. */
  sharedQueueUrl: 'WEBHOOK_SHARED_QUEUE_URL',
  /**
   * The outbound API function's operator console (JSON: the queues besides the config sources' own, by name, and
   * whether tenant sources exist); unset: no console. The sources come from the bundled sources file.
   */
  console: 'WEBHOOK_CONSOLE',
  /** Tenant sources (docs/sources.md): their table, the KMS key of their secrets, and how long a verifier caches one. */
  tenantSourcesTable: 'TENANT_SOURCES_TABLE_NAME',
  tenantSourcesKeyId: 'TENANT_SOURCES_KEY_ID',
  sourceCacheSeconds: 'SOURCE_CACHE_SECONDS',
  /** Cache misses (reads of the sources table) one verifier container makes a second at most. */
  sourceMissesPerSecond: 'SOURCE_MISSES_PER_SECOND',
  /** The source a processor function serves, or `*` for the shared pipeline's. Processor only. */
  sourceId: 'WEBHOOK_SOURCE_ID',
  /** SNS topic processed events are published to. Processor only. */
  topicArn: 'EVENTS_TOPIC_ARN',
  /** How long a verifier caches a source's signing secrets, in seconds. */
  secretsCacheSeconds: 'SECRETS_CACHE_SECONDS',
  /** Lease, in seconds, that guards an in-flight ingestion or processing attempt. */
  leaseSeconds: 'LEASE_SECONDS',
  /** Seconds an event record is kept for deduplication (DynamoDB TTL). Processor only. */
  dedupeSeconds: 'DEDUPE_SECONDS',
  /** Powertools logger settings. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools Metrics: the CloudWatch namespace of the custom metrics (`metricsNamespace`, core/kernel/metrics.ts). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Outbound delivery: the single table of endpoints, messages, deliveries and attempts. */
  outboundTable: 'OUTBOUND_TABLE_NAME',
  /** Outbound: the delivery queue wake-ups are sent to. */
  deliveryQueueUrl: 'OUTBOUND_DELIVERY_QUEUE_URL',
  /** Outbound: the KMS key that encrypts endpoint secrets. */
  secretsKeyId: 'OUTBOUND_SECRETS_KEY_ID',
  /** Outbound: JSON array of CIDRs deliveries may reach although the SSRF guard refuses them by default. */
  allowedCidrs: 'OUTBOUND_ALLOWED_CIDRS',
  /** Outbound: the SNS topic operator notifications are published to (circuit opened/closed, endpoint disabled). */
  operationsTopicArn: 'OUTBOUND_OPERATIONS_TOPIC_ARN',
  /**
   * Outbound: JSON of the retention settings (`retentionSettingsSchema`: messagesDays, deliveriesDays, attemptsDays,
   * responseBodiesDays), the stack config's `outbound.retention`: the TTL of every item, and what recovery can reach.
   */
  retention: 'OUTBOUND_RETENTION',
  /** Outbound: the S3 bucket that holds message payloads too large for the table (decision 0027). */
  payloadBucket: 'OUTBOUND_PAYLOAD_BUCKET',
  /** Outbound relay function only: JSON array of the relay rules (`relayRuleSchema`, config/relays.ts). */
  relays: 'OUTBOUND_RELAYS',
  /** Outbound API function only: the Secrets Manager secret portal sessions are signed with (its ARN). */
  portalSigningSecret: 'PORTAL_SIGNING_SECRET_ARN',
  /** Outbound API function only: JSON of the portal settings (`portalSettingsSchema`, config/portal.ts). */
  portalSettings: 'PORTAL_SETTINGS',
  /** The archive bucket (#19): claim checks (verifier), archived batches and large messages (processor), replays. */
  archiveBucket: 'ARCHIVE_BUCKET_NAME',
  /** Processor only: JSON array of header names its source never archives (besides Authorization and Cookie). */
  archiveDenyHeaders: 'ARCHIVE_DENY_HEADERS',
  /** Replay function only: JSON object of each source's archive retention in days (null: kept for ever). */
  archiveRetention: 'ARCHIVE_RETENTION_DAYS',
  /** Replay function only: JSON array of the subscription ids a replay may target. */
  subscriptionIds: 'SUBSCRIPTION_IDS',
} as const;

/**
 * The config sources, as JSON (`RuntimeSource[]`), in a file beside the verifier's code: checked and bundled at synth,
 * read as checked at cold start (decision 0002). An environment variable held about ten (Lambda's 4 KB).
 */
export const BUNDLED_SOURCES_FILE = 'webhook-sources.json';

/** Where a tenant source is served (its `{token}` is the URL's unguessable part): the API route and the local one. */
export const TENANT_WEBHOOK_PATH = '/webhooks/t/{tenant}/{source}/{token}';

/** A processor's `WEBHOOK_SOURCE_ID` when it drains the shared pipeline: it takes events of every source. */
export const ANY_SOURCE = '*';
/** The portal's built front end, beside the outbound API function's bundle (web/build.ts writes it there). */
export const PORTAL_ASSETS_DIR = 'portal-web';
/** How long the API function keeps the portal signing key: a rotation revokes every session within this. */
export const PORTAL_KEY_CACHE_SECONDS = 60;

// ---------------------------------------------------------------------------------------------
// Timing and retries

/** Verifier timeout; API Gateway HTTP APIs give up after 30 s anyway. */
export const VERIFIER_TIMEOUT_SECONDS = 10;
/** Lease on an in-flight ingestion. Must exceed the verifier timeout, or a live attempt could be taken over. */
export const VERIFIER_LEASE_SECONDS = 30;
/**
 * A processor starts no publish with less time left than this: a timeout between SNS accepting a
 * publish and the `completed` write would publish the event again on redelivery.
 */
export const PUBLISH_SAFETY_MS = 3000;

/**
 * How a failed event is retried before it is dead-lettered. SQS standard queues have no per-message
 * backoff: a failed message becomes visible again after the visibility timeout, so that is the
 * backoff, and `maxReceiveCount` receives later it moves to the dead-letter queue.
 */
export const RETRY_POLICY = {
  /** Receives before the dead-letter queue (a source's `maxReceiveCount` overrides it). */
  maxReceiveCount: 5,
  /**
   * The queue hides a received message for six processor timeouts: Lambda's guidance for SQS event
   * sources, which leaves room for retries of a throttled invocation before the message reappears.
   */
  visibilityTimeoutFactor: 6,
  /** Extra lease over the processor timeout, so a lease never expires under a still-running attempt. */
  processorLeaseMarginSeconds: 30,
} as const;

/** The retry settings of one source's queue and processor, for the constructs and the local stack alike. */
export function retrySettings(processorTimeoutSeconds: number, maxReceiveCount: number = RETRY_POLICY.maxReceiveCount) {
  return {
    maxReceiveCount,
    visibilityTimeoutSeconds: processorTimeoutSeconds * RETRY_POLICY.visibilityTimeoutFactor,
    processorLeaseSeconds: processorTimeoutSeconds + RETRY_POLICY.processorLeaseMarginSeconds,
  };
}

// ---------------------------------------------------------------------------------------------
// Outbound functions and queues

/**
 * The outbound functions' timing and their queues' settings, read by the construct
 * (lib/constructs/outbound-delivery.ts) and the local stack (local/outbound.ts) alike.
 */
export const OUTBOUND_FUNCTIONS = {
  /** Under API Gateway's 30 s integration limit. */
  api: { timeoutSeconds: 29 },
  /**
   * Longer than the longest endpoint timeout (30 s) plus the SSRF check, the secret and the attempt's writes. A
   * batching window of 1 s fills batches at tens of deliveries a second (a delivery waits at most 1 s more): one
   * invocation, receive, delete, breaker count and endpoint read per batch instead of per delivery (decision 0027:
   * $2.81 of $12.95 per million; bench:outbound measured no worse 202→delivered p99).
   */
  worker: {
    timeoutSeconds: 40,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 16,
    claimMarginSeconds: 30,
  },
  /** The intake queue (producers on AWS) and the relay queue (the stack's own topic). */
  intake: { timeoutSeconds: 30, batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 4 },
  /** Runs every minute; claims what falls due before the next run (decision 0007). */
  sweeper: { timeoutSeconds: 55, rateMinutes: 1 },
} as const;

/** Every outbound queue: hidden for six function timeouts, dead-lettered after 5 receives, kept 4 days. */
export const OUTBOUND_QUEUE_POLICY = {
  visibilityTimeoutFactor: RETRY_POLICY.visibilityTimeoutFactor,
  maxReceiveCount: RETRY_POLICY.maxReceiveCount,
  retentionDays: 4,
} as const;

/**
 * How long a worker's claim on a delivery attempt is held (decision 0027): longer than the worker can run, so a live
 * worker always records before its claim expires; shorter than the delivery queue's visibility timeout, so when a
 * worker dies holding a claim, its wake-up comes back to find the claim expired and settles it (70 s < 240 s).
 */
export function outboundClaimLeaseSeconds(): number {
  return OUTBOUND_FUNCTIONS.worker.timeoutSeconds + OUTBOUND_FUNCTIONS.worker.claimMarginSeconds;
}

/** The settings of the queue that feeds outbound function `fn`, for the constructs and the local stack alike. */
export function outboundQueueSettings(fn: 'worker' | 'intake') {
  const f = OUTBOUND_FUNCTIONS[fn];
  return {
    ...f,
    visibilityTimeoutSeconds: f.timeoutSeconds * OUTBOUND_QUEUE_POLICY.visibilityTimeoutFactor,
    maxReceiveCount: OUTBOUND_QUEUE_POLICY.maxReceiveCount,
    retentionSeconds: OUTBOUND_QUEUE_POLICY.retentionDays * 86_400,
  };
}

// ---------------------------------------------------------------------------------------------
// The events table

/** The events table's shape, for the CDK construct and the local stack's embedded DynamoDB. */
export const EVENTS_TABLE = {
  partitionKey: 'pk',
  /** Epoch-seconds attribute DynamoDB TTL uses to expire records after the dedupe window. */
  ttlAttribute: 'expiresAt',
} as const;

/** The record key: `source#eventId`. Source ids cannot contain `#`, so the key is unambiguous. */
export function eventKey(source: string, eventId: string): string {
  return `${source}#${eventId}`;
}

/**
 * The tenant sources' table: one item per source, `TENANT#<tenant>` / `SRC#<id>`, its record as JSON in `doc`
 * and a `version` for optimistic updates (lambdas/adapters/dynamo-tenant-sources.ts).
 */
export const TENANT_SOURCES_TABLE = { partitionKey: 'pk', sortKey: 'sk' } as const;

// ---------------------------------------------------------------------------------------------
// Message attributes

/** The attributes every event carries on the ingest queue and the topic; filter policies match on them. */
export const MESSAGE_ATTRIBUTES = {
  source: 'source',
  type: 'type',
  eventId: 'eventId',
  /** Only on a tenant source's events: the tenant it belongs to. */
  tenant: 'tenant',
} as const;

export type EventAttributes = {
  readonly [K in Exclude<keyof typeof MESSAGE_ATTRIBUTES, 'tenant'> as (typeof MESSAGE_ATTRIBUTES)[K]]: string;
} & { readonly tenant?: string };

/**
 * Attributes a replayed event carries besides the usual ones: `replayId` (a subscriber tells a replay from a first
 * delivery, and can filter on it), and `replayTarget` when the replay is for one subscription only: every
 * subscription's filter policy admits messages without it or naming that subscription (lib/filter-policy.ts).
 */
export const REPLAY_ATTRIBUTES = { replayId: 'replayId', target: 'replayTarget' } as const;

/** The ingest queue's attribute carrying what the archive needs besides the envelope (core/archive/record.ts). Never published. */
export const ARCHIVE_CONTEXT_ATTRIBUTE = 'archive';

/**
 * The AWS extended clients' reserved attribute (a Number: the offloaded message's size in bytes) on a message whose
 * body is a `PayloadS3Pointer` (core/archive/extended-pointer.ts).
 */
export const EXTENDED_PAYLOAD_SIZE_ATTRIBUTE = 'ExtendedPayloadSize';

/** Service limits the payload path is built around, in bytes. */
export const PAYLOAD_LIMITS = {
  /** API Gateway HTTP API's request body limit (10 MB). */
  apiGatewayBytes: 10 * 1024 * 1024,
  /** Lambda's synchronous invocation request: the whole event JSON, body (escaped or base64) and headers included. */
  lambdaRequestBytes: 6 * 1024 * 1024,
  /** An SQS message with its attributes (1 MiB): larger bodies travel by claim check. */
  sqsMessageBytes: 1024 * 1024,
  /** An SNS message with its attributes (256 KiB): larger published messages travel as extended-client pointers. */
  snsMessageBytes: 256 * 1024,
} as const;

/** The attributes of one event. (Literal keys; the type ties them to MESSAGE_ATTRIBUTES.) */
export function eventAttributes(source: string, type: string, eventId: string, tenant?: string): EventAttributes {
  return tenant === undefined ? { source, type, eventId } : { source, type, eventId, tenant };
}

// ---------------------------------------------------------------------------------------------
// The outbound table

/**
 * One table for outbound delivery (single-table keys, written and read by lambdas/adapters/dynamo-*.ts; decision 0027):
 * - endpoint `TENANT#<tenant>` / `EP#<id>`; message `MSG#<tenant>#<id>` / `MSG`;
 * - delivery `DLV#<id>` / `DLV`, holding its claim and its newest attempts; an older attempt beside it as
 *   `DLV#<id>` / `ATT#<number, 6 digits>`, and each attempt's response body as `DLV#<id>` / `ATT#<number>#body` (its
 *   own item: it is kept less long);
 * - sparse `due` index (KEYS_ONLY): only deliveries the sweeper must wake carry `dueShard` and `sweepAt` (0007, 0027);
 * - the list indexes project keys and immutable attributes only, so no status change or attempt rewrites them.
 */
export const OUTBOUND_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds: DynamoDB TTL deletes messages, deliveries, attempts and response bodies after their retention. */
  ttlAttribute: 'ttl',
  dueIndex: { name: 'due', partitionKey: 'dueShard', sortKey: 'sweepAt' },
  /**
   * A tenant's deliveries (`TENANT#t`) and messages (`MSGS#t`), by creation time: lists and `messages replay`. Its
   * entries carry what never changes and a list or a replay selects on: a message's id, type, creation and expiry
   * (all `messages list` shows), a delivery's message id and type; never a payload or a status.
   */
  tenantIndex: {
    name: 'byTenantV2',
    partitionKey: 'tenantKey',
    sortKey: 'listKey',
    projected: ['tenantId', 'id', 'type', 'createdAt', 'expiresAt', 'messageId'],
  },
  /**
   * An endpoint's deliveries (`DLVS#t#e`, by creation time), keys only: `endpoints recover`, `endpoints show` and the
   * release of parked deliveries read one endpoint, not a tenant, and fetch the items they need.
   */
  endpointIndex: { name: 'byEndpointV2', partitionKey: 'endpointKey', sortKey: 'listKey' },
} as const;
