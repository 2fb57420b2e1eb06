import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gate } from '../../../../lambdas/core/outbound/admission/gate';
import { deliver } from '../../../../lambdas/core/outbound/delivery/attempt';
import { deliverAdmitted, type AdmittedDeps } from '../../../../lambdas/core/outbound/delivery/gated-attempt';
import {
  StateContentionError,
  type EndpointStateKey,
  type EndpointStateKind,
  type EndpointStates,
} from '../../../../lambdas/core/outbound/admission/state-store';
import type { RateLimit } from '../../../../lambdas/core/outbound/model';
import { acquire, createRateLimiter } from '../../../../lambdas/core/outbound/admission/rate-limit';
import {
  maxInWindow,
  paceTimes,
  take,
  type TokenBucket,
} from '../../../../lambdas/core/outbound/admission/token-bucket';
import { MemoryStateStore, SteppedStateStore, settle } from '../../../helpers/endpoint-state';
import { deliveryFixture, ENDPOINT_ID, NOW, TENANT } from '../../../helpers/outbound';

describe('take()', () => {
  it('lets a first burst through from a full bucket, then refuses with the wait for one token', () => {
    const a = take(undefined, NOW, 10, 3);
    const b = take(a.state, NOW, 10, 3);
    const c = take(b.state, NOW, 10, 3);
    const d = take(c.state, NOW, 10, 3);

    expect([a, b, c].map((r) => r.allowed)).toEqual([true, true, true]);
    expect(d).toEqual({ allowed: false, state: { level: 0, at: NOW }, retryAfterMs: 100, waitMs: 0 });
  });

  it('reserves a token that is there within maxWaitMs: allowed with the wait, the level below zero, later ones wait longer', () => {
    const empty = { level: 0, at: NOW };

    const a = take(empty, NOW, 10, 3, 250);
    const b = take(a.state, NOW, 10, 3, 250);
    const c = take(b.state, NOW, 10, 3, 250);

    expect(a).toEqual({ allowed: true, state: { level: -1000, at: NOW }, retryAfterMs: 0, waitMs: 100 });
    expect(b).toEqual({ allowed: true, state: { level: -2000, at: NOW }, retryAfterMs: 0, waitMs: 200 });
    // The third token is 300 ms off: refused, and told to come back when it is within reach.
    expect(c).toEqual({ allowed: false, state: { level: -2000, at: NOW }, retryAfterMs: 50, waitMs: 0 });
    expect(take(c.state, NOW + 50, 10, 3, 250)).toMatchObject({ allowed: true, waitMs: 250 });
  });

  it('refills at perSecond tokens a second, never above burst', () => {
    const empty = { level: 0, at: NOW };

    expect(take(empty, NOW + 99, 10, 3).allowed).toBe(false);
    expect(take(empty, NOW + 100, 10, 3)).toEqual({
      allowed: true,
      state: { level: 0, at: NOW + 100 },
      retryAfterMs: 0,
      waitMs: 0,
    });
    expect(take(empty, NOW + 3_600_000, 10, 3).state.level).toBe(2000); // capped at 3 tokens, one taken
  });

  it('refills nothing for a clock behind the stored time (another worker is ahead) and makes the wait include the gap', () => {
    const ahead = { level: 0, at: NOW + 500 };

    const r = take(ahead, NOW, 10, 1);

    expect(r).toEqual({ allowed: false, state: { level: 0, at: NOW + 500 }, retryAfterMs: 600, waitMs: 0 });
  });

  it('counts exactly: polled for 100 s at 4/s it grants burst + 4 × 100 s, no token lost or gained to rounding', () => {
    let state: TokenBucket | undefined;
    let allowed = 0;
    for (let t = 0; t < 100_000; t += 5) {
      const r = take(state, NOW + t, 4, 1);
      state = r.state;
      if (r.allowed) allowed++;
    }

    expect(allowed).toBe(maxInWindow({ perSecond: 4, burst: 1 }, 99_995));
    expect(allowed).toBe(400);
  });

  it.each([
    [0, 1],
    [1.5, 1],
    [1, 0],
    [1, 2.5],
  ])('refuses perSecond %s and burst %s', (perSecond, burst) => {
    expect(() => take(undefined, NOW, perSecond, burst)).toThrow(RangeError);
  });
});

describe('paceTimes()', () => {
  it('wakes the first burst at once, then one every 1000/perSecond ms', () => {
    expect(paceTimes(5, NOW, { perSecond: 4, burst: 2 })).toEqual([NOW, NOW, NOW + 250, NOW + 500, NOW + 750]);
  });

  it('wakes everything at once for an endpoint without a limit', () => {
    expect(paceTimes(3, NOW, undefined)).toEqual([NOW, NOW, NOW]);
  });

  it('paces exactly as the bucket allows: every paced time is granted by a shared bucket', () => {
    const limit = { perSecond: 7, burst: 3 };
    let state: TokenBucket | undefined;
    const granted = paceTimes(50, NOW, limit).map((t) => {
      const r = take(state, t, limit.perSecond, limit.burst);
      state = r.state;
      return r.allowed;
    });

    expect(granted.every(Boolean)).toBe(true);
  });
});

describe('acquire()', () => {
  it('allows an endpoint without a limit without touching the store', async () => {
    const store = new MemoryStateStore();

    expect(await acquire(store, TENANT, ENDPOINT_ID, undefined, () => NOW)).toEqual({ allowed: true, at: NOW });
    expect(store.reads).toBe(0);
  });

  it('writes nothing when it refuses', async () => {
    const store = new MemoryStateStore();
    const limiter = createRateLimiter(store);
    await limiter.acquire(TENANT, ENDPOINT_ID, { perSecond: 1, burst: 1 }, () => NOW);
    const writes = store.writes;

    expect(await limiter.acquire(TENANT, ENDPOINT_ID, { perSecond: 1, burst: 1 }, () => NOW)).toEqual({
      allowed: false,
      retryAfterMs: 1000,
    });
    expect(store.writes).toBe(writes);
  });

  it('gives up with StateContentionError after a bounded number of lost races', async () => {
    const store = new MemoryStateStore();
    const alwaysLoses = Object.assign(Object.create(store) as MemoryStateStore, {
      compareAndSet: async () => false,
      read: store.read.bind(store),
    });

    await expect(
      acquire(alwaysLoses, TENANT, ENDPOINT_ID, { perSecond: 1, burst: 1 }, () => NOW, 3),
    ).rejects.toBeInstanceOf(StateContentionError);
  });
});

/**
 * Two or more "invocations" share one endpoint's bucket through a store whose every read and write waits
 * for the scheduler; `choose` picks which waiting operation goes next and `advance` how far simulated time
 * moves per step. Returns the times at which tokens were granted (the receiver sees a request then).
 */
async function concurrentRun(options: {
  invocations: number;
  limit: RateLimit;
  durationMs: number;
  choose: (waiting: number, step: number) => number;
  advance: (step: number) => number;
  store?: SteppedStateStore;
  /** Reserve tokens this far off (the receiver sees the request at the acquisition's `at`). */
  maxWaitMs?: number;
}): Promise<{ sends: number[]; throttled: number; conflicts: number }> {
  const store = options.store ?? new SteppedStateStore();
  const end = NOW + options.durationMs;
  let now = NOW;
  const sends: number[] = [];
  let throttled = 0;
  const runs = Array.from({ length: options.invocations }, async () => {
    while (now < end) {
      const r = await acquire(store, TENANT, ENDPOINT_ID, options.limit, () => now, 1000, options.maxWaitMs);
      if (r.allowed) sends.push(r.at);
      else throttled++;
    }
  });
  await settle();
  for (let step = 0; store.pending.length > 0; step++) {
    now += options.advance(step);
    await store.step(options.choose(store.pending.length, step) % store.pending.length);
  }
  await Promise.all(runs);
  return { sends, throttled, conflicts: store.inner.conflicts };
}

/** The most grants in any closed window [t, t + windowMs]. */
function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! > windowMs) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

/** A store that forgets the version check: what a plain read-then-write limiter would do. */
class LastWriterWinsStore extends SteppedStateStore {
  override async compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    _expected: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    await this.turn(`write ${key.kind}`);
    const { version } = await this.inner.read(key);
    return this.inner.compareAndSet(key, version, value);
  }
}

describe('two invocations delivering to one rate-limited endpoint', () => {
  const limit = { perSecond: 5, burst: 2 };
  // Both read before either writes, every time: the interleaving that breaks a limiter without compare-and-set.
  const readsFirst = () => 0;

  it('never exceed the rate in the interleaving where both read before either writes', async () => {
    const run = await concurrentRun({
      invocations: 2,
      limit,
      durationMs: 10_000,
      choose: readsFirst,
      advance: () => 3,
    });

    expect(run.sends.length).toBeGreaterThan(40);
    for (const w of [1, 200, 1000, 5000, 10_000])
      expect(peakInWindow(run.sends, w)).toBeLessThanOrEqual(maxInWindow(limit, w));
    expect(run.conflicts).toBeGreaterThan(0); // the interleaving really did race
  });

  it('would exceed it without the version check (so the test above measures something)', async () => {
    const run = await concurrentRun({
      invocations: 2,
      limit,
      durationMs: 10_000,
      choose: readsFirst,
      advance: () => 3,
      store: new LastWriterWinsStore(),
    });

    expect(peakInWindow(run.sends, 10_000)).toBeGreaterThan(maxInWindow(limit, 10_000));
  });

  it('never exceed rate × window + burst over a run, for any interleaving, rate, burst, number of invocations and reservation reach (sent at the reserved time)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 64 }),
        fc.constantFrom(0, 0, 100, 1000),
        async (invocations, perSecond, burst, choices, advances, maxWaitMs) => {
          const lim = { perSecond, burst };
          const run = await concurrentRun({
            invocations,
            limit: lim,
            durationMs: 3000,
            choose: (_n, step) => choices[step % choices.length]!,
            advance: (step) => advances[step % advances.length]! + (step % 97 === 0 ? 1 : 0),
            maxWaitMs,
          });
          for (const w of [0, 50, 333, 1000, 3000])
            expect(peakInWindow(run.sends, w)).toBeLessThanOrEqual(maxInWindow(lim, w));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a throttled delivery', () => {
  it('is not an attempt: nothing is sent, the attempt count and schedule do not move, and it goes as attempt 1 later', async () => {
    const store = new MemoryStateStore();
    const limited = { rateLimit: { perSecond: 1, burst: 1 } };
    const first = deliveryFixture({ endpoint: limited });
    const second = deliveryFixture({ endpoint: limited, delivery: { deliveryId: 'dlv_second' } });
    let clock = NOW;
    const deps = { store, now: () => clock, newLeaseId: () => 'lease' };

    expect(await gate(first.job.endpoint, deps)).toEqual({ kind: 'send' });
    await deliver(first.job, first.deps);
    const throttled = await gate(second.job.endpoint, deps);

    expect(throttled).toEqual({ kind: 'throttled', retryAfterMs: 1000 });
    expect(second.sender.requests).toHaveLength(0);
    expect(second.deliveries.deliveries.get('dlv_second')).toMatchObject({
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: NOW,
    });

    second.advance(1000);
    clock += 1000;
    expect(await gate(second.job.endpoint, deps)).toEqual({ kind: 'send' });
    const result = await deliver(second.job, second.deps);
    expect(result).toMatchObject({ outcome: 'delivered', attempt: { number: 1 } });
  });
});

describe('a delivery whose token is a reserved one', () => {
  const limited = { rateLimit: { perSecond: 4, burst: 1 } };
  function admitted(f: ReturnType<typeof deliveryFixture>, store: MemoryStateStore, rateWaitMs: number) {
    const sleeps: number[] = [];
    const deps: AdmittedDeps = {
      ...f.deps,
      deliveries: f.deliveries as unknown as AdmittedDeps['deliveries'],
      wakeUps: { send: async () => undefined },
      admission: {
        store,
        newLeaseId: () => 'lease',
        notifications: { publishBatch: async () => new Set<string>() },
        rateWaitMs,
        // The worker's wait: the fixture's clock moves by what it waits.
        sleep: async (ms) => void (sleeps.push(ms), f.advance(ms)),
      },
    };
    return { deps, sleeps };
  }

  it('waits in the worker for its token and is sent when the clock reaches it, as attempt 1', async () => {
    const store = new MemoryStateStore();
    const first = deliveryFixture({ endpoint: limited });
    const second = deliveryFixture({ endpoint: limited, delivery: { deliveryId: 'dlv_second' } });
    const a = admitted(first, store, 1000);
    const b = admitted(second, store, 1000);

    expect(await deliverAdmitted(first.job, a.deps)).toMatchObject({ outcome: 'delivered', attempt: { at: NOW } });
    expect(await deliverAdmitted(second.job, b.deps)).toMatchObject({
      outcome: 'delivered',
      attempt: { number: 1, at: NOW + 250 },
    });
    expect(b.sleeps).toEqual([250]);
    expect(second.sender.requests).toHaveLength(1);
  });

  it('is throttled as before when its token is further off than the worker waits, and told when it is in reach', async () => {
    const store = new MemoryStateStore();
    const fixtures = [0, 1, 2].map((i) => deliveryFixture({ endpoint: limited, delivery: { deliveryId: `dlv_${i}` } }));
    const results = [];
    for (const f of fixtures) results.push(await deliverAdmitted(f.job, admitted(f, store, 300).deps));

    // Tokens at NOW, NOW + 250 (reserved) and NOW + 500: 500 ms off, 200 ms beyond the reach of 300 ms.
    expect(results.map((r) => r.outcome)).toEqual(['delivered', 'delivered', 'throttled']);
    expect(results[2]).toMatchObject({ retryAfterMs: 200 });
    expect(fixtures[2]!.sender.requests).toHaveLength(0);
  });
});
