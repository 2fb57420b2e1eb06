/**
 * The Metrics port as Embedded Metric Format: one JSON log line per value, which CloudWatch Logs turns into a
 * custom metric (no PutMetricData call, no extra permission, nothing to flush at the end of an invocation).
 * A plain line rather than Powertools Metrics: two metrics do not justify a dependency (decision 0012).
 */
import { OUTBOUND_METRICS } from '../contract';
import type { Metrics } from '../core/outbound/metrics';

/** `write` defaults to stdout, where the Lambda runtime sends it to the function's log group. */
export function emfMetrics(
  tableName: string,
  write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  now: () => number = Date.now,
): Metrics {
  const { namespace, dimension } = OUTBOUND_METRICS;
  return {
    put(name, value, unit) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: now(),
            CloudWatchMetrics: [
              { Namespace: namespace, Dimensions: [[dimension]], Metrics: [{ Name: name, Unit: unit }] },
            ],
          },
          [dimension]: tableName,
          [name]: value,
        }),
      );
    },
  };
}
