/**
 * A token bucket, pure: holds at most `burst` tokens and refills at `perSecond` tokens a second; a request takes
 * one token or waits. Over any window of W ms at most `burst + perSecond × W / 1000` requests pass. The level is
 * kept in thousandths of a token so that, with integer milliseconds and integer rates, every computation is exact
 * (no float drift can let one extra request through). Outbound keeps a bucket per endpoint in DynamoDB (decision
 * 0009); inbound keeps one per source in memory (inbound/rate-limit.ts).
 *
 * A token that will be there within `maxWaitMs` can be reserved (the outbound worker does, decision 0027): the take is
 * allowed with `waitMs`, the time until that token is there, and the level goes below zero by it. The caller sends no
 * earlier than `waitMs` later, which is exactly when a take at that moment would have been allowed, so the bound above
 * holds for the send times (a reservation that is never used only leaves a token short). Without `maxWaitMs` a take
 * never reserves.
 */

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

/** Thousandths of a token. */
export const UNIT = 1000;

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
