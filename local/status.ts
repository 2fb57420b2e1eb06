/**
 * `status`'s report, one shape for the local stack and a deployed one: every source (its rate, what it accepted,
 * rejected by reason, published and failed in the last hour, its queue and dead letters), the other queues,
 * outbound (endpoints by state, deliveries by status, attempts by outcome) and the alarms firing. The local stack
 * builds it here from its own metrics (local/metrics.ts) and queues, evaluating the same thresholds as the deployed
 * alarms (the sources' `alarms` config); `status --stack` builds it from CloudWatch, SQS and the alarms' states
 * (cli/lib/deployed-status.ts).
 */
import type { SharedPipelineConfig, SourceConfig } from '../lib/config-schema';
import { SHARED_PIPELINE, TENANT_SOURCES } from '../lambdas/core/kernel/metrics';
import type { LocalMetrics } from './metrics';
import type { OutboundOverview } from './outbound-overview';
import type { QueueStats } from './queue-message';

/**
 * One row: a `Source` value of the metrics. A config source with its own pipeline has every column; one on the shared
 * pipeline only the verifier's (its processing is the `(shared)` row's); `(tenant)` is every tenant source's requests
 * (a tenant is never a dimension), `(shared)` the shared pipeline's processor and queue.
 */
export interface SourceStatus {
  readonly source: string;
  /** Requests a minute over the last 5 minutes: accepted, duplicate and rejected. */
  readonly perMinute?: number;
  readonly accepted?: number;
  readonly duplicates?: number;
  readonly rejected?: number;
  readonly rejectedBy?: Readonly<Record<string, number>>;
  readonly published?: number;
  readonly failures?: number;
  readonly waiting?: number;
  readonly inFlight?: number;
  readonly deadLetters?: number;
  readonly oldestAgeSeconds?: number;
}

export interface QueueStatus {
  readonly queue: string;
  readonly waiting: number;
  readonly inFlight: number;
  readonly deadLetters: number;
  readonly oldestAgeSeconds?: number;
}

export interface OutboundStatus {
  /** Locally every endpoint, named; deployed absent (a Scan would read every delivery): `endpoints list` names them. */
  readonly endpoints?: OutboundOverview['endpoints'];
  /** Deliveries by status (local only, for the same reason). */
  readonly deliveries?: Readonly<Record<string, number>>;
  /** Attempts in the window, by outcome. */
  readonly attempts: Readonly<Record<string, number>>;
  readonly circuitsOpened: number;
  readonly circuitsClosed: number;
  readonly endpointsDisabled: number;
}

export interface AlarmStatus {
  readonly alarm: string;
  readonly reason: string;
}

export interface StatusReport {
  /** `local`, or the stack's name. */
  readonly stack: string;
  readonly at: string;
  /** The window of the counts, in minutes. */
  readonly windowMinutes: number;
  readonly sources: readonly SourceStatus[];
  /** The queues that are not a source's: outbound's. */
  readonly queues: readonly QueueStatus[];
  readonly outbound?: OutboundStatus;
  readonly alarms: readonly AlarmStatus[];
}

export const STATUS_WINDOW_MINUTES = 60;
const RATE_MINUTES = 5;

export interface LocalStatusInput {
  /** The config sources, with their own queue's stats (none for a source on the shared pipeline). */
  readonly sources: ReadonlyArray<{ readonly config: SourceConfig; readonly stats?: QueueStats | undefined }>;
  /** The shared pipeline, and whether tenant sources are on. */
  readonly shared?: {
    readonly config: SharedPipelineConfig;
    readonly stats: QueueStats;
    readonly tenantSources?: boolean;
  };
  readonly queues: ReadonlyArray<{ readonly queue: string; readonly stats: QueueStats }>;
  readonly outbound: OutboundOverview;
  readonly metrics: LocalMetrics;
  readonly nowMs: number;
}

/** The local stack's report: counts from its metrics, its queues, and the alarms the same thresholds would fire. */
export function localStatus(input: LocalStatusInput): StatusReport {
  const { metrics, nowMs } = input;
  const age = (stats: QueueStats) =>
    stats.oldestSentAt === undefined ? {} : { oldestAgeSeconds: Math.floor((nowMs - stats.oldestSentAt) / 1000) };
  const verifier = (source: string) => {
    const where = { Source: source };
    const requests = (minutes: number) =>
      metrics.sum('accepted', minutes, where) +
      metrics.sum('duplicates', minutes, where) +
      metrics.sum('rejected', minutes, where);
    return {
      perMinute: Math.round((requests(RATE_MINUTES) / RATE_MINUTES) * 10) / 10,
      accepted: metrics.sum('accepted', STATUS_WINDOW_MINUTES, where),
      duplicates: metrics.sum('duplicates', STATUS_WINDOW_MINUTES, where),
      rejected: metrics.sum('rejected', STATUS_WINDOW_MINUTES, where),
      rejectedBy: metrics.sumBy('rejected', STATUS_WINDOW_MINUTES, 'Reason', where),
    };
  };
  const pipeline = (source: string, stats: QueueStats) => {
    const where = { Source: source };
    return {
      published: metrics.count('ingestToPublishAge', STATUS_WINDOW_MINUTES, where),
      failures: metrics.sum('processingFailures', STATUS_WINDOW_MINUTES, where),
      waiting: stats.visible,
      inFlight: stats.inFlight,
      deadLetters: stats.deadLetters,
      ...age(stats),
    };
  };
  const sources: SourceStatus[] = input.sources.map(({ config, stats }) => ({
    source: config.id,
    ...verifier(config.id),
    ...(stats && pipeline(config.id, stats)),
  }));
  if (input.shared?.tenantSources) sources.push({ source: TENANT_SOURCES, ...verifier(TENANT_SOURCES) });
  if (input.shared) sources.push({ source: SHARED_PIPELINE, ...pipeline(SHARED_PIPELINE, input.shared.stats) });
  const queues = input.queues.map(({ queue, stats }) => ({
    queue,
    waiting: stats.visible,
    inFlight: stats.inFlight,
    deadLetters: stats.deadLetters,
    ...age(stats),
  }));
  const outbound: OutboundStatus = {
    ...input.outbound,
    attempts: metrics.sumBy('deliveryAttempts', STATUS_WINDOW_MINUTES, 'Outcome'),
    circuitsOpened: metrics.sum('circuitsOpened', STATUS_WINDOW_MINUTES),
    circuitsClosed: metrics.sum('circuitsClosed', STATUS_WINDOW_MINUTES),
    endpointsDisabled: metrics.sum('endpointsDisabled', STATUS_WINDOW_MINUTES),
  };
  return {
    stack: 'local',
    at: new Date(nowMs).toISOString(),
    windowMinutes: STATUS_WINDOW_MINUTES,
    sources,
    queues,
    outbound,
    alarms: localAlarms(input, sources, queues),
  };
}

/** The deployed alarms' rules (lib/constructs/inbound-alarms.ts, outbound-alarms.ts) over the local figures. */
function localAlarms(
  input: LocalStatusInput,
  sources: readonly SourceStatus[],
  queues: readonly QueueStatus[],
): AlarmStatus[] {
  const alarms: AlarmStatus[] = [];
  const { metrics } = input;
  const row = (source: string) => sources.find((r) => r.source === source)!;
  const pipelineAlarms = (source: string, name: string, limits: SharedPipelineConfig['alarms']) => {
    const r = row(source);
    const where = { Source: source };
    if (r.deadLetters)
      alarms.push({ alarm: `${name} dead letters`, reason: `${r.deadLetters} in the dead-letter queue` });
    const failures = metrics.sum('processingFailures', 5, where);
    const processed = failures + metrics.count('ingestToPublishAge', 5, where);
    if (failures >= limits.minProcessorFailures && (100 * failures) / processed > limits.maxProcessorFailurePercent)
      alarms.push({
        alarm: `${name} processor failures`,
        reason: `${failures} of ${processed} messages failed in 5 minutes (over ${limits.maxProcessorFailurePercent}%)`,
      });
    if (r.oldestAgeSeconds !== undefined && r.oldestAgeSeconds > limits.maxQueueAgeMinutes * 60)
      alarms.push({
        alarm: `${name} queue age`,
        reason: `oldest message ${r.oldestAgeSeconds} s old (over ${limits.maxQueueAgeMinutes} min)`,
      });
  };
  for (const { config, stats } of input.sources) {
    const limits = config.alarms;
    const where = { Source: config.id };
    const rejected = metrics.sum('rejected', 5, where);
    const total = rejected + metrics.sum('accepted', 5, where) + metrics.sum('duplicates', 5, where);
    if (rejected >= limits.minRejected && (100 * rejected) / total > limits.maxRejectedPercent)
      alarms.push({
        alarm: `${config.id} rejected share`,
        reason: `${rejected} of ${total} requests rejected in 5 minutes (over ${limits.maxRejectedPercent}%)`,
      });
    if (stats) pipelineAlarms(config.id, config.id, limits);
  }
  if (input.shared) pipelineAlarms(SHARED_PIPELINE, 'shared pipeline', input.shared.config.alarms);
  for (const q of queues)
    if (q.deadLetters > 0)
      alarms.push({ alarm: `${q.queue} dead letters`, reason: `${q.deadLetters} in the dead-letter queue` });
  const exhausted = metrics.sum('deliveryAttempts', 5, { Outcome: 'exhausted' });
  if (exhausted > 0) alarms.push({ alarm: 'outbound exhausted deliveries', reason: `${exhausted} in 5 minutes` });
  return alarms;
}
