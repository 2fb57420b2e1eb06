/**
 * The Metrics port in the local stack: what the handlers record, summed per minute for the last hour (bounded
 * memory, whatever the traffic), for `npm run cli -- status` (through `/_local/status`). The same catalog and the
 * same calls as deployed, where Powertools Metrics writes them to CloudWatch instead.
 */
import type { Dimensions, MetricKey, Metrics } from '../lambdas/core/kernel/metrics';

const MINUTE_MS = 60_000;
/** Minutes kept: the longest window `status` asks for. */
export const LOCAL_METRICS_MINUTES = 60;

interface Series {
  readonly metric: MetricKey;
  readonly dimensions: Dimensions;
  sum: number;
  /** Values added (CloudWatch's SampleCount). */
  count: number;
}

export class LocalMetrics implements Metrics {
  /** Minute (epoch ms / 60 000) → series key → series. */
  readonly #minutes = new Map<number, Map<string, Series>>();

  constructor(private readonly now: () => number = Date.now) {}

  add(metric: MetricKey, value: number, dimensions: Dimensions = {}): void {
    const minute = Math.floor(this.now() / MINUTE_MS);
    let bucket = this.#minutes.get(minute);
    if (!bucket) {
      bucket = new Map();
      this.#minutes.set(minute, bucket);
      for (const old of this.#minutes.keys()) if (old <= minute - LOCAL_METRICS_MINUTES) this.#minutes.delete(old);
    }
    const key = `${metric}|${JSON.stringify(dimensions)}`;
    const series = bucket.get(key);
    if (series) {
      series.sum += value;
      series.count++;
    } else bucket.set(key, { metric, dimensions, sum: value, count: 1 });
  }

  note(): void {}

  flush(): void {}

  /** The sum of `metric` over the last `minutes` (this minute included), for series whose dimensions include `where`. */
  sum(metric: MetricKey, minutes: number, where: Dimensions = {}): number {
    return this.series(metric, minutes, where).reduce((total, s) => total + s.sum, 0);
  }

  /** How many values of `metric` were added over the last `minutes` (CloudWatch's SampleCount). */
  count(metric: MetricKey, minutes: number, where: Dimensions = {}): number {
    return this.series(metric, minutes, where).reduce((total, s) => total + s.count, 0);
  }

  /** The sums of `metric` over the last `minutes`, by the value of dimension `by`. */
  sumBy(metric: MetricKey, minutes: number, by: keyof Dimensions, where: Dimensions = {}): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.series(metric, minutes, where)) {
      const value = s.dimensions[by];
      if (value !== undefined) out[value] = (out[value] ?? 0) + s.sum;
    }
    return out;
  }

  private series(metric: MetricKey, minutes: number, where: Dimensions): Series[] {
    const from = Math.floor(this.now() / MINUTE_MS) - minutes + 1;
    const out: Series[] = [];
    for (const [minute, bucket] of this.#minutes) {
      if (minute < from) continue;
      for (const s of bucket.values())
        if (s.metric === metric && Object.entries(where).every(([k, v]) => s.dimensions[k as keyof Dimensions] === v))
          out.push(s);
    }
    return out;
  }
}
