/**
 * The metrics port of the outbound functions (decision 0012): a value per named metric, nothing else. The AWS
 * adapter writes Embedded Metric Format log lines (lambdas/adapters/emf-metrics.ts); tests and the local stack
 * pass their own.
 */
import type { OUTBOUND_METRICS } from '../../contract';

export type OutboundMetricName = (typeof OUTBOUND_METRICS)['oldestDueAgeSeconds' | 'deliveriesExhausted'];

export interface Metrics {
  put(name: OutboundMetricName, value: number, unit: 'Count' | 'Seconds'): void;
}

export const noMetrics: Metrics = { put() {} };
