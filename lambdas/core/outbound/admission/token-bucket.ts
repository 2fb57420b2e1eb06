/**
 * Per-endpoint rate limit: a token bucket shared by every concurrent delivery worker (decision 0009).
 *
 * The bucket holds at most `burst` tokens and refills at `perSecond` tokens a second; a delivery takes one
 * token or waits. Over any window of W ms an endpoint therefore receives at most `burst + perSecond × W / 1000`
 * requests, however many workers send. The level is kept in thousandths of a token so that, with integer
 * milliseconds and integer rates, every computation is exact (no float drift can let one extra request through).
 *
 * A throttled delivery is not an attempt: the worker puts it back with `retryAfterMs` and its retry
 * schedule does not move.
 *
 * A token at most `maxWaitMs` off can be reserved instead, and the worker waits for it (the bucket and its
 * reservations: kernel/token-bucket.ts).
 */
import type { RateLimit } from '../model';

export { checkLimit, take, type TakeResult, type TokenBucket } from '../../kernel/token-bucket';
import { checkLimit, UNIT } from '../../kernel/token-bucket';

/** The most requests a limit lets through in any window of `windowMs`: the bound the tests measure against. */
export function maxInWindow(limit: RateLimit, windowMs: number): number {
  return limit.burst + Math.floor((windowMs * limit.perSecond) / UNIT);
}

/**
 * When to wake `count` deliveries released together (a closed circuit, a recovery) so that they arrive at the
 * endpoint's pace instead of all waking at once and being throttled: the first `burst` at `startMs`, then one
 * every 1000 / perSecond ms. A hint that saves wake-ups; the bucket still enforces the limit. Without a limit
 * every delivery is due at `startMs`.
 */
export function paceTimes(count: number, startMs: number, limit: RateLimit | undefined): number[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  return Array.from({ length: count }, (_, i) => paceAt(i, startMs, limit));
}

/** The wake time of the `index`-th (from 0) of deliveries released together at `startMs` (see paceTimes). */
export function paceAt(index: number, startMs: number, limit: RateLimit | undefined): number {
  if (limit === undefined) return startMs;
  checkLimit(limit.perSecond, limit.burst);
  return startMs + Math.ceil((Math.max(0, index - limit.burst + 1) * UNIT) / limit.perSecond);
}
