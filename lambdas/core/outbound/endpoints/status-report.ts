/**
 * `endpoints show`'s status: the endpoint's state (enabled or why not, circuit phase, failing clock), success rate
 * and latency over the last hour and day, and its deliveries by status, parked ones apart. It loads the records
 * through the ports, each read bounded (decision 0016), and summarises them with the pure stats.ts.
 */
import type { Clock } from '../../kernel/ports';
import { DEFAULT_OPERATIONS_SETTINGS, type OperationsSettings } from '../admission/settings';
import { phaseOf, type CircuitPhase, type CircuitState, type OpenReason } from '../admission/circuit';
import type { EndpointStateStore } from '../admission/state-store';
import { operationsSettingsFor } from '../admission/settings-in-force';
import { NotFoundError } from '../errors';
import { disableDeadline, type HealthState } from '../admission/health';
import { toView, type EndpointView } from './management';
import type { EndpointDeliveryReader, EndpointRepository } from '../ports';
import { healthSeries, type HealthSeries } from './series';
import { circuitHolds, describeState, endpointStats, type EndpointStats } from './stats';

/** At most this many of the endpoint's newest deliveries are read per status (their attempts give the rates). */
export const STATUS_DELIVERY_LIMIT = 5000;
const DAY_MS = 86_400_000;

export interface EndpointStatus extends EndpointStats {
  /** The line `endpoints show` prints after `state:`. */
  readonly state: string;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly circuit: {
    readonly phase: CircuitPhase;
    readonly reason?: OpenReason;
    readonly openedAt?: number;
    /** When the next probe may go. */
    readonly openUntil?: number;
    /** Set while a probe's lease runs. */
    readonly probeUntil?: number;
  };
  /** `failingSince` and `disableAt` are set while the endpoint is failing. */
  readonly health: { readonly failingSince?: number; readonly disableAt?: number };
  /** The circuit and health settings the worker applies to this endpoint (its own, else the stack's). */
  readonly settings: OperationsSettings;
  /** Success rate and latency over time, for charts (series.ts). */
  readonly series: HealthSeries;
}

export interface StatusDeps {
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly deliveries: Pick<EndpointDeliveryReader, 'endpointDeliveries'>;
  /** The endpoint state store; without one the circuit reads as closed and the endpoint as healthy. */
  readonly store?: EndpointStateStore;
  readonly now: Clock;
  /** The stack's settings. @default DEFAULT_OPERATIONS_SETTINGS */
  readonly settings?: OperationsSettings;
}

export async function endpointStatus(
  tenantId: string,
  endpointId: string,
  deps: StatusDeps,
): Promise<{ endpoint: EndpointView; status: EndpointStatus }> {
  const nowMs = deps.now();
  const key = { tenantId, endpointId };
  const [endpoint, record, deliveries] = await Promise.all([
    deps.endpoints.get(tenantId, endpointId),
    deps.store?.readCircuit(key),
    deps.deliveries.endpointDeliveries(tenantId, endpointId, STATUS_DELIVERY_LIMIT),
  ]);
  const circuit = record?.circuit.value;
  const health = record?.health;
  if (!endpoint) throw new NotFoundError('endpoint');
  const settings = operationsSettingsFor(endpoint, deps.settings ?? DEFAULT_OPERATIONS_SETTINGS);
  const attempts = {
    items: deliveries.items.flatMap((d) => d.attempts).filter((a) => a.at >= nowMs - DAY_MS),
    complete: deliveries.complete,
  };
  const stats = endpointStats({ attempts, deliveries, holds: circuitHolds(endpoint, circuit, nowMs) }, nowMs);
  const status: EndpointStatus = {
    state: describeState(endpoint, circuit, health, nowMs, settings.health),
    enabled: endpoint.enabled,
    ...(endpoint.disabledReason !== undefined && { disabledReason: endpoint.disabledReason }),
    circuit: circuitView(circuit, nowMs),
    health: healthView(health, settings),
    settings,
    ...stats,
    series: healthSeries(attempts, nowMs),
  };
  return { endpoint: toView(endpoint), status };
}

function circuitView(circuit: CircuitState | undefined, nowMs: number): EndpointStatus['circuit'] {
  const phase = phaseOf(circuit, nowMs);
  if (circuit === undefined || circuit.status === 'closed') return { phase };
  const probeUntil =
    circuit.probe !== undefined && circuit.probe.expiresAt > nowMs ? circuit.probe.expiresAt : undefined;
  return {
    phase,
    reason: circuit.reason,
    openedAt: circuit.openedAt,
    openUntil: circuit.openUntil,
    ...(probeUntil !== undefined && { probeUntil }),
  };
}

function healthView(health: HealthState | undefined, settings: OperationsSettings): EndpointStatus['health'] {
  const disableAt = disableDeadline(health, settings.health);
  return disableAt === undefined || health?.failingSince === undefined
    ? {}
    : { failingSince: health.failingSince, disableAt };
}
