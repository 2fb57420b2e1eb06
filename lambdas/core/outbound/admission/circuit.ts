/**
 * The circuit breaker of one endpoint, as pure rules. Stored per endpoint (state-store.ts): the attempts it counts
 * (consecutive failures, the failure window) are added with atomic updates, so no concurrent worker's result is
 * lost; only its transitions (closed → open, the probe lease, probe → closed or open) are compare-and-set
 * (decision 0027).
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

/** What the breaker has counted: failures in a row, and attempts and failures per slice of the window. */
export interface CircuitCounts {
  readonly consecutiveFailures: number;
  readonly window: readonly WindowBucket[];
}
export const NO_COUNTS: CircuitCounts = Object.freeze({ consecutiveFailures: 0, window: Object.freeze([]) });

/** One attempt's result as the breaker and the health rule count it. */
export interface AttemptSample {
  readonly success: boolean;
  /** When it finished. */
  readonly at: number;
}

/** The breaker's state: closed, or open (maybe with a probe under way). What it counts is apart (`CircuitCounts`). */
export type CircuitState =
  | { readonly status: 'closed' }
  | {
      readonly status: 'open';
      readonly reason: OpenReason;
      readonly openedAt: number;
      /** When the next probe may go. */
      readonly openUntil: number;
      readonly coolDownMs: number;
      readonly probe?: ProbeLease;
    };

export const CLOSED: CircuitState = Object.freeze({ status: 'closed' });

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

/** The slice of the window `windowMs` long that an attempt finished at `at` counts in. */
export function sliceOf(at: number, windowMs: number): { readonly start: number; readonly sliceMs: number } {
  const sliceMs = Math.ceil(windowMs / WINDOW_BUCKETS);
  return { start: Math.floor(at / sliceMs) * sliceMs, sliceMs };
}

/**
 * The counts after `samples`, in the order they finished: a success ends the run of failures, each sample is added
 * to its slice, and slices that left the window are dropped. What the store's atomic update computes.
 */
export function addSamples(counts: CircuitCounts, samples: readonly AttemptSample[], windowMs: number): CircuitCounts {
  let { consecutiveFailures, window } = counts;
  for (const sample of samples) {
    consecutiveFailures = sample.success ? 0 : consecutiveFailures + 1;
    window = addToWindow(window, sample.success, sample.at, windowMs);
  }
  return { consecutiveFailures, window };
}

/**
 * Why `counts` open a closed circuit at `nowMs`, if they do: `consecutiveFailures` failures in a row, or a failure
 * rate of at least `failureRate` over the window once it holds `minimumVolume` attempts (only when `failed`: the
 * attempts just counted include a failure, so a success never opens it).
 */
export function openReason(
  counts: CircuitCounts,
  nowMs: number,
  settings: CircuitSettings,
  failed: boolean,
): OpenReason | undefined {
  if (counts.consecutiveFailures >= settings.consecutiveFailures) return 'consecutive_failures';
  const { total, failures } = windowTotals(counts, nowMs, settings.windowSeconds * 1000);
  return failed && total >= settings.minimumVolume && failures / total >= settings.failureRate
    ? 'failure_rate'
    : undefined;
}

/** Attempts and failures in the window ending at `nowMs`. */
export function windowTotals(counts: CircuitCounts, nowMs: number, windowMs: number) {
  const inWindow = counts.window.filter((b) => b.start > nowMs - windowMs);
  return {
    total: inWindow.reduce((n, b) => n + b.total, 0),
    failures: inWindow.reduce((n, b) => n + b.failures, 0),
  };
}

/** The circuit opened at `nowMs` for `reason`, and the event that says so. */
export function opened(
  reason: OpenReason,
  counts: CircuitCounts,
  nowMs: number,
  settings: CircuitSettings,
): { readonly next: CircuitState; readonly event: CircuitEvent } {
  const coolDownMs = settings.coolDownSeconds * 1000;
  const openUntil = nowMs + coolDownMs;
  const { total, failures } = windowTotals(counts, nowMs, settings.windowSeconds * 1000);
  return {
    next: { status: 'open', reason, openedAt: nowMs, openUntil, coolDownMs },
    event: {
      type: 'circuit.opened',
      reason,
      at: nowMs,
      openUntil,
      consecutiveFailures: counts.consecutiveFailures,
      failureRate: total === 0 ? 0 : failures / total,
      attemptsInWindow: total,
    },
  };
}

/**
 * An open circuit after its probe's result: only the current probe (its lease id) decides. A late answer from an
 * attempt sent before the circuit opened, or from a probe whose lease expired and passed to another worker, says
 * nothing about what to do now. `next` is undefined when nothing changes.
 */
export function afterProbe(
  state: CircuitState | undefined,
  result: AttemptResult,
  nowMs: number,
  settings: CircuitSettings,
): { readonly next?: CircuitState; readonly events: readonly CircuitEvent[] } {
  if (state?.status !== 'open') return { events: [] };
  return probeResult(state, result, nowMs, settings);
}

function probeResult(
  state: Extract<CircuitState, { status: 'open' }>,
  result: AttemptResult,
  nowMs: number,
  settings: CircuitSettings,
): { readonly next?: CircuitState; readonly events: readonly CircuitEvent[] } {
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
