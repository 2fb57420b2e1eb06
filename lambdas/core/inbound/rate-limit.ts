/**
 * Per-source rate limits, kept in memory by each verifier container: a token bucket per source (kernel/token-bucket.ts),
 * no shared state. Precision: a source's limit holds per container, so with N warm containers it admits up to N
 * times its limit; a shared bucket in DynamoDB would cost a conditional write and a round trip on every request,
 * which is the very cost a rate limit is there to protect (the decision on per-source rate limits gives the numbers).
 */
import { take, type TokenBucket } from '../kernel/token-bucket';

export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RateLimiter {
  /** Takes one request of `key` at `nowMs`: 0 when it may pass, else the milliseconds until it could. */
  take(key: string, limit: RateLimit, nowMs: number): number;
}

/** The most buckets one container keeps; the least recently used is dropped (and starts full if it comes back). */
export const DEFAULT_MAX_BUCKETS = 10_000;

/** A per-container limiter: one bucket per source, the least recently used dropped beyond `maxBuckets`. */
export function memoryRateLimiter(maxBuckets = DEFAULT_MAX_BUCKETS): RateLimiter {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(key, limit, nowMs) {
      const result = take(buckets.get(key), nowMs, limit.perSecond, limit.burst);
      // Re-inserted, so the Map's order is least recently used first.
      buckets.delete(key);
      buckets.set(key, result.state);
      if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value as string);
      return result.allowed ? 0 : Math.max(1, result.retryAfterMs);
    },
  };
}
