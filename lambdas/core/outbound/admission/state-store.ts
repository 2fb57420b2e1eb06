/**
 * Per-endpoint operational state shared by every concurrent delivery worker: the rate limiter's bucket, the circuit
 * breaker, and what the breaker and the health rule (automatic disabling) count. The bucket and the circuit's state
 * are each a record changed only by compare-and-set: read it with its version, compute the next value with a pure
 * function, write it only if the version is unchanged. What is counted (consecutive failures, the failure window,
 * the failing clock) is added by one atomic update per batch of results (decision 0027: compare-and-set lost
 * 15–31 % of them under 16 concurrent invocations), and kept beside the circuit's state, so the update that counts
 * also returns the state it is judged against. In DynamoDB: one item per (tenant, endpoint, kind); the versioned
 * record is a document and a `version`, the counts attributes the update `ADD`s to.
 */
import type { TokenBucket } from './token-bucket';
import type { AttemptSample, CircuitCounts, CircuitState } from './circuit';
import type { HealthState } from './health';

/** The kinds of versioned state kept per endpoint, and the shape of each. */
export interface EndpointStates {
  readonly rate: TokenBucket;
  readonly circuit: CircuitState;
}

export interface EndpointRef {
  readonly tenantId: string;
  readonly endpointId: string;
}

/** An endpoint's circuit as stored: its state (versioned), what it has counted, and the health record. */
export interface CircuitRecord {
  readonly circuit: Versioned<CircuitState>;
  readonly counts: CircuitCounts;
  readonly health: HealthState;
}
export type EndpointStateKind = keyof EndpointStates;

export interface EndpointStateKey<K extends EndpointStateKind = EndpointStateKind> {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly kind: K;
}

/** A stored value and the version it was read at; version 0 means "never written". */
export interface Versioned<T> {
  readonly value: T | undefined;
  readonly version: number;
}

/** The port: strongly consistent read, and a write that succeeds only if nobody wrote since the read. */
export interface EndpointStateStore {
  read<K extends EndpointStateKind>(key: EndpointStateKey<K>): Promise<Versioned<EndpointStates[K]>>;
  /**
   * Writes `value` as version `expectedVersion + 1` if the stored version is still `expectedVersion`; false otherwise.
   * Writing a closed circuit starts its counts afresh (the failure window and the run of failures).
   */
  compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean>;
  /**
   * Adds attempt results (in the order they finished) to the endpoint's breaker counts and health record with one
   * atomic update, as `addSamples` and `healthAfter` describe, and returns the record as it is after it. No
   * concurrent writer's results are lost; nothing is compared.
   */
  count(endpoint: EndpointRef, samples: readonly AttemptSample[], windowMs: number): Promise<CircuitRecord>;
  /** The circuit record, strongly consistent. */
  readCircuit(endpoint: EndpointRef): Promise<CircuitRecord>;
  /** Re-enabling: the breaker closed with nothing counted and the failing clock stopped (last success and failure kept). */
  reset(endpoint: EndpointRef): Promise<void>;
  /**
   * Optional: a store that runs `update()` itself, with the same contract (e.g. `CombiningStateStore`, which
   * commits concurrent updates of one record in one read and one write).
   */
  update?<K extends EndpointStateKind, R>(
    key: EndpointStateKey<K>,
    transition: (current: EndpointStates[K] | undefined) => Transition<EndpointStates[K], R>,
    maxAttempts?: number,
  ): Promise<R>;
}

/** Too many concurrent writers changed the record between our read and our write. */
export class StateContentionError extends Error {
  override readonly name = 'StateContentionError';
  constructor(
    readonly key: EndpointStateKey,
    readonly attempts: number,
  ) {
    super(`endpoint state ${key.kind} of ${key.tenantId}/${key.endpointId} kept changing under ${attempts} attempts`);
  }
}

/** How often `update` re-reads after losing a compare-and-set before it gives up. */
export const DEFAULT_CAS_ATTEMPTS = 8;

/**
 * What a transition decided: the value to write (undefined: nothing to write) and a result for the caller.
 */
export interface Transition<T, R> {
  readonly next: T | undefined;
  readonly result: R;
}

/**
 * Applies a pure transition to a record under compare-and-set, re-reading and recomputing after each lost
 * race, at most `maxAttempts` times. The transition may run several times: it must not have side effects.
 *
 * @example
 * const { allowed } = await update(store, key, (bucket) => { const t = take(bucket, now, 10, 5); return { next: t.state, result: t }; });
 */
export async function update<K extends EndpointStateKind, R>(
  store: EndpointStateStore,
  key: EndpointStateKey<K>,
  transition: (current: EndpointStates[K] | undefined) => Transition<EndpointStates[K], R>,
  maxAttempts = DEFAULT_CAS_ATTEMPTS,
): Promise<R> {
  if (store.update) return store.update(key, transition, maxAttempts);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { value, version } = await store.read(key);
    // The transition runs after the read returns: a clock it reads is never older than the state it sees.
    const { next, result } = transition(value);
    if (next === undefined) return result;
    if (await store.compareAndSet(key, version, next)) return result;
  }
  throw new StateContentionError(key, maxAttempts);
}
