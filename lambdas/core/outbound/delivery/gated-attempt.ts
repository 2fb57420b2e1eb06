/**
 * `deliver()` behind the endpoint's admission gate (admission/gate.ts): a delivery that is due and whose endpoint is
 * enabled first asks the gate. An open circuit parks it and a rate limit throttles it, both without an attempt
 * (the worker wakes it later); only `send` and `probe` reach `deliver()`, and their result is settled into the
 * breaker and health records. What settlement decides is acted on here: the endpoint disabled when health says
 * so, the operator notifications published (a failed publish is logged, never fails the delivery), and, when
 * the circuit closes, the deliveries it parked released at the endpoint's rate (`planRelease`).
 */
import type { Topic } from '../../kernel/ports';
import { abandonProbe, gate, planRelease, settle, type GateDeps } from '../admission/gate';
import { claimState } from './claim';
import { type OperationsSettings } from '../admission/settings';
import { deliver, EARLY_TOLERANCE_MS, type DeliverDeps, type DeliverResult, type DeliveryJob } from './attempt';
import { operationsSettingsFor } from '../admission/settings-in-force';
import { describeDisableReason } from '../admission/health';
import { StateContentionError } from '../admission/state-store';
import { FINAL_STATUSES, type Endpoint } from '../model';
import type { DeliveryReader, DeliveryStore, EndpointDeliveryReader, WakeUpQueue } from '../ports';
import { queueDelaySeconds } from './wake-up';
import { notificationsForSettlement, toTopicMessage, type Notification } from '../admission/notifications';

export interface AdmissionDeps extends Omit<GateDeps, 'now'> {
  /** The operations topic (SNS deployed, a log line locally). */
  readonly notifications: Topic;
  /** The stack's circuit and health settings; an endpoint's own override them. @default DEFAULT_OPERATIONS_SETTINGS */
  readonly settings?: OperationsSettings;
  /** Waits for a reserved token (`rateWaitMs`), until the clock reaches its time. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The wiring's `rateWaitMs`: a delivery whose endpoint's next token is at most this far off waits for it in the
 * worker (no claim held meanwhile) instead of going back to the queue, whose delays count in whole seconds. A
 * batch to one endpoint is thus sent at the endpoint's pace in one invocation (decision 0027).
 */
export const RATE_WAIT_MS = 1000;

export interface AdmittedDeps extends DeliverDeps {
  readonly deliveries: DeliveryStore & DeliveryReader & Pick<EndpointDeliveryReader, 'waitingDeliveries'>;
  readonly wakeUps: WakeUpQueue;
  readonly admission: AdmissionDeps;
}

/**
 * One closing releases at most this many parked deliveries, found among the endpoint's newest
 * RELEASE_SCAN_LIMIT deliveries (decision 0016); the others wake at their own parked wake-up (the next probe
 * time, at most the maximum cool-down later) or the sweeper's, unpaced but still under the rate limit.
 */
export const RELEASE_LIMIT = 1000;
export const RELEASE_SCAN_LIMIT = 10_000;

export type AdmittedResult =
  | DeliverResult
  /** The circuit is open: no attempt; wake it at `until`. */
  | { readonly deliveryId: string; readonly outcome: 'parked'; readonly until: number }
  /** Over the endpoint's rate: no attempt; wake it after `retryAfterMs`. */
  | { readonly deliveryId: string; readonly outcome: 'throttled'; readonly retryAfterMs: number };

/** One delivery step with admission: gate, deliver, settle. */
export async function deliverAdmitted(job: DeliveryJob, deps: AdmittedDeps): Promise<AdmittedResult> {
  const { delivery, endpoint } = job;
  const nowMs = deps.now();
  const waiting = delivery.nextAttemptAt !== undefined && delivery.nextAttemptAt > nowMs + EARLY_TOLERANCE_MS;
  // Final, not yet due, held by another worker, or disabled: deliver() answers without sending, and no token or
  // lease must be taken.
  if (FINAL_STATUSES.has(delivery.status) || waiting || claimState(delivery, nowMs) === 'live' || !endpoint.enabled)
    return deliver(job, deps);

  const settings = operationsSettingsFor(endpoint, deps.admission.settings);
  const decision = await gate(
    endpoint,
    {
      store: deps.admission.store,
      newLeaseId: deps.admission.newLeaseId,
      now: deps.now,
      ...(deps.admission.rateWaitMs !== undefined && { rateWaitMs: deps.admission.rateWaitMs }),
    },
    settings,
  );
  const ids = {
    tenantId: delivery.tenantId,
    endpointId: endpoint.endpointId,
    deliveryId: delivery.deliveryId,
    messageId: delivery.messageId,
  };
  if (decision.kind === 'skip') return deliver(job, deps);
  if (decision.kind === 'parked') {
    deps.log.info('delivery parked: the endpoint circuit is open', { ...ids, until: decision.until });
    return { deliveryId: delivery.deliveryId, outcome: 'parked', until: decision.until };
  }
  if (decision.kind === 'throttled') {
    deps.log.info('delivery throttled by the endpoint rate limit', { ...ids, retryAfterMs: decision.retryAfterMs });
    return { deliveryId: delivery.deliveryId, outcome: 'throttled', retryAfterMs: decision.retryAfterMs };
  }

  const leaseId = decision.kind === 'probe' ? decision.leaseId : undefined;
  // A reserved token: send when it is there (no claim is held while waiting; deliver() claims after).
  if (decision.notBefore !== undefined)
    for (let now = deps.now(); now < decision.notBefore; now = deps.now())
      await (deps.admission.sleep ?? sleep)(decision.notBefore - now);
  if (leaseId) deps.log.info('delivery sent as the circuit probe', ids);
  const result = await deliver(job, deps, { probe: leaseId !== undefined });
  // Nothing sent (another worker claimed it first, or settling a dead worker's claim used its last attempt): the
  // receiver said nothing, so the breaker has nothing to count, and a probe lease taken for it is given back.
  if (!('attempt' in result) || result.attempt.error === 'unknown') {
    if (leaseId) await abandonProbe(endpoint, leaseId, deps.admission.store);
    return result;
  }

  const settledAt = deps.now();
  let settlement: Awaited<ReturnType<typeof settle>>;
  try {
    settlement = await settle(
      endpoint,
      { status: result.attempt.status, ...(leaseId && { leaseId }) },
      settledAt,
      deps.admission.store,
      settings,
    );
  } catch (error) {
    if (!(error instanceof StateContentionError)) throw error;
    // The attempt is recorded and counted; only the transition it called for was not written (the next failure
    // calls for it again; a probe's lease expires and another probe goes). Failing the step would change nothing
    // for the breaker (a redelivered wake-up finds the attempt recorded) but would drop what follows it, such as
    // the exhausted notification.
    deps.log.warn('circuit transition not written: its state changed too often meanwhile', { ...ids });
    return result;
  }
  if (settlement.disable) {
    const reason = describeDisableReason(settlement.disable.reason, settlement.disable.failingSince);
    await deps.endpoints.disable(delivery.tenantId, endpoint.endpointId, reason, settledAt);
    deps.log.warn('endpoint disabled by its health record', {
      tenantId: delivery.tenantId,
      endpointId: endpoint.endpointId,
      reason: settlement.disable.reason,
    });
  }
  for (const e of settlement.circuit)
    deps.log.info(`endpoint ${e.type}`, { tenantId: delivery.tenantId, endpointId: endpoint.endpointId });
  await publish(
    notificationsForSettlement({ tenantId: delivery.tenantId, endpointId: endpoint.endpointId }, settlement),
    deps,
  );
  if (settlement.circuit.some((e) => e.type === 'circuit.closed'))
    await releaseParked(endpoint, delivery.deliveryId, settledAt, deps);
  return result;
}

/**
 * Wakes the deliveries the circuit parked: those of the endpoint still waiting and already due (a delivery in
 * its retry back-off keeps its schedule), oldest first, paced at the endpoint's rate. Each is gated again when
 * it wakes, so the pacing is a plan and the rate limit still the bound. A wake-up further than a queue delay
 * is left to the delivery's own parked wake-up or the sweeper.
 */
async function releaseParked(endpoint: Endpoint, probeId: string, nowMs: number, deps: AdmittedDeps): Promise<void> {
  const { tenantId, endpointId } = endpoint;
  let count = 0;
  try {
    const waiting = await deps.deliveries.waitingDeliveries(tenantId, endpointId, {
      dueBy: nowMs + EARLY_TOLERANCE_MS,
      limit: RELEASE_LIMIT + 1,
      scanLimit: RELEASE_SCAN_LIMIT,
    });
    const found = waiting.items.filter((d) => d.deliveryId !== probeId);
    if (!waiting.complete || found.length > RELEASE_LIMIT)
      deps.log.info('more parked deliveries than one release reads; the rest wake at their own time', {
        tenantId,
        endpointId,
        limit: RELEASE_LIMIT,
      });
    const parked = found
      .slice(0, RELEASE_LIMIT)
      .map((d) => ({ deliveryId: d.deliveryId, parkedAt: d.nextAttemptAt ?? d.createdAt }));
    const wakeUps = planRelease(parked, nowMs, endpoint).flatMap((p) => {
      const delaySeconds = queueDelaySeconds(p.wakeAt, nowMs);
      return delaySeconds === undefined ? [] : [{ tenantId, deliveryId: p.deliveryId, delaySeconds }];
    });
    count = wakeUps.length;
    if (count === 0) return;
    await deps.wakeUps.send(wakeUps);
    deps.log.info('parked deliveries released: the endpoint circuit closed', { tenantId, endpointId, count });
  } catch (error) {
    // The attempt is recorded: do not fail it. The parked deliveries still wake at their own parked time.
    deps.log.warn('parked deliveries not released; they wake at their parked time', {
      tenantId,
      endpointId,
      count,
      cause: error instanceof Error ? error.name : 'unknown',
    });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Publishes operator notifications; a failure is logged (by id and type only), never thrown, and does not fail
 * the delivery. True when every notification was published. */
export async function publish(
  notifications: readonly Notification[],
  deps: Pick<AdmittedDeps, 'admission' | 'log'>,
): Promise<boolean> {
  if (notifications.length === 0) return true;
  const entries = notifications.map((n) => {
    const m = toTopicMessage(n);
    return { id: m.deduplicationId, message: m.message, attributes: m.attributes };
  });
  try {
    const failed = await deps.admission.notifications.publishBatch(entries);
    if (failed.size > 0) deps.log.warn('operator notifications not published', { ids: [...failed] });
    return failed.size === 0;
  } catch (error) {
    deps.log.warn('operator notifications not published', {
      ids: entries.map((e) => e.id),
      cause: error instanceof Error ? error.name : 'unknown',
    });
    return false;
  }
}
