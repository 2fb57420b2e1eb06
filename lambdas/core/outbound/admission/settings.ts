/**
 * The settings of an endpoint's admission gate: its circuit breaker and its health rule (when it is disabled).
 * Stored on the endpoint when it has its own (`Endpoint.circuit`, `Endpoint.health`), otherwise the stack's.
 * Schemas, defaults and types only: the endpoint model validates them, the gate applies them.
 */
import * as z from 'zod/mini';

export const circuitSettingsSchema = z
  .strictObject({
    /** Failures in a row that open the circuit. */
    consecutiveFailures: z._default(z.int().check(z.minimum(1), z.maximum(1000)), 5),
    /** Share of failed attempts in the window (0–1] that opens the circuit... */
    failureRate: z._default(z.number().check(z.gt(0), z.lte(1)), 0.5),
    /** ...over this many seconds... */
    windowSeconds: z._default(z.int().check(z.minimum(10), z.maximum(3600)), 60),
    /** ...once at least this many attempts were made in it (a few failures of a quiet endpoint prove nothing). */
    minimumVolume: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 20),
    /** Wait after opening before the first probe. */
    coolDownSeconds: z._default(z.int().check(z.minimum(1), z.maximum(3600)), 30),
    /** Longest wait between probes; each failed probe doubles the wait up to this. */
    maxCoolDownSeconds: z._default(z.int().check(z.minimum(1), z.maximum(86_400)), 600),
    /** How long a probe may take before another worker may probe (longer than the 30 s maximum send timeout). */
    probeLeaseSeconds: z._default(z.int().check(z.minimum(31), z.maximum(900)), 90),
  })
  .check(
    z.refine((s) => s.maxCoolDownSeconds >= s.coolDownSeconds, {
      message: 'maxCoolDownSeconds must be at least coolDownSeconds',
      path: ['maxCoolDownSeconds'],
    }),
  );
export type CircuitSettings = z.output<typeof circuitSettingsSchema>;
/** The defaults above, for endpoints that set nothing. */
export const DEFAULT_CIRCUIT_SETTINGS: CircuitSettings = circuitSettingsSchema.parse({});

export const healthSettingsSchema = z.strictObject({
  /** Days of continuous failure after which the endpoint is disabled. */
  disableAfterDays: z._default(z.number().check(z.gt(0), z.lte(60)), 5),
});
export type HealthSettings = z.output<typeof healthSettingsSchema>;
export const DEFAULT_HEALTH_SETTINGS: HealthSettings = healthSettingsSchema.parse({});

export interface OperationsSettings {
  readonly circuit: CircuitSettings;
  readonly health: HealthSettings;
}
export const DEFAULT_OPERATIONS_SETTINGS: OperationsSettings = {
  circuit: DEFAULT_CIRCUIT_SETTINGS,
  health: DEFAULT_HEALTH_SETTINGS,
};
