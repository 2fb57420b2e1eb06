/**
 * Per-endpoint operational state shared by every concurrent delivery worker: the rate limiter's bucket, the
 * circuit breaker and the health record (for automatic disabling). Each lives in its own record so that a
 * busy endpoint's bucket updates do not conflict with its breaker's, and each is changed only by
 * compare-and-set: read it with its version, compute the next value with a pure function, write it only if
 * the version is unchanged. In DynamoDB that is one item per (tenant, endpoint, kind) and a `PutItem` with
 * `ConditionExpression: version = :expected` (or `attribute_not_exists` for the first write).
 */
import type { TokenBucket } from './token-bucket';
import type { CircuitState } from './circuit';
import type { HealthState } from './health';

/** The kinds of state kept per endpoint, and the shape of each. */
export interface EndpointStates {
  readonly rate: TokenBucket;
  readonly circuit: CircuitState;
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
  /** Writes `value` as version `expectedVersion + 1` if the stored version is still `expectedVersion`; false otherwise. */
  compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean>;
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
