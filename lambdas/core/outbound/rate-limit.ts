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
 */
import type { Clock } from '../inbound/ports';
import type { RateLimit } from './model';
import { update, type EndpointStateStore } from './endpoint-state';

/** The stored bucket. `level` is in thousandths of a token; `at` is the epoch ms it was computed for. */
export interface TokenBucket {
  readonly level: number;
  readonly at: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** The bucket after the take (unchanged apart from the refill when not allowed). */
  readonly state: TokenBucket;
  /** 0 when allowed; otherwise how long until one token is there. */
  readonly retryAfterMs: number;
}

const UNIT = 1000;

/**
 * Refills the bucket up to `nowMs` and takes one token if there is one. Pure.
 *
 * A clock behind the stored `at` (another worker's clock runs ahead) refills nothing and keeps `at`, so skew
 * between workers can delay a delivery, never let an extra one through.
 *
 * @example take(undefined, now, 10, 5) // { allowed: true, state: { level: 4000, at: now }, retryAfterMs: 0 }
 */
export function take(state: TokenBucket | undefined, nowMs: number, perSecond: number, burst: number): TakeResult {
  checkLimit(perSecond, burst);
  const now = Math.floor(nowMs);
  const capacity = burst * UNIT;
  const at = state === undefined ? now : Math.max(state.at, now);
  const level =
    state === undefined ? capacity : Math.min(capacity, state.level + Math.max(0, now - state.at) * perSecond);
  if (level >= UNIT) return { allowed: true, state: { level: level - UNIT, at }, retryAfterMs: 0 };
  // Refill happens at `at`, which may be ahead of `now`: wait for that too.
  return { allowed: false, state: { level, at }, retryAfterMs: at - now + Math.ceil((UNIT - level) / perSecond) };
}

function checkLimit(perSecond: number, burst: number): void {
  if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError('perSecond must be a positive integer');
  if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be a positive integer');
}

/** The most requests a limit lets through in any window of `windowMs`: the bound the tests measure against. */
export function maxInWindow(limit: RateLimit, windowMs: number): number {
  return limit.burst + Math.floor((windowMs * limit.perSecond) / UNIT);
}

/** `at`: the time the token was taken for (the clock read of the winning compare-and-set): send then. */
export type Acquisition =
  | { readonly allowed: true; readonly at: number }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** The port a delivery worker asks before sending. */
export interface RateLimiter {
  /** Takes a token for the endpoint, or says how long to wait. An endpoint without a limit is always allowed. */
  acquire(tenantId: string, endpointId: string, limit: RateLimit | undefined, now: Clock): Promise<Acquisition>;
}

/**
 * Takes a token from the endpoint's shared bucket with compare-and-set: read, `take`, write if unchanged;
 * a lost race re-reads (at most `maxAttempts` times, then `StateContentionError`). A denial writes nothing.
 * The clock is read again on every try, so the time a token is accounted for is never older than the state
 * it was computed from: the winning writes form one sequence in time, which is what makes the bound exact.
 */
export async function acquire(
  store: EndpointStateStore,
  tenantId: string,
  endpointId: string,
  limit: RateLimit | undefined,
  now: Clock,
  maxAttempts?: number,
): Promise<Acquisition> {
  if (limit === undefined) return { allowed: true, at: now() };
  checkLimit(limit.perSecond, limit.burst);
  return update<'rate', Acquisition>(
    store,
    { tenantId, endpointId, kind: 'rate' },
    (bucket) => {
      const at = now();
      const taken = take(bucket, at, limit.perSecond, limit.burst);
      return taken.allowed
        ? { next: taken.state, result: { allowed: true, at } }
        : { next: undefined, result: { allowed: false, retryAfterMs: taken.retryAfterMs } };
    },
    maxAttempts,
  );
}

/** The `RateLimiter` over an `EndpointStateStore` (DynamoDB in AWS, in memory in tests and the local stack). */
export function createRateLimiter(store: EndpointStateStore, maxAttempts?: number): RateLimiter {
  return {
    acquire: (tenantId, endpointId, limit, now) => acquire(store, tenantId, endpointId, limit, now, maxAttempts),
  };
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
