/**
 * Metrics, described once: every custom metric the functions emit (its CloudWatch name, unit and dimension sets),
 * and the small port the code records them through. The functions record through the port (Powertools Metrics in
 * lambdas/adapters/powertools-metrics.ts deployed, an in-memory recorder in the local stack, fakes in tests); the
 * dashboard, the alarms and the cost model read the catalog; `status` reads the values (CloudWatch deployed, the
 * recorder locally).
 *
 * Cardinality is a cost: a custom metric is billed per name and dimension combination (about $0.30 a month each,
 * prorated by the hour it is written in). Hence no metric another one already gives: the events published are the
 * SampleCount of IngestToPublishAge.
 * A dimension value comes from the configuration (a source id) or a fixed list in code (a rejection reason, a
 * delivery outcome), never from a tenant, an endpoint or a request; per-tenant figures come from the logs and
 * `endpoints show` (docs/observability.md).
 */

export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds';
export type DimensionName = 'Source' | 'Reason' | 'Outcome';
export type Dimensions = Readonly<Partial<Record<DimensionName, string>>>;

/** Which function records a metric (the dashboard test and docs/observability.md read it). */
export type Emitter = 'verifier' | 'processor' | 'worker' | 'sweeper' | 'operations';

export interface MetricSpec {
  /** The CloudWatch metric name. */
  readonly name: string;
  readonly unit: MetricUnit;
  /** Each set is one CloudWatch metric per value combination; `[]` is the metric without dimensions. */
  readonly dimensions: readonly (readonly DimensionName[])[];
  readonly emittedBy: Emitter;
  readonly description: string;
}

export const METRICS = {
  accepted: {
    name: 'Accepted',
    unit: 'Count',
    dimensions: [['Source']],
    emittedBy: 'verifier',
    description: 'events verified, recorded and queued (answered 202)',
  },
  duplicates: {
    name: 'Duplicates',
    unit: 'Count',
    dimensions: [['Source']],
    emittedBy: 'verifier',
    description: 'deliveries of an event already recorded (answered 200)',
  },
  rejected: {
    name: 'Rejected',
    unit: 'Count',
    dimensions: [['Source'], ['Source', 'Reason']],
    emittedBy: 'verifier',
    description: 'requests refused with a 4xx, in total and by reason (the error code: invalid_signature, …)',
  },
  verifyDuration: {
    name: 'VerifyDuration',
    unit: 'Milliseconds',
    dimensions: [['Source']],
    emittedBy: 'verifier',
    description: 'time the verifier spent on a request, from receiving it to its answer',
  },
  handshakes: {
    name: 'HandshakesAnswered',
    unit: 'Count',
    dimensions: [['Source']],
    emittedBy: 'verifier',
    description: "provider URL checks answered (Slack's url_verification, Zoom's validation, Meta's GET)",
  },
  ingestToPublishAge: {
    name: 'IngestToPublishAge',
    unit: 'Milliseconds',
    dimensions: [['Source']],
    emittedBy: 'processor',
    description:
      'from the verifier receiving an event to the processor publishing it, one value per event published: its SampleCount is the number published',
  },
  processingFailures: {
    name: 'ProcessingFailures',
    unit: 'Count',
    dimensions: [['Source']],
    emittedBy: 'processor',
    description: 'queue messages the processor failed (handler threw, publish failed, unparseable): SQS retries them',
  },
  processingRetries: {
    name: 'ProcessingRetries',
    unit: 'Count',
    dimensions: [['Source']],
    emittedBy: 'processor',
    description: 'queue messages received again (a retry of a failed or timed-out attempt)',
  },
  deliveryAttempts: {
    name: 'DeliveryAttempts',
    unit: 'Count',
    dimensions: [['Outcome']],
    emittedBy: 'worker',
    description: 'outbound attempts by outcome: delivered, failed (retried later), exhausted (no attempt left, or 410)',
  },
  attemptLatency: {
    name: 'AttemptLatency',
    unit: 'Milliseconds',
    dimensions: [[]],
    emittedBy: 'worker',
    description: 'time from sending an outbound request to its answer (or error)',
  },
  oldestDueDeliveryAge: {
    name: 'OldestDueDeliveryAgeSeconds',
    unit: 'Seconds',
    dimensions: [[]],
    emittedBy: 'sweeper',
    description: 'how long the oldest delivery the sweeper claimed waited past its due time (0 when none), every run',
  },
  circuitsOpened: {
    name: 'CircuitsOpened',
    unit: 'Count',
    dimensions: [[]],
    emittedBy: 'operations',
    description: 'endpoint circuits opened (endpoint.circuit.opened notifications published)',
  },
  circuitsClosed: {
    name: 'CircuitsClosed',
    unit: 'Count',
    dimensions: [[]],
    emittedBy: 'operations',
    description: 'endpoint circuits closed after a successful probe',
  },
  endpointsDisabled: {
    name: 'EndpointsDisabled',
    unit: 'Count',
    dimensions: [[]],
    emittedBy: 'operations',
    description: 'endpoints disabled (410 Gone, failing too long, or by an operator)',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

/** The outcomes `DeliveryAttempts` is split by. */
export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'exhausted'] as const;

/** The `Source` of a request whose path names no configured source (never the path itself: anyone can send one). */
export const UNKNOWN_SOURCE = '(unknown)';
/** The `Source` of every tenant source's requests: a tenant is never a dimension (their figures: docs/observability.md). */
export const TENANT_SOURCES = '(tenant)';
/** The `Source` of the shared pipeline's processor (tenant sources and config sources with `pipeline: 'shared'`). */
export const SHARED_PIPELINE = '(shared)';

/** The CloudWatch namespace of one deployment's metrics: its stack name, so two stacks in an account do not mix. */
export function metricsNamespace(stackName: string): string {
  return stackName;
}

export interface Metrics {
  /** Adds a value of `metric` (values are summed, or kept as a distribution, until `flush`). */
  add(metric: MetricKey, value: number, dimensions?: Dimensions): void;
  /** Context for the same log line (an event id, a request id): searchable in the logs, never a dimension. */
  note(key: string, value: string): void;
  /** Writes what was recorded; the function's edge calls it once per invocation. */
  flush(): void;
}

export const noMetrics: Metrics = { add() {}, note() {}, flush() {} };
