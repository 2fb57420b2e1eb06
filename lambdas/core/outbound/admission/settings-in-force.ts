/**
 * Which circuit breaker and health settings apply to an endpoint: its own (`Endpoint.circuit`, `Endpoint.health`,
 * stored whole when set) over the stack's (`DEFAULT_OPERATIONS_SETTINGS`, or the local stack's `operations`
 * option). The worker's gate and settlement, and `endpoints show`, read them here, so they cannot disagree.
 */
import { DEFAULT_OPERATIONS_SETTINGS, type OperationsSettings } from './settings';
import type { Endpoint } from '../model';

/** The settings the worker applies to `endpoint`. */
export function operationsSettingsFor(
  endpoint: Pick<Endpoint, 'circuit' | 'health'>,
  base: OperationsSettings = DEFAULT_OPERATIONS_SETTINGS,
): OperationsSettings {
  return { circuit: endpoint.circuit ?? base.circuit, health: endpoint.health ?? base.health };
}

/**
 * One line for `endpoints show`, e.g. `breaker: opens after 5 failures in a row or ≥ 50 % of ≥ 20 attempts in 60 s;
 * probes after 30 s, doubling to 600 s (defaults); disabled after 5 days failing (defaults)`.
 */
export function describeSettings(
  endpoint: Pick<Endpoint, 'circuit' | 'health'>,
  base: OperationsSettings = DEFAULT_OPERATIONS_SETTINGS,
): string {
  const { circuit: c, health: h } = operationsSettingsFor(endpoint, base);
  const origin = (own: unknown) => (own === undefined ? 'defaults' : 'own settings');
  return (
    `breaker: opens after ${c.consecutiveFailures} failures in a row or ≥ ${Math.round(c.failureRate * 100)} % of ≥ ${c.minimumVolume} attempts in ${c.windowSeconds} s; ` +
    `probes after ${c.coolDownSeconds} s, doubling to ${c.maxCoolDownSeconds} s (${origin(endpoint.circuit)}); ` +
    `disabled after ${h.disableAfterDays} days failing (${origin(endpoint.health)})`
  );
}
