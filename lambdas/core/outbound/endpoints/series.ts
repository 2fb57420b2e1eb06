/**
 * An endpoint's health over time, for the portal's charts: its attempts of the last hour in 5-minute buckets and of
 * the last day in hourly ones, each bucket with its success rate and p50/p99 latency (windowStats of stats.ts).
 * Pure, from the same attempt records `endpointStatus` reads (decision 0016): when that read was truncated, the
 * buckets before its oldest record are marked `sampled`.
 */
import type { Attempt } from '../model';
import { windowStats, type WindowStats } from './stats';

export interface SeriesBucket extends WindowStats {
  /** The bucket's start, epoch ms; it lasts until the next one's. */
  readonly at: number;
}

export interface HealthSeries {
  /** 12 buckets of 5 minutes, oldest first, the last one ending now. */
  readonly lastHour: readonly SeriesBucket[];
  /** 24 buckets of 1 hour, oldest first, the last one ending now. */
  readonly lastDay: readonly SeriesBucket[];
}

type AttemptView = Pick<Attempt, 'at' | 'latencyMs' | 'status'>;

/** `count` consecutive buckets of `bucketMs`, the last ending at `nowMs` (inclusive). */
export function bucketSeries(
  attempts: { readonly items: readonly AttemptView[]; readonly complete: boolean },
  nowMs: number,
  bucketMs: number,
  count: number,
): SeriesBucket[] {
  const end = nowMs + 1;
  const oldest = attempts.items.reduce((min, a) => Math.min(min, a.at), Infinity);
  return Array.from({ length: count }, (_, i) => {
    const at = end - (count - i) * bucketMs;
    const stats = windowStats(attempts.items, at, at + bucketMs);
    const whole = attempts.complete || oldest <= at;
    return { at, ...stats, ...(!whole && { sampled: true as const }) };
  });
}

export function healthSeries(
  attempts: { readonly items: readonly AttemptView[]; readonly complete: boolean },
  nowMs: number,
): HealthSeries {
  return {
    lastHour: bucketSeries(attempts, nowMs, 5 * 60_000, 12),
    lastDay: bucketSeries(attempts, nowMs, 3_600_000, 24),
  };
}
