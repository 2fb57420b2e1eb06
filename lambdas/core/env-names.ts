/**
 * Names of the environment variables the stack sets and the functions read.
 * Imported by both `lib/` (which sets them) and `lambdas/config.ts` (which parses them),
 * so infrastructure and code cannot drift apart.
 */
export const ENV = {
  /** DynamoDB table holding one small record per event. */
  eventsTable: 'EVENTS_TABLE_NAME',
  /** JSON array of runtime source settings (see `RuntimeSource`). Verifier only. */
  sources: 'WEBHOOK_SOURCES',
  /** The source a processor function serves. Processor only. */
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
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
