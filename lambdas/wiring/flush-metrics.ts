/** The deployed outbound entries' handlers, flushing the metrics they recorded at the end of every invocation. */
import type { Metrics } from '../core/kernel/metrics';

/** `handler`, followed by `metrics.flush()` however the invocation ends. */
export function flushingMetrics<A extends unknown[], R>(
  handler: (...args: A) => Promise<R>,
  metrics: Metrics | undefined,
): (...args: A) => Promise<R> {
  if (!metrics) return handler;
  return async (...args) => {
    try {
      return await handler(...args);
    } finally {
      metrics.flush();
    }
  };
}
