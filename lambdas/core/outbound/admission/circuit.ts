/**
 * The circuit breaker of one endpoint, as pure transitions. Stored per endpoint (state-store.ts) and
 * changed by compare-and-set, so every concurrent worker sees the same breaker.
 *
 * - closed: deliveries are sent. It opens after `consecutiveFailures` failures in a row, or when at least
 *   `minimumVolume` attempts in the last `windowSeconds` failed at a rate ≥ `failureRate`.
 * - open: deliveries are parked: not sent, no attempt used, their retry schedule frozen.
 * - half-open (open, cool-down over): exactly one probe may go, under a lease of `probeLeaseSeconds`; a probe
 *   that crashed lets its lease expire and another worker may probe. Everything else stays parked.
 * - probe success → closed (`circuit.closed`: release the parked deliveries at the endpoint's rate);
 *   probe failure → open again with the cool-down doubled, capped at `maxCoolDownSeconds`.
 *
 * Failure is anything but a 2xx (the retry policy's definition). Results of attempts that were already in
 * flight when the circuit opened do not change an open circuit: only the probe decides.
 */
import type { CircuitSettings } from './settings';

/** Attempts and failures counted in one slice of the window. */
export interface WindowBucket {
  readonly start: number;
  readonly total: number;
  readonly failures: number;
}
/** The window is kept as this many slices: old attempts leave it a slice at a time. */
export const WINDOW_BUCKETS = 6;

export type OpenReason = 'consecutive_failures' | 'failure_rate';

export interface ProbeLease {
  readonly leaseId: string;
  readonly expiresAt: number;
}

export type CircuitState =
  | { readonly status: 'closed'; readonly consecutiveFailures: number; readonly window: readonly WindowBucket[] }
  | {
      readonly status: 'open';
      readonly reason: OpenReason;
      readonly openedAt: number;
      /** When the next probe may go. */
      readonly openUntil: number;
      readonly coolDownMs: number;
      readonly probe?: ProbeLease;
    };

export const CLOSED: CircuitState = Object.freeze({
  status: 'closed',
  consecutiveFailures: 0,
  window: Object.freeze([]),
});

export type CircuitPhase = 'closed' | 'open' | 'half-open';

/** The phase at `nowMs`: an open circuit whose cool-down is over is half-open. */
export function phaseOf(state: CircuitState | undefined, nowMs: number): CircuitPhase {
  if (state === undefined || state.status === 'closed') return 'closed';
  return nowMs < state.openUntil ? 'open' : 'half-open';
}

export type Admission =
  | { readonly decision: 'send' }
  /** Do not send; wake again at `until` (the end of the cool-down, or of the running probe's lease). */
  | { readonly decision: 'park'; readonly until: number }
  /** Send as the probe; report the result with this lease id. */
  | { readonly decision: 'probe'; readonly leaseId: string };

/**
 * May a delivery be sent now? `leaseId` is a fresh unique id the caller would hold if it becomes the probe.
 * Returns the next state to write when it changes (a probe lease taken).
 */
export function admit(
  state: CircuitState | undefined,
  nowMs: number,
  settings: CircuitSettings,
  leaseId: string,
): { readonly admission: Admission; readonly next?: CircuitState } {
  if (state === undefined || state.status === 'closed') return { admission: { decision: 'send' } };
  if (nowMs < state.openUntil) return { admission: { decision: 'park', until: state.openUntil } };
  if (state.probe !== undefined && state.probe.expiresAt > nowMs)
    return { admission: { decision: 'park', until: state.probe.expiresAt } };
  const probe = { leaseId, expiresAt: nowMs + settings.probeLeaseSeconds * 1000 };
  return { admission: { decision: 'probe', leaseId }, next: { ...state, probe } };
}

export type CircuitEvent =
  | {
      readonly type: 'circuit.opened';
      readonly reason: OpenReason;
      readonly at: number;
      readonly openUntil: number;
      readonly consecutiveFailures: number;
      /** Failures / attempts in the window when it opened. */
      readonly failureRate: number;
      readonly attemptsInWindow: number;
    }
  /** The probe failed: still open, next probe later. Logged, not notified. */
  | { readonly type: 'circuit.probe_failed'; readonly at: number; readonly openUntil: number }
  /** The probe succeeded: release the parked deliveries. */
  | { readonly type: 'circuit.closed'; readonly at: number; readonly openedAt: number };

export interface AttemptResult {
  readonly success: boolean;
  /** Set when the attempt was sent as the probe. */
  readonly leaseId?: string;
}

/** The state after one attempt's result, and what to notify. `next` is undefined when nothing changes. */
export function recordResult(
  state: CircuitState | undefined,
  result: AttemptResult,
  nowMs: number,
  settings: CircuitSettings,
): { readonly next?: CircuitState; readonly events: readonly CircuitEvent[] } {
  const current = state ?? CLOSED;
  if (current.status === 'open') return afterProbe(current, result, nowMs, settings);

  const window = addToWindow(current.window, result.success, nowMs, settings.windowSeconds * 1000);
  const consecutiveFailures = result.success ? 0 : current.consecutiveFailures + 1;
  const total = window.reduce((n, b) => n + b.total, 0);
  const failures = window.reduce((n, b) => n + b.failures, 0);
  const failureRate = total === 0 ? 0 : failures / total;
  const reason: OpenReason | undefined =
    consecutiveFailures >= settings.consecutiveFailures
      ? 'consecutive_failures'
      : !result.success && total >= settings.minimumVolume && failureRate >= settings.failureRate
        ? 'failure_rate'
        : undefined;
  if (reason === undefined) return { next: { status: 'closed', consecutiveFailures, window }, events: [] };

  const coolDownMs = settings.coolDownSeconds * 1000;
  const openUntil = nowMs + coolDownMs;
  return {
    next: { status: 'open', reason, openedAt: nowMs, openUntil, coolDownMs },
    events: [
      {
        type: 'circuit.opened',
        reason,
        at: nowMs,
        openUntil,
        consecutiveFailures,
        failureRate,
        attemptsInWindow: total,
      },
    ],
  };
}

function afterProbe(
  state: Extract<CircuitState, { status: 'open' }>,
  result: AttemptResult,
  nowMs: number,
  settings: CircuitSettings,
): { readonly next?: CircuitState; readonly events: readonly CircuitEvent[] } {
  // Only the current probe decides. A late answer from an attempt sent before the circuit opened, or from a
  // probe whose lease expired and passed to another worker, says nothing about what to do now.
  if (result.leaseId === undefined || state.probe?.leaseId !== result.leaseId) return { events: [] };
  if (result.success)
    return { next: CLOSED, events: [{ type: 'circuit.closed', at: nowMs, openedAt: state.openedAt }] };
  const coolDownMs = Math.min(state.coolDownMs * 2, settings.maxCoolDownSeconds * 1000);
  const openUntil = nowMs + coolDownMs;
  return {
    next: { status: 'open', reason: state.reason, openedAt: state.openedAt, openUntil, coolDownMs },
    events: [{ type: 'circuit.probe_failed', at: nowMs, openUntil }],
  };
}

/** Adds one result to the window, dropping slices that have left it. */
export function addToWindow(
  window: readonly WindowBucket[],
  success: boolean,
  nowMs: number,
  windowMs: number,
): WindowBucket[] {
  const sliceMs = Math.ceil(windowMs / WINDOW_BUCKETS);
  const start = Math.floor(nowMs / sliceMs) * sliceMs;
  const kept = window.filter((b) => b.start > nowMs - windowMs && b.start !== start);
  const same = window.find((b) => b.start === start);
  const bucket = { start, total: (same?.total ?? 0) + 1, failures: (same?.failures ?? 0) + (success ? 0 : 1) };
  return [...kept, bucket].sort((a, b) => a.start - b.start);
}
