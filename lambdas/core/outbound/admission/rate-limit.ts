/**
 * Per-endpoint rate limit over the shared state store: take a token from the endpoint's bucket (token-bucket.ts)
 * by compare-and-set, so every concurrent delivery worker draws from one bucket (decision 0009).
 */
import type { Clock } from '../../kernel/ports';
import type { RateLimit } from '../model';
import { update, type EndpointStateStore } from './state-store';
import { checkLimit, take } from './token-bucket';

/**
 * `at`: the time the token was taken for (the clock read of the winning compare-and-set, plus the wait for a
 * reserved token): send then, no earlier.
 */
export type Acquisition =
  | { readonly allowed: true; readonly at: number; readonly waitMs?: number }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** The port a delivery worker asks before sending. */
export interface RateLimiter {
  /** Takes a token for the endpoint, or says how long to wait. An endpoint without a limit is always allowed. */
  acquire(tenantId: string, endpointId: string, limit: RateLimit | undefined, now: Clock): Promise<Acquisition>;
}

/**
 * Takes a token from the endpoint's shared bucket (or reserves one that is there within `maxWaitMs`) with
 * compare-and-set: read, `take`, write if unchanged;
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
  maxWaitMs = 0,
): Promise<Acquisition> {
  if (limit === undefined) return { allowed: true, at: now() };
  checkLimit(limit.perSecond, limit.burst);
  return update<'rate', Acquisition>(
    store,
    { tenantId, endpointId, kind: 'rate' },
    (bucket) => {
      const at = now();
      const taken = take(bucket, at, limit.perSecond, limit.burst, maxWaitMs);
      return taken.allowed
        ? {
            next: taken.state,
            result: { allowed: true, at: at + taken.waitMs, ...(taken.waitMs > 0 && { waitMs: taken.waitMs }) },
          }
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
