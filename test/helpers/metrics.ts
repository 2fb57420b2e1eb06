/** A Metrics port that records every call, for tests: `adds` in order, `notes`, and how many times it was flushed. */
import type { Dimensions, MetricKey, Metrics } from '../../lambdas/core/kernel/metrics';

export interface RecordedAdd {
  readonly metric: MetricKey;
  readonly value: number;
  readonly dimensions?: Dimensions;
}

export interface RecordingMetrics extends Metrics {
  readonly adds: RecordedAdd[];
  readonly notes: Record<string, string>;
  flushes: number;
  /** The sum of `metric`'s values (with these dimensions, when given). */
  total(metric: MetricKey, dimensions?: Dimensions): number;
}

export function recordingMetrics(): RecordingMetrics {
  const adds: RecordedAdd[] = [];
  const notes: Record<string, string> = {};
  const recorder: RecordingMetrics = {
    adds,
    notes,
    flushes: 0,
    add(metric, value, dimensions) {
      adds.push(dimensions === undefined ? { metric, value } : { metric, value, dimensions });
    },
    note(key, value) {
      notes[key] = value;
    },
    flush() {
      recorder.flushes++;
    },
    total(metric, dimensions) {
      return adds
        .filter(
          (a) =>
            a.metric === metric &&
            Object.entries(dimensions ?? {}).every(([k, v]) => a.dimensions?.[k as keyof Dimensions] === v),
        )
        .reduce((sum, a) => sum + a.value, 0);
    },
  };
  return recorder;
}
