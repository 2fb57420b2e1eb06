import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CombiningStateStore } from '../../../../lambdas/core/outbound/admission/combining-store';
import {
  StateContentionError,
  update,
  type EndpointStateKey,
  type EndpointStateKind,
  type EndpointStates,
} from '../../../../lambdas/core/outbound/admission/state-store';
import { acquire } from '../../../../lambdas/core/outbound/admission/rate-limit';
import { maxInWindow } from '../../../../lambdas/core/outbound/admission/token-bucket';
import { MemoryStateStore } from '../../../helpers/endpoint-state';
import { NOW } from '../../../helpers/outbound';

const RATE = { tenantId: 'acme', endpointId: 'ep_1', kind: 'rate' } as const;
const noPause = async () => undefined;
const add = (n: number) => (b: EndpointStates['rate'] | undefined) => ({
  next: { level: (b?.level ?? 0) + n, at: NOW },
  result: (b?.level ?? 0) + n,
});

/** A store that lets another writer in before every one of the first `losses` compare-and-sets. */
class RacedStore extends MemoryStateStore {
  constructor(private losses: number) {
    super();
  }
  override async compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expected: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    if (this.losses-- > 0) await super.compareAndSet(key, expected, { level: 1000, at: NOW } as EndpointStates[K]);
    return super.compareAndSet(key, expected, value);
  }
}

describe('CombiningStateStore', () => {
  it('update() commits concurrent updates of one record with one read and one write, each caller getting its own result in order', async () => {
    const inner = new MemoryStateStore();
    const store = new CombiningStateStore(inner, { pause: noPause });

    const results = await Promise.all([1, 2, 3, 4].map((n) => update(store, RATE, add(n))));

    expect(results).toEqual([1, 3, 6, 10]);
    expect(inner.peek(RATE)?.level).toBe(10);
    expect({ reads: inner.reads, writes: inner.writes }).toEqual({ reads: 1, writes: 1 });
  });

  it("an update arriving while a group is being written joins the next group, which sees the first one's write", async () => {
    const inner = new MemoryStateStore();
    const store = new CombiningStateStore(inner, { pause: noPause });

    const first = update(store, RATE, add(1));
    await Promise.resolve();
    await Promise.resolve(); // the first group has read
    const second = update(store, RATE, add(10));

    expect(await Promise.all([first, second])).toEqual([1, 11]);
    expect(store.groups).toBe(2);
  });

  it('after a lost race re-reads and re-applies the whole group on the new value, pausing in between', async () => {
    const inner = new RacedStore(1);
    const pauses: number[] = [];
    const store = new CombiningStateStore(inner, { pause: async (attempt) => void pauses.push(attempt) });

    const results = await Promise.all([update(store, RATE, add(1)), update(store, RATE, add(2))]);

    expect(results).toEqual([1001, 1003]);
    expect(store.conflicts).toBe(1);
    expect(pauses).toEqual([1]);
  });

  it('gives every caller of the group StateContentionError after maxAttempts lost races', async () => {
    const store = new CombiningStateStore(new RacedStore(100), { pause: noPause });

    const both = [update(store, RATE, add(1), 3), update(store, RATE, add(2), 3)];

    for (const p of both) await expect(p).rejects.toBeInstanceOf(StateContentionError);
  });

  it('a transition that throws fails its own caller only', async () => {
    const store = new CombiningStateStore(new MemoryStateStore(), { pause: noPause });
    const boom = () => {
      throw new TypeError('bad state');
    };

    const [a, b, c] = await Promise.allSettled([
      update(store, RATE, add(1)),
      update(store, RATE, boom),
      update(store, RATE, add(2)),
    ]);

    expect([a, b, c].map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(c).toEqual({ status: 'fulfilled', value: 3 });
  });

  it('a group of reads only (no transition changes anything) writes nothing', async () => {
    const inner = new MemoryStateStore();
    const store = new CombiningStateStore(inner, { pause: noPause });

    await Promise.all([1, 2].map(() => update(store, RATE, (b) => ({ next: undefined, result: b }))));

    expect({ reads: inner.reads, writes: inner.writes }).toEqual({ reads: 1, writes: 0 });
  });

  it('keeps the rate limit exact: grouped takes from a bucket never exceed burst + perSecond × t', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 700 })), {
          minLength: 1,
          maxLength: 25,
        }),
        async (rounds) => {
          const store = new CombiningStateStore(new MemoryStateStore(), { pause: noPause });
          const limit = { perSecond: 3, burst: 2 };
          let clock = NOW;
          const granted: number[] = [];
          for (const [callers, advance] of rounds) {
            clock += advance;
            const all = await Promise.all(
              Array.from({ length: callers }, () => acquire(store, 'acme', 'ep_1', limit, () => clock)),
            );
            for (const a of all) if (a.allowed) granted.push(a.at);
          }
          for (const from of granted) {
            for (const to of granted)
              if (to >= from)
                expect(granted.filter((g) => g >= from && g <= to).length).toBeLessThanOrEqual(
                  maxInWindow(limit, to - from),
                );
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
