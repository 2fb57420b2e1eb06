/**
 * An `EndpointStateStore` decorator that commits concurrent `update()`s of one record as a group: one read, every
 * waiting transition applied in arrival order to the value read, one compare-and-set of the result. Each caller
 * gets the result its transition returned in that sequence, exactly as if the updates had run one after another;
 * a lost race (another container wrote) re-reads and re-applies the whole group after a jittered pause. Likewise
 * the results counted for one endpoint while its count is being written go out together in the next atomic
 * update (`count`): a batch's results cost one write per endpoint, not one each.
 *
 * Why: every attempt settles into its endpoint's circuit record, and without grouping a batch of deliveries to one
 * endpoint races on it: N concurrent read-then-write cycles where one wins per round, the rest re-read, up to 8
 * times, then `StateContentionError` (and a settlement lost). Measured in bench:outbound (bench/README.md). The
 * pause after a lost race is "full jitter" exponential backoff, so containers that collide do not collide again in
 * lockstep.
 *
 * Build one per worker container (per invocation locally): it only groups the calls it sees.
 */
import type { AttemptSample } from './circuit';
import type {
  CircuitRecord,
  EndpointRef,
  EndpointStateKey,
  EndpointStateKind,
  EndpointStates,
  EndpointStateStore,
  Transition,
  Versioned,
} from './state-store';
import { DEFAULT_CAS_ATTEMPTS, StateContentionError } from './state-store';

interface Waiter {
  readonly transition: (current: unknown) => Transition<unknown, unknown>;
  readonly maxAttempts: number;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface CombiningOptions {
  /** Pause before re-reading after a lost race; `attempt` counts from 1. @default full jitter, 10 ms doubling, capped at 200 ms */
  readonly pause?: (attempt: number) => Promise<void>;
}

export const fullJitter = (attempt: number, random: () => number = Math.random): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, random() * Math.min(200, 10 * 2 ** (attempt - 1))));

interface CountWaiter {
  readonly samples: readonly AttemptSample[];
  readonly windowMs: number;
  readonly resolve: (record: CircuitRecord) => void;
  readonly reject: (error: unknown) => void;
}

export class CombiningStateStore implements EndpointStateStore {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly counts = new Map<string, CountWaiter[]>();
  private readonly pause: (attempt: number) => Promise<void>;
  /** Groups committed, compare-and-sets lost to another writer, and count writes (for tests and benches). */
  groups = 0;
  conflicts = 0;
  countWrites = 0;

  constructor(
    private readonly inner: EndpointStateStore,
    options: CombiningOptions = {},
  ) {
    this.pause = options.pause ?? ((attempt) => fullJitter(attempt));
  }

  read<K extends EndpointStateKind>(key: EndpointStateKey<K>): Promise<Versioned<EndpointStates[K]>> {
    return this.inner.read(key);
  }

  compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    return this.inner.compareAndSet(key, expectedVersion, value);
  }

  readCircuit(endpoint: EndpointRef): Promise<CircuitRecord> {
    return this.inner.readCircuit(endpoint);
  }

  reset(endpoint: EndpointRef): Promise<void> {
    return this.inner.reset(endpoint);
  }

  count(endpoint: EndpointRef, samples: readonly AttemptSample[], windowMs: number): Promise<CircuitRecord> {
    const id = JSON.stringify([endpoint.tenantId, endpoint.endpointId, windowMs]);
    return new Promise<CircuitRecord>((resolve, reject) => {
      const waiting = this.counts.get(id);
      if (waiting !== undefined) return void waiting.push({ samples, windowMs, resolve, reject });
      this.counts.set(id, [{ samples, windowMs, resolve, reject }]);
      void this.flushCounts(id, endpoint, windowMs);
    });
  }

  /** Writes the waiting results of one endpoint together, until none wait; results arriving meanwhile go next. */
  private async flushCounts(id: string, endpoint: EndpointRef, windowMs: number): Promise<void> {
    await Promise.resolve(); // the results of the same tick join the first write
    for (;;) {
      const group = this.counts.get(id)!;
      this.counts.set(id, []);
      this.countWrites++;
      try {
        const record = await this.inner.count(
          endpoint,
          group.flatMap((w) => w.samples),
          windowMs,
        );
        for (const w of group) w.resolve(record);
      } catch (error) {
        for (const w of group) w.reject(error);
      }
      if (this.counts.get(id)!.length === 0) return void this.counts.delete(id);
    }
  }

  update<K extends EndpointStateKind, R>(
    key: EndpointStateKey<K>,
    transition: (current: EndpointStates[K] | undefined) => Transition<EndpointStates[K], R>,
    maxAttempts = DEFAULT_CAS_ATTEMPTS,
  ): Promise<R> {
    const id = JSON.stringify([key.tenantId, key.endpointId, key.kind]);
    return new Promise<R>((resolve, reject) => {
      const waiter = { transition, maxAttempts, resolve, reject } as Waiter;
      const queue = this.queues.get(id);
      if (queue !== undefined) return void queue.push(waiter);
      this.queues.set(id, [waiter]);
      void this.drain(id, key);
    });
  }

  /** Commits groups for one record until nobody is waiting; calls arriving during a commit form the next group. */
  private async drain(id: string, key: EndpointStateKey): Promise<void> {
    // Let the calls started in the same tick (a batch's deliveries) join the first group.
    await Promise.resolve();
    for (;;) {
      const group = this.queues.get(id)!;
      this.queues.set(id, []);
      await this.commit(key, group);
      if (this.queues.get(id)!.length === 0) return void this.queues.delete(id);
    }
  }

  private async commit(key: EndpointStateKey, group: readonly Waiter[]): Promise<void> {
    this.groups++;
    const maxAttempts = Math.max(...group.map((w) => w.maxAttempts));
    try {
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const { value, version } = await this.inner.read(key);
        let state: unknown = value;
        let changed = false;
        const outcomes = group.map((w) => {
          try {
            const { next, result } = w.transition(state);
            if (next !== undefined) [state, changed] = [next, true];
            return () => w.resolve(result);
          } catch (error) {
            return () => w.reject(error);
          }
        });
        if (!changed || (await this.inner.compareAndSet(key, version, state as EndpointStates[EndpointStateKind])))
          return void outcomes.forEach((settle) => settle());
        this.conflicts++;
        if (attempt < maxAttempts) await this.pause(attempt);
      }
      throw new StateContentionError(key, maxAttempts);
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }
}
