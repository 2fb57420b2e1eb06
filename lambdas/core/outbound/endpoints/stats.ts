/**
 * What `endpoints show` prints: the endpoint's state (enabled, circuit open until …, disabled because …),
 * its success rate and p50/p99 latency over the last hour and the last day from the attempts logged in its newest
 * deliveries, and its deliveries counted by status (parked ones apart); series.ts buckets the same attempts.
 * Pure: the handler loads the records, this summarises.
 */
import { phaseOf, type CircuitState } from '../admission/circuit';
import { disableDeadline, type HealthState } from '../admission/health';
import { type HealthSettings } from '../admission/settings';
import type { Attempt, Delivery, Endpoint } from '../model';
import { isSuccess } from '../model';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface WindowStats {
  readonly attempts: number;
  readonly successes: number;
  /** successes / attempts; undefined without attempts (not 0 %: nothing was tried). */
  readonly successRate?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Set when only the newest attempts of the window were read: `attempts` is a lower bound (decision 0016). */
  readonly sampled?: true;
}

/** The nearest-rank percentile (p in (0, 100]) of ascending `sorted`; undefined when empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError('p must be in (0, 100]');
  if (sorted.length === 0) return undefined;
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

type AttemptView = Pick<Attempt, 'at' | 'latencyMs' | 'status'>;

/**
 * Stats of the attempts made in `[sinceMs, untilMs)`. A failure with no response counts, with its latency; an
 * attempt of unknown outcome (its worker died) counts as an attempt that did not succeed, without a latency.
 */
export function windowStats(attempts: readonly AttemptView[], sinceMs: number, untilMs: number): WindowStats {
  const inWindow = attempts.filter((a) => a.at >= sinceMs && a.at < untilMs);
  const successes = inWindow.filter((a) => a.status !== undefined && isSuccess(a.status)).length;
  const latencies = inWindow.flatMap((a) => (a.latencyMs === undefined ? [] : [a.latencyMs])).sort((a, b) => a - b);
  if (inWindow.length === 0) return { attempts: 0, successes: 0 };
  return {
    attempts: inWindow.length,
    successes,
    successRate: successes / inWindow.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** A delivery as counted. */
export type DeliveryView = Pick<Delivery, 'status' | 'createdAt'> & { readonly nextAttemptAt?: number };

export interface DeliveryCounts {
  readonly pending: number;
  readonly parked: number;
  readonly failed: number;
  readonly exhausted: number;
  readonly skipped: number;
  readonly delivered: number;
  /** Set when only the endpoint's newest deliveries were read: the counts are of those (decision 0016). */
  readonly sampled?: true;
}

/** Whether the endpoint's circuit holds its due deliveries now: enabled, and the circuit open or half-open. */
export function circuitHolds(
  endpoint: Pick<Endpoint, 'enabled'>,
  circuit: CircuitState | undefined,
  nowMs: number,
): boolean {
  return endpoint.enabled && phaseOf(circuit, nowMs) !== 'closed';
}

/**
 * Parked is not stored: a delivery is parked when it waits (`pending` or `failed`), is due (its `nextAttemptAt`,
 * else its creation, has passed) and its endpoint's circuit holds (`circuitHolds`). Those are the deliveries the
 * gate answers `parked` and a closing releases; a delivery whose retry is still ahead keeps its status.
 */
export function isParked(d: DeliveryView, nowMs: number, holds: boolean): boolean {
  return holds && (d.status === 'pending' || d.status === 'failed') && (d.nextAttemptAt ?? d.createdAt) <= nowMs;
}

export function countDeliveries(deliveries: readonly DeliveryView[], nowMs: number, holds = false): DeliveryCounts {
  const counts = { pending: 0, parked: 0, failed: 0, exhausted: 0, skipped: 0, delivered: 0 };
  for (const d of deliveries) {
    if (isParked(d, nowMs, holds)) counts.parked++;
    else counts[d.status]++;
  }
  return counts;
}

export interface EndpointStats {
  readonly lastHour: WindowStats;
  readonly lastDay: WindowStats;
  readonly deliveries: DeliveryCounts;
}

export interface StatsInput {
  /**
   * The attempts logged in the endpoint's newest deliveries; `complete` false when only the newest deliveries were
   * read (decision 0016), so older deliveries' attempts in the windows are missing.
   */
  readonly attempts: { readonly items: readonly AttemptView[]; readonly complete: boolean };
  readonly deliveries: { readonly items: readonly DeliveryView[]; readonly complete: boolean };
  /** `circuitHolds(endpoint, circuit, now)`: decides which waiting deliveries are parked. */
  readonly holds: boolean;
}

export function endpointStats(input: StatsInput, nowMs: number): EndpointStats {
  const { attempts, deliveries } = input;
  const window = (sinceMs: number): WindowStats => {
    const w = windowStats(attempts.items, sinceMs, nowMs + 1);
    return attempts.complete ? w : { ...w, sampled: true };
  };
  const counts = countDeliveries(deliveries.items, nowMs, input.holds);
  return {
    lastHour: window(nowMs - HOUR_MS),
    lastDay: window(nowMs - DAY_MS),
    deliveries: deliveries.complete ? counts : { ...counts, sampled: true },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One line: `enabled`, `enabled; circuit open until …`, `enabled; circuit half-open …`, or `disabled because …`. */
export function describeState(
  endpoint: Pick<Endpoint, 'enabled' | 'disabledReason'>,
  circuit: CircuitState | undefined,
  health: HealthState | undefined,
  nowMs: number,
  healthSettings?: HealthSettings,
): string {
  if (!endpoint.enabled) return `disabled because ${endpoint.disabledReason ?? 'an operator disabled it'}`;
  const phase = phaseOf(circuit, nowMs);
  const deadline = disableDeadline(health, healthSettings);
  const failing =
    deadline === undefined
      ? ''
      : `; failing since ${iso(health!.failingSince!)}, disabled at ${iso(deadline)} unless it recovers`;
  if (circuit?.status === 'open' && phase === 'open')
    return `enabled; circuit open until ${iso(circuit.openUntil)} (opened ${iso(circuit.openedAt)}, ${circuit.reason.replace('_', ' ')})${failing}`;
  if (circuit?.status === 'open') {
    const probe =
      circuit.probe !== undefined && circuit.probe.expiresAt > nowMs
        ? `probe running until ${iso(circuit.probe.expiresAt)}`
        : 'waiting for a probe';
    return `enabled; circuit half-open, ${probe} (opened ${iso(circuit.openedAt)})${failing}`;
  }
  return `enabled${failing}`;
}

const pct = (r: number | undefined) => (r === undefined ? '-' : `${(r * 100).toFixed(1)} %`);
const ms = (v: number | undefined) => (v === undefined ? '-' : `${v} ms`);

/** The lines `endpoints show` prints after the endpoint's configuration. */
export function formatStatus(
  state: string,
  stats: Pick<EndpointStats, 'lastHour' | 'lastDay' | 'deliveries'>,
): string[] {
  const count = (w: WindowStats) => `${w.attempts}${w.sampled ? '+' : ''}`;
  const row = (label: string, w: WindowStats) =>
    `${label.padEnd(10)}${count(w).padStart(8)}  ${pct(w.successRate).padStart(8)}  ${ms(w.p50Ms).padStart(9)}  ${ms(w.p99Ms).padStart(9)}`;
  const c = stats.deliveries;
  const read = c.pending + c.parked + c.failed + c.exhausted + c.skipped + c.delivered;
  return [
    `state: ${state}`,
    `${''.padEnd(10)}${'attempts'.padStart(8)}  ${'success'.padStart(8)}  ${'p50'.padStart(9)}  ${'p99'.padStart(9)}`,
    row('last hour', stats.lastHour),
    row('last day', stats.lastDay),
    `deliveries: ${c.pending} pending, ${c.parked} parked, ${c.failed} failed, ${c.exhausted} exhausted (${c.skipped} skipped, ${c.delivered} delivered)`,
    ...(stats.lastHour.sampled || stats.lastDay.sampled
      ? ['attempts marked + are those of the newest deliveries read, not all: success and latency are of those']
      : []),
    ...(c.sampled ? [`deliveries counted: the newest ${read} only; older ones were not read`] : []),
  ];
}
