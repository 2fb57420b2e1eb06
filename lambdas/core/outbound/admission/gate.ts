/**
 * The gate a delivery worker passes BEFORE `deliver()` (may this delivery be sent now?) and the settlement
 * AFTER it (what the attempt's result does to the endpoint's breaker and health). It composes circuit.ts,
 * rate-limit.ts and health.ts over the shared `EndpointStateStore`.
 *
 * Order in the gate: a disabled endpoint skips; an open circuit parks (before any token is taken: parked
 * deliveries must not drain the bucket); then the rate limit; then, if the circuit is half-open, the probe
 * lease. Only `send` and `probe` lead to an attempt: `parked` and `throttled` wake the delivery later with
 * its attempt count and retry schedule untouched.
 */
import type { Clock } from '../../kernel/ports';
import { admit, afterProbe, opened, openReason, type Admission, type CircuitEvent } from './circuit';
import { update, type EndpointStateStore } from './state-store';
import { disableFor, type HealthEvent } from './health';
import { DEFAULT_OPERATIONS_SETTINGS, type OperationsSettings } from './settings';
import type { Endpoint } from '../model';
import { acquire } from './rate-limit';
import { paceTimes } from './token-bucket';
import { isSuccess } from '../model';

export type GateDecision =
  /** Send; no earlier than `notBefore` (epoch ms) when the token is a reserved one (`GateDeps.rateWaitMs`). */
  | { readonly kind: 'send'; readonly notBefore?: number }
  /** Send as the circuit's probe (no earlier than `notBefore`, as for `send`) and settle with this lease id. */
  | { readonly kind: 'probe'; readonly leaseId: string; readonly notBefore?: number }
  /** Circuit open: do not send; wake at `until` (or when the circuit closes and releases it). */
  | { readonly kind: 'parked'; readonly until: number }
  /** Over the endpoint's rate: wake after `retryAfterMs`. Not an attempt. */
  | { readonly kind: 'throttled'; readonly retryAfterMs: number }
  /** The endpoint is disabled: record the delivery as `skipped` (recoverable). */
  | { readonly kind: 'skip'; readonly reason: 'endpoint_disabled' };

export interface GateDeps {
  readonly store: EndpointStateStore;
  readonly now: Clock;
  /** A fresh unique id per call (a probe lease id). */
  readonly newLeaseId: () => string;
  /**
   * A token that is there within this many ms is reserved instead of throttling: the decision says when the
   * delivery may be sent (token-bucket.ts). @default 0
   */
  readonly rateWaitMs?: number;
}

/** Decides whether a delivery to `endpoint` may be attempted at `nowMs`. */
export async function gate(
  endpoint: Endpoint,
  deps: GateDeps,
  settings: OperationsSettings = DEFAULT_OPERATIONS_SETTINGS,
): Promise<GateDecision> {
  const nowMs = deps.now();
  if (!endpoint.enabled) return { kind: 'skip', reason: 'endpoint_disabled' };
  const key = { tenantId: endpoint.tenantId, endpointId: endpoint.endpointId, kind: 'circuit' } as const;
  const leaseId = deps.newLeaseId();

  const first = await update<'circuit', Admission>(deps.store, key, (s) => ({
    next: undefined,
    result: admit(s, nowMs, settings.circuit, leaseId).admission,
  }));
  if (first.decision === 'park') return { kind: 'parked', until: first.until };

  const token = await acquire(
    deps.store,
    endpoint.tenantId,
    endpoint.endpointId,
    endpoint.rateLimit,
    deps.now,
    undefined,
    deps.rateWaitMs,
  );
  if (!token.allowed) return { kind: 'throttled', retryAfterMs: token.retryAfterMs };
  const wait = token.waitMs ? { notBefore: token.at } : {};
  if (first.decision === 'send') return { kind: 'send', ...wait };

  // Half-open: take the probe lease. Another worker may have taken it (or closed the circuit) since the read.
  const lease = await update<'circuit', Admission>(deps.store, key, (s) => {
    const a = admit(s, nowMs, settings.circuit, leaseId);
    return { next: a.next, result: a.admission };
  });
  if (lease.decision === 'park') return { kind: 'parked', until: lease.until };
  return lease.decision === 'probe' ? { kind: 'probe', leaseId: lease.leaseId, ...wait } : { kind: 'send', ...wait };
}

/**
 * Gives back a probe lease whose delivery was not sent after all (another worker had claimed it), so the next
 * wake-up may probe at once instead of when the lease would have expired.
 */
export async function abandonProbe(endpoint: Endpoint, leaseId: string, store: EndpointStateStore): Promise<void> {
  const key = { tenantId: endpoint.tenantId, endpointId: endpoint.endpointId, kind: 'circuit' } as const;
  await update<'circuit', void>(store, key, (s) => {
    if (s?.status !== 'open' || s.probe?.leaseId !== leaseId) return { next: undefined, result: undefined };
    const { probe: _given, ...rest } = s;
    return { next: rest, result: undefined };
  });
}

export interface AttemptSummary {
  /** The HTTP status, when the receiver answered. */
  readonly status?: number;
  /** Set when the attempt was the probe. */
  readonly leaseId?: string;
}

export interface Settlement {
  /** `circuit.opened` / `circuit.probe_failed` / `circuit.closed` (then release the parked deliveries). */
  readonly circuit: readonly CircuitEvent[];
  /** Set when the endpoint must be disabled now (410 Gone, or failing for `disableAfterDays`). */
  readonly disable?: HealthEvent;
}

/**
 * Feeds an attempt's result to the endpoint's breaker and health record: counted with one atomic update (no result
 * is lost to a concurrent worker), then the transition it calls for, if any, by compare-and-set: a probe's result
 * closes or reopens the circuit; a failure that brings a closed circuit to its threshold opens it (whoever writes
 * first: one `circuit.opened`).
 */
export async function settle(
  endpoint: Endpoint,
  attempt: AttemptSummary,
  nowMs: number,
  store: EndpointStateStore,
  settings: OperationsSettings = DEFAULT_OPERATIONS_SETTINGS,
): Promise<Settlement> {
  const success = attempt.status !== undefined && isSuccess(attempt.status);
  const ref = { tenantId: endpoint.tenantId, endpointId: endpoint.endpointId };
  const key = { ...ref, kind: 'circuit' } as const;
  const record = await store.count(ref, [{ success, at: nowMs }], settings.circuit.windowSeconds * 1000);
  let circuit: readonly CircuitEvent[] = [];
  if (attempt.leaseId !== undefined) {
    const leaseId = attempt.leaseId;
    circuit = await update<'circuit', readonly CircuitEvent[]>(store, key, (s) => {
      const r = afterProbe(s, { success, leaseId }, nowMs, settings.circuit);
      return { next: r.next, result: r.events };
    });
  } else if (record.circuit.value?.status !== 'open') {
    const reason = openReason(record.counts, nowMs, settings.circuit, !success);
    if (reason !== undefined)
      circuit = await update<'circuit', readonly CircuitEvent[]>(store, key, (s) => {
        if (s?.status === 'open') return { next: undefined, result: [] }; // another worker opened it first
        const o = opened(reason, record.counts, nowMs, settings.circuit);
        return { next: o.next, result: [o.event] };
      });
  }
  const disable = disableFor(record.health, { success, status: attempt.status }, nowMs, settings.health);
  return disable === undefined ? { circuit } : { circuit, disable };
}

/** A delivery waiting for its endpoint's circuit to close. */
export interface ParkedDelivery {
  readonly deliveryId: string;
  readonly parkedAt: number;
}

/**
 * When each parked delivery wakes after the circuit closed: oldest parked first, at the endpoint's rate
 * (paceTimes), so a receiver back from an outage gets its backlog paced, not a stampede.
 */
export function planRelease(
  parked: readonly ParkedDelivery[],
  nowMs: number,
  endpoint: Pick<Endpoint, 'rateLimit'>,
): Array<{ readonly deliveryId: string; readonly wakeAt: number }> {
  const ordered = [...parked].sort((a, b) => a.parkedAt - b.parkedAt || a.deliveryId.localeCompare(b.deliveryId));
  const times = paceTimes(ordered.length, nowMs, endpoint.rateLimit);
  return ordered.map((p, i) => ({ deliveryId: p.deliveryId, wakeAt: times[i]! }));
}
