/**
 * Endpoint health: when an endpoint is disabled automatically, what happens to messages that arrive while it
 * is disabled, and what re-enabling resets.
 *
 * - An endpoint is failing from its first failed attempt after a success (or ever) until its next success.
 *   Failing continuously for `disableAfterDays` (default 5, like Svix) disables it; so does one 410 Gone.
 *   While its circuit is open only probes are attempted, and each failed probe re-evaluates the rule, so an
 *   endpoint that stays down is disabled within one probe interval (≤ maxCoolDownSeconds) of the deadline.
 * - A message for a disabled endpoint whose filter matches gets a `skipped` delivery (reason
 *   `endpoint_disabled`), so `endpoints recover` can find it later: nothing is dropped silently.
 * - Re-enabling clears the breaker and the failing clock and emits `endpoint.enabled`.
 */
import { DEFAULT_HEALTH_SETTINGS, type HealthSettings } from './settings';
import { CLOSED, type AttemptSample, type CircuitState } from './circuit';

const DAY_MS = 86_400_000;

/** Stored per endpoint with its breaker's counts (state-store.ts), changed by the same atomic update. */
export interface HealthState {
  /** First failure since the last success; undefined while healthy. */
  readonly failingSince?: number;
  readonly lastSuccessAt?: number;
  readonly lastFailureAt?: number;
}

export type DisableReason = 'gone' | 'failing' | 'manual';

/** Human-readable reason stored on the endpoint (`Endpoint.disabledReason`) and shown by `endpoints show`. */
export function describeDisableReason(reason: DisableReason, failingSince?: number): string {
  if (reason === 'gone') return '410 Gone';
  if (reason === 'manual') return 'disabled by an operator';
  return `failing continuously since ${new Date(failingSince ?? 0).toISOString()}`;
}

export type HealthEvent = {
  readonly type: 'endpoint.disabled';
  readonly reason: DisableReason;
  readonly at: number;
  readonly failingSince?: number;
};

/**
 * What one attempt's result means for the endpoint: the next health record and whether to disable it now. The
 * store applies the same rule to a batch of results atomically (`healthAfter`), in the write that counts them for
 * the breaker.
 */
export function recordHealth(
  state: HealthState | undefined,
  outcome: { readonly success: boolean; readonly status?: number },
  nowMs: number,
  settings: HealthSettings = DEFAULT_HEALTH_SETTINGS,
): { readonly next: HealthState; readonly disable?: HealthEvent } {
  const next = healthAfter(state, [{ success: outcome.success, at: nowMs }]);
  const disable = disableFor(next, outcome, nowMs, settings);
  return disable === undefined ? { next } : { next, disable };
}

/** The health record after `samples`, in the order they finished: failing from a failure until the next success. */
export function healthAfter(state: HealthState | undefined, samples: readonly AttemptSample[]): HealthState {
  let next: HealthState = state ?? {};
  for (const s of samples) {
    if (s.success)
      next = { ...(next.lastFailureAt !== undefined && { lastFailureAt: next.lastFailureAt }), lastSuccessAt: s.at };
    else next = { ...next, failingSince: next.failingSince ?? s.at, lastFailureAt: s.at };
  }
  return next;
}

/** Whether an endpoint whose health is `health` is to be disabled after an attempt answered `outcome` at `nowMs`. */
export function disableFor(
  health: HealthState,
  outcome: { readonly success: boolean; readonly status?: number },
  nowMs: number,
  settings: HealthSettings = DEFAULT_HEALTH_SETTINGS,
): HealthEvent | undefined {
  const failingSince = health.failingSince;
  if (outcome.success || failingSince === undefined) return undefined;
  if (outcome.status === 410) return { type: 'endpoint.disabled', reason: 'gone', at: nowMs, failingSince };
  if (nowMs - failingSince >= settings.disableAfterDays * DAY_MS)
    return { type: 'endpoint.disabled', reason: 'failing', at: nowMs, failingSince };
  return undefined;
}

/** When an endpoint failing since `failingSince` will be disabled if it does not recover. */
export function disableDeadline(
  state: HealthState | undefined,
  settings: HealthSettings = DEFAULT_HEALTH_SETTINGS,
): number | undefined {
  return state?.failingSince === undefined ? undefined : state.failingSince + settings.disableAfterDays * DAY_MS;
}

export type EnableTrigger = 'manual' | 'recovery';

export interface Reenabled {
  readonly circuit: CircuitState;
  readonly health: HealthState;
  readonly event: { readonly type: 'endpoint.enabled'; readonly at: number; readonly trigger: EnableTrigger };
}

/**
 * Re-enabling an endpoint: a closed breaker (no stale open state or probe lease), a clean failing clock
 * (the 5 days start again), and the `endpoint.enabled` notification. Messages skipped while it was
 * disabled are not sent by this: `endpoints recover` does that, on purpose, for the window the operator picks.
 */
export function reenable(
  previous: HealthState | undefined,
  nowMs: number,
  trigger: EnableTrigger = 'manual',
): Reenabled {
  return {
    circuit: CLOSED,
    health: { lastSuccessAt: previous?.lastSuccessAt, lastFailureAt: previous?.lastFailureAt },
    event: { type: 'endpoint.enabled', at: nowMs, trigger },
  };
}
