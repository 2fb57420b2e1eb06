/**
 * The Metrics port on Powertools Metrics (Embedded Metric Format): each flush writes one JSON log line per
 * dimension combination recorded in the invocation, which CloudWatch Logs turns into metrics (no PutMetricData
 * call, no extra permission). The notes (an event id, a request id) ride on the same lines as metadata, so the
 * line that counts an event is also the log line that says which event it was.
 *
 * The namespace comes from POWERTOOLS_METRICS_NAMESPACE (the construct sets it to the stack name). Powertools'
 * default `service` dimension is dropped: each metric is emitted by one function, its name says which, and a
 * dimension fewer is fewer bytes on every line and fewer metrics to pay for.
 */
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, type DimensionName, type Dimensions, type MetricKey, type Metrics } from '../core/kernel/metrics';

interface Group {
  readonly instance: PowertoolsMetrics;
  /** Counts added since the last flush, by metric name: written as one value (a sum), not one value per add. */
  readonly counts: Map<string, number>;
  /** Each dimension set of the group's metrics, less the dimensions all of them share (the instance's defaults). */
  readonly sets: readonly Record<string, string>[];
}

/** Dimension combinations kept between invocations; a function sees a handful (sources × reasons at most). */
const MAX_GROUPS = 256;

export function powertoolsMetrics(options: { readonly namespace?: string } = {}): Metrics {
  const groups = new Map<string, Group>();
  let notes: Record<string, string> = {};

  const group = (key: MetricKey, dimensions: Dimensions): Group => {
    const names: readonly (readonly DimensionName[])[] = METRICS[key].dimensions;
    const value = (name: DimensionName) => dimensions[name] ?? 'none';
    const id = JSON.stringify(names.map((set) => set.map((name) => [name, value(name)])));
    let found = groups.get(id);
    if (!found) {
      if (groups.size >= MAX_GROUPS) groups.clear();
      // Shared dimensions become the instance's defaults, which Powertools adds to every set: a key named in two
      // sets would otherwise be reported (a warning line) as a collision on every flush.
      const shared = names.reduce<readonly DimensionName[]>(
        (common, set) => common.filter((n) => set.includes(n)),
        names[0] ?? [],
      );
      const instance = new PowertoolsMetrics(options.namespace === undefined ? {} : { namespace: options.namespace });
      instance.clearDefaultDimensions();
      if (shared.length > 0) instance.setDefaultDimensions(Object.fromEntries(shared.map((n) => [n, value(n)])));
      const sets = names.map((set) =>
        Object.fromEntries(set.filter((n) => !shared.includes(n)).map((n) => [n, value(n)])),
      );
      found = { instance, counts: new Map(), sets };
      groups.set(id, found);
    }
    return found;
  };

  return {
    add(key, value, dimensions = {}) {
      const spec = METRICS[key];
      const g = group(key, dimensions);
      // A count is summed here, so a batch's 10 events are one value on the line, not ten.
      if (spec.unit === 'Count') g.counts.set(spec.name, (g.counts.get(spec.name) ?? 0) + value);
      else g.instance.addMetric(spec.name, MetricUnit[spec.unit], value);
    },
    note(key, value) {
      notes[key] = value;
    },
    flush() {
      for (const { instance, counts, sets } of groups.values()) {
        for (const [name, sum] of counts) instance.addMetric(name, MetricUnit.Count, sum);
        counts.clear();
        if (!instance.hasStoredMetrics()) continue;
        for (const set of sets) instance.addDimensions(set);
        for (const [key, value] of Object.entries(notes)) instance.addMetadata(key, value);
        instance.publishStoredMetrics();
      }
      notes = {};
    },
  };
}
