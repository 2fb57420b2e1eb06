/** memoryRateLimiter(): a token bucket per source in one container's memory, bounded in how many it keeps. */
import { describe, expect, it } from 'vitest';
import { memoryRateLimiter } from '../../lambdas/core/inbound/rate-limit';

const NOW = Date.UTC(2026, 10, 23, 12);

describe('memoryRateLimiter()', () => {
  it('lets a burst through, then says how long until the next request may pass', () => {
    const limiter = memoryRateLimiter();
    const limit = { perSecond: 4, burst: 2 };

    const waits = [0, 0, 0].map(() => limiter.take('acme.github', limit, NOW));

    expect(waits).toEqual([0, 0, 250]);
    expect(limiter.take('acme.github', limit, NOW + 250)).toBe(0);
  });

  it('keeps one bucket per source: one source over its limit does not slow another', () => {
    const limiter = memoryRateLimiter();
    const limit = { perSecond: 1, burst: 1 };
    limiter.take('a', limit, NOW);
    expect(limiter.take('a', limit, NOW)).toBeGreaterThan(0);
    expect(limiter.take('b', limit, NOW)).toBe(0);
  });

  it('keeps at most maxBuckets, dropping the least recently used (which then starts full again)', () => {
    const limiter = memoryRateLimiter(2);
    const limit = { perSecond: 1, burst: 1 };
    limiter.take('a', limit, NOW);
    limiter.take('b', limit, NOW);
    limiter.take('a', limit, NOW); // refused; `a` is now the most recently used
    limiter.take('c', limit, NOW); // drops `b`

    expect(limiter.take('a', limit, NOW)).toBeGreaterThan(0);
    expect(limiter.take('b', limit, NOW)).toBe(0);
  });
});
