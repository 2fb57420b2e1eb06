/**
 * A discrete-event simulation of one endpoint's outbound delivery: messages arrive, workers wake deliveries,
 * pass the gate (circuit breaker + rate limit over the shared state store), send to a receiver that is down
 * for a while, settle the result (breaker, health) and apply the retry policy (delivery/retry-schedule.ts). A
 * sweeper tick every minute wakes the oldest parked delivery once the circuit is half-open; a closed circuit
 * releases the parked deliveries with `planRelease`. Everything runs on simulated time; nothing is hard-coded about the
 * outcome.
 *
 * Probe attempts are logged (flag `probe`) but do not advance the delivery's retry schedule: the breaker
 * chose to send them, not the schedule (docs/outbound-operations.md).
 */
import { gate, planRelease, settle } from '../../lambdas/core/outbound/admission/gate';
import { type OperationsSettings } from '../../lambdas/core/outbound/admission/settings';
import { phaseOf } from '../../lambdas/core/outbound/admission/circuit';
import type { Endpoint } from '../../lambdas/core/outbound/model';
import { acquire } from '../../lambdas/core/outbound/admission/rate-limit';
import { nextStep } from '../../lambdas/core/outbound/delivery/retry-schedule';
import { MemoryStateStore } from './endpoint-state';

export interface SimOptions {
  readonly endpoint: Endpoint;
  readonly start: number;
  /** Arrival times of the messages. */
  readonly arrivals: readonly number[];
  /** The receiver answers 503 in [downFrom, downUntil), 200 otherwise. */
  readonly downFrom: number;
  readonly downUntil: number;
  /** Without the breaker the gate only rate-limits (to compare). */
  readonly breaker?: boolean;
  /** Probe numbers (1-based) whose worker crashes after taking the lease, before sending. */
  readonly crashProbes?: readonly number[];
  readonly settings?: OperationsSettings;
  readonly seed?: number;
  /** Stop after this much simulated time even if work remains. */
  readonly horizonMs?: number;
}

export interface SimDelivery {
  readonly id: string;
  status: 'pending' | 'delivered' | 'failed' | 'exhausted' | 'skipped';
  attemptCount: number;
  nextAttemptAt?: number;
  parkedAt?: number;
}

export interface SimAttempt {
  readonly deliveryId: string;
  readonly at: number;
  readonly status: number;
  readonly probe: boolean;
}

export interface SimResult {
  readonly deliveries: ReadonlyMap<string, SimDelivery>;
  readonly attempts: readonly SimAttempt[];
  /** Times the receiver got a request. */
  readonly hits: readonly number[];
  /** Deliveries released by a closing circuit, and when the receiver first got each afterwards. */
  readonly released: ReadonlyArray<{ readonly id: string; readonly closedAt: number; sentAt?: number }>;
  /** Message ids the receiver answered with a 2xx. */
  readonly received: ReadonlySet<string>;
  readonly events: ReadonlyArray<{ readonly type: string; readonly at: number }>;
  readonly throttled: number;
  readonly parkings: number;
  readonly end: number;
}

type EventBody =
  | { kind: 'arrive'; id: string }
  | { kind: 'wake'; id: string }
  | { kind: 'result'; id: string; status: number; leaseId?: string }
  | { kind: 'tick' };
type Event = EventBody & { at: number; seq: number };

const LATENCY_UP_MS = 80;
const LATENCY_DOWN_MS = 20;
const TICK_MS = 60_000;
/** A crashed worker's delivery is woken again after the sweeper's lease (decision 0007: 15 min). */
const CRASH_REDELIVERY_MS = 15 * 60_000;

/** Mulberry32: a small seeded PRNG so jittered retries are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function simulate(o: SimOptions): Promise<SimResult> {
  const store = new MemoryStateStore();
  const random = seeded(o.seed ?? 1);
  const queue: Event[] = [];
  let seq = 0;
  const push = (e: EventBody & { at: number }) => {
    const ev: Event = { ...e, seq: seq++ };
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = queue[mid]!;
      if (q.at < ev.at || (q.at === ev.at && q.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, ev);
  };

  const deliveries = new Map<string, SimDelivery>();
  const attempts: SimAttempt[] = [];
  const hits: number[] = [];
  const received = new Set<string>();
  const events: Array<{ type: string; at: number }> = [];
  let now = o.start;
  let leases = 0;
  let throttled = 0;
  let parkings = 0;
  const ep = o.endpoint;
  const breaker = o.breaker ?? true;
  const deps = { store, now: () => now, newLeaseId: () => `lease-${++leases}` };
  const probesTaken: string[] = [];
  const released: Array<{ id: string; closedAt: number; sentAt?: number }> = [];

  o.arrivals.forEach((at, i) => push({ at, kind: 'arrive', id: `msg_${String(i).padStart(4, '0')}` }));
  push({ at: o.start, kind: 'tick' });
  const unfinished = () => [...deliveries.values()].some((d) => d.status === 'pending' || d.status === 'failed');
  const horizon = o.start + (o.horizonMs ?? 10 * 86_400_000);

  while (queue.length > 0) {
    const e = queue.shift()!;
    if (e.at > horizon) break;
    now = e.at;
    if (e.kind === 'arrive') {
      deliveries.set(e.id, { id: e.id, status: 'pending', attemptCount: 0, nextAttemptAt: now });
      push({ at: now, kind: 'wake', id: e.id });
    } else if (e.kind === 'tick') {
      // The sweeper: once the cool-down is over, wake the oldest parked delivery as the probe candidate.
      const circuit = store.peek({ tenantId: ep.tenantId, endpointId: ep.endpointId, kind: 'circuit' });
      const parked = [...deliveries.values()]
        .filter((d) => d.parkedAt !== undefined)
        .sort((a, b) => a.parkedAt! - b.parkedAt!);
      if (phaseOf(circuit, now) === 'half-open' && parked.length > 0)
        push({ at: now, kind: 'wake', id: parked[0]!.id });
      if (queue.some((q) => q.kind !== 'tick') || unfinished()) push({ at: now + TICK_MS, kind: 'tick' });
    } else if (e.kind === 'wake') {
      const d = deliveries.get(e.id)!;
      if (d.status !== 'pending' && d.status !== 'failed') continue;
      if (d.nextAttemptAt !== undefined && d.nextAttemptAt > now) continue; // a stale wake-up
      const decision = breaker ? await gate(ep, deps, o.settings) : await rateOnly(ep, deps);
      if (decision.kind === 'throttled') {
        throttled++;
        push({ at: now + decision.retryAfterMs, kind: 'wake', id: d.id });
      } else if (decision.kind === 'parked') {
        parkings++;
        d.parkedAt ??= now;
      } else if (decision.kind === 'skip') {
        d.status = 'skipped';
      } else {
        const leaseId = decision.kind === 'probe' ? decision.leaseId : undefined;
        if (leaseId !== undefined) {
          probesTaken.push(leaseId);
          if (o.crashProbes?.includes(probesTaken.length)) {
            // The worker died holding the lease: nothing sent, nothing recorded. Its delivery comes back the way
            // every crashed step does (decision 0007): the queue message reappears / the sweeper's claim lapses.
            events.push({ type: 'probe.crashed', at: now });
            push({ at: now + CRASH_REDELIVERY_MS, kind: 'wake', id: d.id });
            continue;
          }
        }
        const down = now >= o.downFrom && now < o.downUntil;
        hits.push(now);
        const r = released.find((x) => x.id === d.id && x.sentAt === undefined);
        if (r) r.sentAt = now;
        push({
          at: now + (down ? LATENCY_DOWN_MS : LATENCY_UP_MS),
          kind: 'result',
          id: d.id,
          status: down ? 503 : 200,
          ...(leaseId === undefined ? {} : { leaseId }),
        });
      }
    } else {
      const d = deliveries.get(e.id)!;
      const probe = e.leaseId !== undefined;
      attempts.push({ deliveryId: d.id, at: now, status: e.status, probe });
      if (e.status === 200) received.add(d.id);
      const settled = breaker
        ? await settle(ep, { status: e.status, ...(probe ? { leaseId: e.leaseId } : {}) }, now, store, o.settings)
        : { circuit: [] };
      for (const c of settled.circuit) events.push({ type: c.type, at: now });
      if (probe && e.status !== 200) {
        d.parkedAt = now; // back of the line; its schedule does not move
      } else {
        const step = nextStep({
          outcome: { kind: 'response', status: e.status },
          attemptNumber: d.attemptCount + 1,
          nowMs: now,
          random,
        });
        d.attemptCount++;
        d.status = step.status;
        d.parkedAt = undefined;
        d.nextAttemptAt = step.status === 'failed' ? step.nextAttemptAt : undefined;
        if (step.status === 'failed') push({ at: step.nextAttemptAt, kind: 'wake', id: d.id });
        if (step.status === 'exhausted') events.push({ type: 'message.attempt.exhausted', at: now });
      }
      if (settled.circuit.some((c) => c.type === 'circuit.closed')) {
        const parked = [...deliveries.values()]
          .filter((x) => x.parkedAt !== undefined)
          .map((x) => ({ deliveryId: x.id, parkedAt: x.parkedAt! }));
        for (const r of planRelease(parked, now, ep)) {
          const x = deliveries.get(r.deliveryId)!;
          x.parkedAt = undefined;
          released.push({ id: x.id, closedAt: now });
          x.nextAttemptAt = r.wakeAt; // released: due now, paced; its attempt count is untouched
          push({ at: r.wakeAt, kind: 'wake', id: x.id });
        }
      }
    }
  }
  return { deliveries, attempts, hits, released, received, events, throttled, parkings, end: now };
}

/** The gate without the breaker: only the rate limit (for the comparison run). */
async function rateOnly(ep: Endpoint, deps: { store: MemoryStateStore; now: () => number }) {
  const r = await acquire(deps.store, ep.tenantId, ep.endpointId, ep.rateLimit, deps.now);
  return r.allowed ? ({ kind: 'send' } as const) : ({ kind: 'throttled', retryAfterMs: r.retryAfterMs } as const);
}
