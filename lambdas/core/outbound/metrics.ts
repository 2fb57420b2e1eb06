/**
 * What the outbound functions count (the catalog is core/kernel/metrics.ts): each attempt's outcome and latency,
 * and the operator notifications that say a circuit opened or closed or an endpoint was disabled. Never a tenant or
 * an endpoint as a dimension: `endpoints show` and the logs give those.
 */
import type { Metrics } from '../kernel/metrics';
import type { MetricKey } from '../kernel/metrics';
import type { PublishEntry, Topic } from '../kernel/ports';
import type { NotificationType } from './admission/notifications';

/** Counts the attempts of a worker batch by outcome, and their latency. */
export function countAttempts(
  metrics: Metrics,
  results: ReadonlyArray<{ readonly outcome: string; readonly attempt?: { readonly latencyMs?: number | undefined } }>,
): void {
  for (const r of results) {
    if (r.outcome !== 'delivered' && r.outcome !== 'failed' && r.outcome !== 'exhausted') continue;
    metrics.add('deliveryAttempts', 1, { Outcome: r.outcome });
    // An attempt of unknown outcome (its worker died mid-send, decision 0027) has no latency to count.
    if (r.attempt?.latencyMs !== undefined) metrics.add('attemptLatency', r.attempt.latencyMs);
  }
}

const COUNTED: Partial<Record<NotificationType, MetricKey>> = {
  'endpoint.circuit.opened': 'circuitsOpened',
  'endpoint.circuit.closed': 'circuitsClosed',
  'endpoint.disabled': 'endpointsDisabled',
};

/** The operations topic, counting each circuit and disable notification it publishes (`type` attribute). */
export function countingNotifications(topic: Topic, metrics: Metrics): Topic {
  return {
    async publishBatch(entries: readonly PublishEntry[]) {
      const failed = await topic.publishBatch(entries);
      for (const entry of entries) {
        const metric = COUNTED[entry.attributes.type as NotificationType];
        if (metric && !failed.has(entry.id)) metrics.add(metric, 1);
      }
      return failed;
    },
  };
}
