import { describe, expect, it } from 'vitest';
import { bucketSeries, healthSeries } from '../../../../lambdas/core/outbound/endpoints/series';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const MIN = 60_000;
const attempt = (minutesAgo: number, status: number | undefined, latencyMs: number) => ({
  at: NOW - minutesAgo * MIN,
  status,
  latencyMs,
});

describe('health series', () => {
  it('puts each attempt in its bucket, with that bucket’s success rate and latency percentiles', () => {
    const items = [attempt(0, 200, 10), attempt(3, 500, 30), attempt(4, 200, 20), attempt(7, undefined, 900)];
    const series = bucketSeries({ items, complete: true }, NOW, 5 * MIN, 3);
    expect(series.map((b) => b.at)).toEqual([NOW + 1 - 15 * MIN, NOW + 1 - 10 * MIN, NOW + 1 - 5 * MIN]);
    expect(series[0]).toEqual({ at: NOW + 1 - 15 * MIN, attempts: 0, successes: 0 });
    expect(series[1]).toMatchObject({ attempts: 1, successes: 0, successRate: 0, p50Ms: 900 });
    expect(series[2]).toMatchObject({ attempts: 3, successes: 2, p50Ms: 20, p99Ms: 30 });
    expect(series[2]!.successRate).toBeCloseTo(2 / 3);
  });

  it('gives 12 five-minute buckets for the hour and 24 hourly ones for the day', () => {
    const s = healthSeries({ items: [attempt(90, 200, 5)], complete: true }, NOW);
    expect([s.lastHour.length, s.lastDay.length]).toEqual([12, 24]);
    expect(s.lastHour.reduce((n, b) => n + b.attempts, 0)).toBe(0);
    expect(s.lastDay[22]).toMatchObject({ attempts: 1, successRate: 1 });
  });

  it('marks the buckets older than a truncated read as sampled, and only those', () => {
    const s = bucketSeries({ items: [attempt(2, 200, 5), attempt(6, 200, 5)], complete: false }, NOW, 5 * MIN, 3);
    expect(s.map((b) => b.sampled === true)).toEqual([true, true, false]);
  });
});
