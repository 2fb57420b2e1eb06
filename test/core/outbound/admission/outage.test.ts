import { describe, expect, it } from 'vitest';
import { maxInWindow } from '../../../../lambdas/core/outbound/admission/token-bucket';
import { DEFAULT_RETRY_DELAYS_SECONDS } from '../../../../lambdas/core/outbound/delivery/retry-schedule';
import { simulate, type SimResult } from '../../../helpers/outage-sim';
import { endpoint, NOW } from '../../../helpers/outbound';

const MIN = 60_000;
const HOUR = 60 * MIN;
const LIMIT = { perSecond: 2, burst: 3 };
const DOWN_FROM = NOW + 30 * MIN;
const DOWN_UNTIL = DOWN_FROM + HOUR;

/** 720 messages, one every 10 s for two hours from NOW, plus a burst of 40 at once before the outage. */
function arrivals(): number[] {
  return [
    ...Array.from({ length: 720 }, (_, i) => NOW + i * 10_000),
    ...Array.from({ length: 40 }, () => NOW + 10 * MIN + 1),
  ].sort((a, b) => a - b);
}

function peak(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! > windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

const at = (r: SimResult, type: string) => r.events.filter((e) => e.type === type).map((e) => e.at);

describe('a receiver down for an hour, then back', () => {
  const run = () =>
    simulate({
      endpoint: endpoint({ rateLimit: LIMIT }),
      start: NOW,
      arrivals: arrivals(),
      downFrom: DOWN_FROM,
      downUntil: DOWN_UNTIL,
    });

  it('loses no delivery and exhausts none: every message reaches the receiver', async () => {
    const r = await run();

    expect(r.deliveries.size).toBe(760);
    expect([...r.deliveries.values()].filter((d) => d.status !== 'delivered')).toEqual([]);
    expect(r.received.size).toBe(760);
    expect(at(r, 'message.attempt.exhausted')).toEqual([]);
  });

  it('opens the circuit once, probes with a doubling cool-down, and closes once soon after the receiver is back', async () => {
    const r = await run();
    const [opened] = at(r, 'circuit.opened');
    const [closed] = at(r, 'circuit.closed');
    const probes = r.attempts.filter((a) => a.probe);

    expect(at(r, 'circuit.opened')).toHaveLength(1);
    expect(at(r, 'circuit.closed')).toHaveLength(1);
    expect(opened! - DOWN_FROM).toBeLessThan(2 * MIN);
    expect(closed).toBeGreaterThanOrEqual(DOWN_UNTIL);
    expect(closed! - DOWN_UNTIL).toBeLessThanOrEqual(11 * MIN); // at most one capped cool-down plus a sweeper tick
    expect(probes.length).toBeGreaterThanOrEqual(5);
    expect(probes.length).toBeLessThanOrEqual(15);
    const gaps = probes.slice(1).map((p, i) => p.at - probes[i]!.at);
    expect(gaps.every((g) => g >= 30_000)).toBe(true); // never two probes at once
  });

  it('makes few attempts while the circuit is open, and no delivery spends its retry schedule on the outage', async () => {
    const r = await run();
    const [opened] = at(r, 'circuit.opened');
    const [closed] = at(r, 'circuit.closed');
    const whileOpen = r.attempts.filter((a) => a.at > opened! + 1000 && a.at < closed!);
    const arrivedWhileOpen = arrivals().filter((t) => t > opened! && t < closed!).length;

    expect(whileOpen.length).toBeLessThanOrEqual(at(r, 'circuit.probe_failed').length + 2);
    expect(arrivedWhileOpen).toBeGreaterThan(300);
    expect(Math.max(...[...r.deliveries.values()].map((d) => d.attemptCount))).toBeLessThanOrEqual(3);
    expect(r.parkings).toBeGreaterThan(300);
  });

  it("releases the parked deliveries at the endpoint's rate: measured at the receiver, never above it, and drained as fast as it allows", async () => {
    const r = await run();
    const [closed] = at(r, 'circuit.closed');
    const parkedAtClose = r.parkings; // upper bound; the drain below is measured, not assumed

    for (const w of [1, 1000, 10_000, MIN]) expect(peak(r.hits, w)).toBeLessThanOrEqual(maxInWindow(LIMIT, w));
    const drain = r.released.map((x) => x.sentAt!);
    expect(r.released.length).toBeGreaterThan(300);
    expect(drain.every((t) => t >= closed!)).toBe(true);
    expect(peak(drain, 1000)).toBeGreaterThanOrEqual(LIMIT.perSecond); // it does use the rate it is allowed
    // Drained about as fast as the rate allows (new messages share the bucket meanwhile): no slower than 10 % over.
    const ideal = ((r.released.length - LIMIT.burst) / LIMIT.perSecond) * 1000;
    expect(Math.max(...drain) - closed!).toBeGreaterThanOrEqual(ideal);
    expect(Math.max(...drain) - closed!).toBeLessThanOrEqual(ideal * 1.1 + 1000);
    expect(parkedAtClose).toBeGreaterThan(0);
  });

  it('throttles the burst before the outage without using attempts', async () => {
    const r = await run();

    expect(r.throttled).toBeGreaterThan(0);
    const burstIds = [...r.deliveries.values()].filter((d) => d.attemptCount === 1).length;
    expect(burstIds).toBeGreaterThan(700); // most deliveries took exactly one attempt
  });

  it('without the breaker the same outage costs many times the attempts (the test above measures the circuit)', async () => {
    const r = await simulate({
      endpoint: endpoint({ rateLimit: LIMIT }),
      start: NOW,
      arrivals: arrivals(),
      downFrom: DOWN_FROM,
      downUntil: DOWN_UNTIL,
      breaker: false,
    });
    const withBreaker = await run();
    const during = (x: SimResult) => x.attempts.filter((a) => a.at >= DOWN_FROM && a.at < DOWN_UNTIL).length;

    expect(during(r)).toBeGreaterThan(10 * during(withBreaker));
    expect(Math.max(...[...r.deliveries.values()].map((d) => d.attemptCount))).toBeGreaterThan(3);
  });
});

describe('a crash during half-open', () => {
  it("loses nothing: the crashed probe's lease expires, another probe goes, everything is delivered", async () => {
    const r = await simulate({
      endpoint: endpoint({ rateLimit: LIMIT }),
      start: NOW,
      arrivals: arrivals(),
      downFrom: DOWN_FROM,
      downUntil: DOWN_UNTIL,
      crashProbes: [1, 4, 9],
    });

    expect(at(r, 'probe.crashed')).toHaveLength(3);
    expect([...r.deliveries.values()].filter((d) => d.status !== 'delivered')).toEqual([]);
    expect(r.received.size).toBe(760);
    expect(at(r, 'circuit.closed')).toHaveLength(1);
  });
});

describe('a receiver down longer than the whole retry schedule', () => {
  it('gets every message once it is back: parked deliveries do not run out of attempts', async () => {
    const schedule = DEFAULT_RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0) * 1000;
    const downUntil = NOW + 5 * MIN + schedule + 6 * HOUR;
    const r = await simulate({
      endpoint: endpoint({ rateLimit: LIMIT }),
      start: NOW,
      arrivals: Array.from({ length: 30 }, (_, i) => NOW + i * MIN),
      downFrom: NOW + 5 * MIN,
      downUntil,
    });

    expect([...r.deliveries.values()].filter((d) => d.status !== 'delivered')).toEqual([]);
    expect(r.received.size).toBe(30);
    expect(r.end).toBeGreaterThan(downUntil);
  });
});
