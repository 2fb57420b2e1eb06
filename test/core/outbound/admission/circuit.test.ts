import { describe, expect, it } from 'vitest';
import { gate, settle as settleAttempt } from '../../../../lambdas/core/outbound/admission/gate';
import {
  addSamples,
  admit,
  afterProbe,
  CLOSED,
  NO_COUNTS,
  opened as open,
  openReason,
  phaseOf,
  type CircuitCounts,
  type CircuitEvent,
  type CircuitState,
} from '../../../../lambdas/core/outbound/admission/circuit';
import {
  circuitSettingsSchema,
  DEFAULT_CIRCUIT_SETTINGS,
  type CircuitSettings,
} from '../../../../lambdas/core/outbound/admission/settings';
import { MemoryStateStore, SteppedStateStore, settle } from '../../../helpers/endpoint-state';
import { endpoint, ENDPOINT_ID, NOW, TENANT } from '../../../helpers/outbound';

const S = DEFAULT_CIRCUIT_SETTINGS;

/**
 * Feeds results of a closed circuit in order, one a second, as settle() does: each counted, then judged against
 * the thresholds; returns the final state, what was counted, and every event.
 */
function feed(
  results: readonly boolean[],
  settings: CircuitSettings = S,
  start: CircuitCounts = NO_COUNTS,
  startAt = NOW,
) {
  let state: CircuitState = CLOSED;
  let counts = start;
  const events: CircuitEvent[] = [];
  results.forEach((success, i) => {
    const at = startAt + i * 1000;
    counts = addSamples(counts, [{ success, at }], settings.windowSeconds * 1000);
    const reason = state.status === 'closed' ? openReason(counts, at, settings, !success) : undefined;
    if (reason === undefined) return;
    const o = open(reason, counts, at, settings);
    state = o.next;
    events.push(o.event);
  });
  return { state, counts, events };
}

function opened(at = NOW, coolDownMs = 30_000): CircuitState {
  return { status: 'open', reason: 'consecutive_failures', openedAt: at, openUntil: at + coolDownMs, coolDownMs };
}

describe('the settings', () => {
  it('default to 5 failures in a row, or ≥ 50 % of ≥ 20 attempts in 60 s; 30 s cool-down doubling to 10 min; 90 s probe lease', () => {
    expect(S).toEqual({
      consecutiveFailures: 5,
      failureRate: 0.5,
      windowSeconds: 60,
      minimumVolume: 20,
      coolDownSeconds: 30,
      maxCoolDownSeconds: 600,
      probeLeaseSeconds: 90,
    });
  });

  it('are configurable per endpoint, each field alone', () => {
    expect(circuitSettingsSchema.parse({ consecutiveFailures: 3 })).toEqual({ ...S, consecutiveFailures: 3 });
  });

  it.each([
    ['a longest cool-down below the first', { coolDownSeconds: 60, maxCoolDownSeconds: 30 }],
    ['a failure rate of 0', { failureRate: 0 }],
    ['a probe lease shorter than the longest send', { probeLeaseSeconds: 30 }],
    ['an unknown field', { threshold: 5 }],
  ])('refuse %s', (_what, input) => {
    expect(circuitSettingsSchema.safeParse(input).success).toBe(false);
  });
});

describe('closed', () => {
  it('opens on the 5th failure in a row, not the 4th', () => {
    expect(feed([false, false, false, false]).state.status).toBe('closed');

    const { state, events } = feed([false, false, false, false, false]);

    expect(state).toEqual({
      status: 'open',
      reason: 'consecutive_failures',
      openedAt: NOW + 4000,
      openUntil: NOW + 34_000,
      coolDownMs: 30_000,
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'circuit.opened',
        reason: 'consecutive_failures',
        consecutiveFailures: 5,
        openUntil: NOW + 34_000,
      }),
    ]);
  });

  it('starts counting again after a success', () => {
    expect(feed([false, false, false, false, true, false, false, false, false]).state.status).toBe('closed');
  });

  it('opens when half of at least 20 attempts in the window failed, though never 5 in a row', () => {
    const alternating = Array.from({ length: 20 }, (_, i) => i % 2 === 0); // the 20th is a failure

    const { state, events } = feed(alternating);

    expect(state).toMatchObject({ status: 'open', reason: 'failure_rate' });
    expect(events).toEqual([
      expect.objectContaining({ reason: 'failure_rate', failureRate: 0.5, attemptsInWindow: 20 }),
    ]);
  });

  it('does not judge the rate below the minimum volume', () => {
    const sparse = Array.from({ length: 19 }, (_, i) => i % 2 === 1);

    expect(feed(sparse).state.status).toBe('closed');
  });

  it('forgets failures older than the window', () => {
    const early = feed(Array.from({ length: 19 }, (_, i) => i % 3 === 0)); // 12 of 19 failed, the last succeeded
    const later = feed([false], S, early.counts, NOW + 10 * 60_000);

    expect(later.state.status).toBe('closed');
    expect(later.counts.consecutiveFailures).toBe(1);
    expect(later.counts.window).toEqual([{ start: NOW + 10 * 60_000, total: 1, failures: 1 }]);
  });

  it('counts a batch of results in the order they finished: a success ends the run of failures', () => {
    const counts = addSamples(
      NO_COUNTS,
      [
        { success: false, at: NOW },
        { success: true, at: NOW + 1 },
        { success: false, at: NOW + 2 },
        { success: false, at: NOW + 3 },
      ],
      60_000,
    );
    expect(counts).toEqual({ consecutiveFailures: 2, window: [{ start: NOW, total: 4, failures: 3 }] });
  });
});

describe('open', () => {
  it('parks every delivery until the cool-down ends, writing nothing', () => {
    expect(admit(opened(), NOW + 29_999, S, 'l1')).toEqual({ admission: { decision: 'park', until: NOW + 30_000 } });
    expect(phaseOf(opened(), NOW + 29_999)).toBe('open');
  });

  it('ignores results of attempts sent before it opened', () => {
    expect(afterProbe(opened(), { success: true }, NOW + 1, S)).toEqual({ events: [] });
    expect(afterProbe(opened(), { success: false }, NOW + 1, S)).toEqual({ events: [] });
  });
});

describe('half-open', () => {
  const due = NOW + 30_000;

  it('lets exactly one probe go, under a lease, and parks the rest until the lease ends', () => {
    const first = admit(opened(), due, S, 'l1');
    const second = admit(first.next, due + 5, S, 'l2');

    expect(phaseOf(opened(), due)).toBe('half-open');
    expect(first).toEqual({
      admission: { decision: 'probe', leaseId: 'l1' },
      next: { ...opened(), probe: { leaseId: 'l1', expiresAt: due + 90_000 } },
    });
    expect(second).toEqual({ admission: { decision: 'park', until: due + 90_000 } });
  });

  it("lets another probe go when the first crashed and its lease expired; the crashed probe's late answer changes nothing", () => {
    const first = admit(opened(), due, S, 'l1').next!;

    const second = admit(first, due + 90_000, S, 'l2');
    const late = afterProbe(second.next, { success: true, leaseId: 'l1' }, due + 91_000, S);

    expect(second.admission).toEqual({ decision: 'probe', leaseId: 'l2' });
    expect(late).toEqual({ events: [] });
  });

  it("closes on the probe's success and says so (the parked deliveries are released)", () => {
    const probing = admit(opened(), due, S, 'l1').next!;

    const r = afterProbe(probing, { success: true, leaseId: 'l1' }, due + 200, S);

    expect(r).toEqual({ next: CLOSED, events: [{ type: 'circuit.closed', at: due + 200, openedAt: NOW }] });
  });

  it("opens again on the probe's failure with the cool-down doubled, capped at the longest", () => {
    let state: CircuitState = opened();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const at = (state as { openUntil: number }).openUntil;
      const probing = admit(state, at, S, `l${i}`).next!;
      state = afterProbe(probing, { success: false, leaseId: `l${i}` }, at, S).next!;
      waits.push((state as { coolDownMs: number }).coolDownMs / 1000);
    }

    expect(waits).toEqual([60, 120, 240, 480, 600, 600, 600, 600]);
    expect(state).toMatchObject({ status: 'open', openedAt: NOW });
  });
});

describe('over the shared store', () => {
  it('counts concurrent results with atomic updates: none lost, one write each, and one circuit.opened', async () => {
    const store = new MemoryStateStore();
    const ep = endpoint();

    const settled = await Promise.all(
      Array.from({ length: 8 }, (_, i) => settleAttempt(ep, { status: 503 }, NOW + i, store)),
    );

    const { counts } = await store.readCircuit({ tenantId: TENANT, endpointId: ENDPOINT_ID });
    expect(counts.consecutiveFailures).toBe(8);
    expect(counts.window.reduce((n, b) => n + b.total, 0)).toBe(8);
    expect(settled.flatMap((s) => s.circuit).map((e) => e.type)).toEqual(['circuit.opened']);
    expect(store.counts).toBe(8);
  });

  it('closing the circuit starts its counts afresh', async () => {
    const store = new MemoryStateStore();
    const key = { tenantId: TENANT, endpointId: ENDPOINT_ID } as const;
    await store.count(key, [{ success: false, at: NOW }], 60_000);
    await store.compareAndSet({ ...key, kind: 'circuit' }, 0, opened());
    await store.compareAndSet({ ...key, kind: 'circuit' }, 1, CLOSED);
    expect((await store.readCircuit(key)).counts).toEqual(NO_COUNTS);
  });

  it('parks before the rate limit: parked deliveries take no token, so the bucket is full when the circuit closes', async () => {
    const store = new MemoryStateStore();
    await store.compareAndSet({ tenantId: TENANT, endpointId: ENDPOINT_ID, kind: 'circuit' }, 0, opened());
    const deps = { store, now: () => NOW + 1000, newLeaseId: () => 'l' };
    const limited = endpoint({ rateLimit: { perSecond: 1, burst: 1 } });

    const decisions = await Promise.all(Array.from({ length: 10 }, () => gate(limited, deps)));

    expect(decisions.every((d) => d.kind === 'parked')).toBe(true);
    expect(store.peek({ tenantId: TENANT, endpointId: ENDPOINT_ID, kind: 'rate' })).toBeUndefined();
  });

  it('two workers at the end of the cool-down: exactly one probes, even when both read before either writes', async () => {
    const store = new SteppedStateStore();
    await store.inner.compareAndSet({ tenantId: TENANT, endpointId: ENDPOINT_ID, kind: 'circuit' }, 0, opened());
    let n = 0;
    const deps = { store, now: () => NOW + 30_000, newLeaseId: () => `lease${++n}` };

    const both = Promise.all([gate(endpoint(), deps), gate(endpoint(), deps)]);
    await settle();
    while (store.pending.length > 0) await store.step(0);
    const decisions = await both;

    expect(decisions.map((d) => d.kind).sort()).toEqual(['parked', 'probe']);
  });

  it('a probe whose answer is a success closes the circuit for every worker', async () => {
    const store = new MemoryStateStore();
    const ep = endpoint();
    for (let i = 0; i < 5; i++) await settleAttempt(ep, { status: 503 }, NOW + i, store);
    let clock = NOW + 40_000;
    const deps = { store, now: () => clock, newLeaseId: () => 'probe-1' };

    const probe = await gate(ep, deps);
    const other = await gate(ep, deps);
    const settled = await settleAttempt(ep, { status: 200, leaseId: 'probe-1' }, clock, store);
    clock += 1;

    expect(probe).toEqual({ kind: 'probe', leaseId: 'probe-1' });
    expect(other).toEqual({ kind: 'parked', until: NOW + 40_000 + 90_000 });
    expect(settled.circuit).toEqual([{ type: 'circuit.closed', at: NOW + 40_000, openedAt: NOW + 4 }]);
    expect(await gate(ep, deps)).toEqual({ kind: 'send' });
  });
});
