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
 * A token that will be there within `maxWaitMs` can be reserved: the take is allowed with `waitMs`, the time
 * until that token is there, and the level goes below zero by it. The caller sends no earlier than `waitMs`
 * later, which is exactly when a take at that moment would have been allowed, so the bound above holds for
 * the send times (a reservation that is never sent only leaves the endpoint a token short).
 */
import type { RateLimit } from '../model';

/** The stored bucket. `level` is in thousandths of a token; `at` is the epoch ms it was computed for. */
export interface TokenBucket {
  readonly level: number;
  readonly at: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** The bucket after the take (unchanged apart from the refill when not allowed). */
  readonly state: TokenBucket;
  /** 0 when allowed; otherwise how long until a take is allowed (a token is there, less `maxWaitMs`). */
  readonly retryAfterMs: number;
  /** When allowed, how long until the token taken is there: send no earlier. 0 otherwise. */
  readonly waitMs: number;
}

const UNIT = 1000;

/**
 * Refills the bucket up to `nowMs` and takes one token if there is one, or will be within `maxWaitMs`. Pure.
 *
 * A clock behind the stored `at` (another worker's clock runs ahead) refills nothing and keeps `at`, so skew
 * between workers can delay a delivery, never let an extra one through.
 *
 * @example take(undefined, now, 10, 5) // { allowed: true, state: { level: 4000, at: now }, retryAfterMs: 0, waitMs: 0 }
 */
export function take(
  state: TokenBucket | undefined,
  nowMs: number,
  perSecond: number,
  burst: number,
  maxWaitMs = 0,
): TakeResult {
  checkLimit(perSecond, burst);
  if (!Number.isInteger(maxWaitMs) || maxWaitMs < 0) throw new RangeError('maxWaitMs must be a non-negative integer');
  const now = Math.floor(nowMs);
  const capacity = burst * UNIT;
  const at = state === undefined ? now : Math.max(state.at, now);
  const level =
    state === undefined ? capacity : Math.min(capacity, state.level + Math.max(0, now - state.at) * perSecond);
  if (level >= UNIT) return { allowed: true, state: { level: level - UNIT, at }, retryAfterMs: 0, waitMs: 0 };
  // Refill happens at `at`, which may be ahead of `now`: wait for that too.
  const refill = Math.ceil((UNIT - level) / perSecond);
  const untilToken = at - now + refill;
  if (untilToken <= maxWaitMs) {
    // Kept as of `at`, the level is what a take when the token is there would leave, capped as that take's
    // refill would be (a rounding remainder above the capacity is lost then, and must be lost now).
    const there = Math.min(capacity, level + refill * perSecond);
    return {
      allowed: true,
      state: { level: there - UNIT - refill * perSecond, at },
      retryAfterMs: 0,
      waitMs: untilToken,
    };
  }
  return { allowed: false, state: { level, at }, retryAfterMs: untilToken - maxWaitMs, waitMs: 0 };
}

export function checkLimit(perSecond: number, burst: number): void {
  if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError('perSecond must be a positive integer');
  if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be a positive integer');
}

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
