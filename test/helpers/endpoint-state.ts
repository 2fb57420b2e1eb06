/**
 * In-memory `EndpointStateStore` with the conditional semantics the DynamoDB adapter must have (write only
 * if the version read is still the stored one), and a stepped variant that lets a test decide the order in
 * which concurrent reads and writes reach the store, so interleavings are chosen, not left to luck.
 */
import {
  addSamples,
  NO_COUNTS,
  type AttemptSample,
  type CircuitCounts,
} from '../../lambdas/core/outbound/admission/circuit';
import { healthAfter, reenable, type HealthState } from '../../lambdas/core/outbound/admission/health';
import type {
  CircuitRecord,
  EndpointRef,
  EndpointStateKey,
  EndpointStateKind,
  EndpointStateStore,
  EndpointStates,
  Versioned,
} from '../../lambdas/core/outbound/admission/state-store';

const keyOf = (k: EndpointStateKey) => JSON.stringify([k.tenantId, k.endpointId, k.kind]);

const refOf = (e: EndpointRef) => JSON.stringify([e.tenantId, e.endpointId]);

export class MemoryStateStore implements EndpointStateStore {
  readonly records = new Map<string, { value: unknown; version: number }>();
  /** What each endpoint's breaker counted, and its health record (the atomic side of the circuit item). */
  readonly counted = new Map<string, { counts: CircuitCounts; health: HealthState }>();
  reads = 0;
  writes = 0;
  conflicts = 0;
  /** Atomic count updates: each one write, never a conflict. */
  counts = 0;

  async read<K extends EndpointStateKind>(key: EndpointStateKey<K>): Promise<Versioned<EndpointStates[K]>> {
    this.reads++;
    const r = this.records.get(keyOf(key));
    return r === undefined
      ? { value: undefined, version: 0 }
      : { value: structuredClone(r.value) as EndpointStates[K], version: r.version };
  }

  async compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    this.writes++;
    const current = this.records.get(keyOf(key))?.version ?? 0;
    if (current !== expectedVersion) {
      this.conflicts++;
      return false;
    }
    this.records.set(keyOf(key), { value: structuredClone(value), version: expectedVersion + 1 });
    const closed = key.kind === 'circuit' && (value as EndpointStates['circuit']).status === 'closed';
    const counted = this.counted.get(refOf(key));
    if (closed && counted) counted.counts = NO_COUNTS; // a closed circuit starts counting afresh
    return true;
  }

  async count(endpoint: EndpointRef, samples: readonly AttemptSample[], windowMs: number): Promise<CircuitRecord> {
    this.counts++;
    const current = this.counted.get(refOf(endpoint)) ?? { counts: NO_COUNTS, health: {} };
    this.counted.set(refOf(endpoint), {
      counts: addSamples(current.counts, samples, windowMs),
      health: healthAfter(current.health, samples),
    });
    return this.readCircuit(endpoint);
  }

  async readCircuit(endpoint: EndpointRef): Promise<CircuitRecord> {
    const counted = this.counted.get(refOf(endpoint)) ?? { counts: NO_COUNTS, health: {} };
    return {
      circuit: await this.read({ ...endpoint, kind: 'circuit' }),
      counts: structuredClone(counted.counts),
      health: { ...counted.health },
    };
  }

  async reset(endpoint: EndpointRef): Promise<void> {
    const { circuit, health } = reenable(this.counted.get(refOf(endpoint))?.health, 0);
    const version = this.records.get(keyOf({ ...endpoint, kind: 'circuit' }))?.version ?? 0;
    this.records.set(keyOf({ ...endpoint, kind: 'circuit' }), { value: circuit, version: version + 1 });
    this.counted.set(refOf(endpoint), { counts: NO_COUNTS, health });
  }

  peek<K extends EndpointStateKind>(key: EndpointStateKey<K>): EndpointStates[K] | undefined {
    return this.records.get(keyOf(key))?.value as EndpointStates[K] | undefined;
  }
}

/**
 * Every read and write waits at a turnstile until `step(i)` lets the i-th waiting operation through, so a
 * test picks which concurrent invocation reaches the store next.
 */
export class SteppedStateStore implements EndpointStateStore {
  private readonly waiting: Array<{ label: string; go: () => void }> = [];
  constructor(readonly inner: MemoryStateStore = new MemoryStateStore()) {}

  get pending(): readonly string[] {
    return this.waiting.map((w) => w.label);
  }

  /** Lets the i-th waiting operation proceed, then lets every promise chain settle. */
  async step(i: number): Promise<void> {
    const [w] = this.waiting.splice(i, 1);
    if (w === undefined) throw new RangeError(`no waiting operation ${i}`);
    w.go();
    await settle();
  }

  /** Waits until the scheduler lets this operation through. */
  protected turn(label: string): Promise<void> {
    return new Promise<void>((go) => this.waiting.push({ label, go }));
  }

  async read<K extends EndpointStateKind>(key: EndpointStateKey<K>): Promise<Versioned<EndpointStates[K]>> {
    await this.turn(`read ${key.kind}`);
    return this.inner.read(key);
  }

  async compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    await this.turn(`write ${key.kind}`);
    return this.inner.compareAndSet(key, expectedVersion, value);
  }

  async count(endpoint: EndpointRef, samples: readonly AttemptSample[], windowMs: number): Promise<CircuitRecord> {
    await this.turn('count circuit');
    return this.inner.count(endpoint, samples, windowMs);
  }

  readCircuit(endpoint: EndpointRef): Promise<CircuitRecord> {
    return this.inner.readCircuit(endpoint);
  }

  reset(endpoint: EndpointRef): Promise<void> {
    return this.inner.reset(endpoint);
  }
}

/** Lets every queued promise callback run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
