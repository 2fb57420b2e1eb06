/**
 * Claim before send (decision 0027): a worker sends attempt n of a delivery only while it holds a claim
 * on it, taken by one conditional write on the delivery (still waiting, still n - 1 attempts, no live claim). Its
 * result is recorded only while it still holds the claim, and recording releases it. So any number of concurrent
 * wake-ups (duplicate submissions, the sweeper, the release of parked deliveries, retries, recoveries) make one
 * request per attempt, and every request a receiver sees is an attempt in the log.
 *
 * The claim has a lease longer than a worker can run. A worker killed while holding one leaves an attempt whose
 * outcome is unknown (the request may have reached the receiver, or not, and its answer is lost). The next worker
 * to claim the delivery after the lease settles it in the same write: the attempt is logged with the error kind
 * `unknown` at the time it was claimed, counted by the retry schedule as a failure, and since the lease already
 * delayed it, retried at once, with the same `webhook-id` (the message id).
 */
import type { Attempt, Delivery, DeliveryClaim, Endpoint } from '../model';
import type { StaleClaim } from '../ports';
import { nextStep, type Random } from './retry-schedule';

export type ClaimState = 'none' | 'live' | 'expired';

/** Whether a delivery as read at `nowMs` is free, claimed by a running worker, or claimed by one that died. */
export function claimState(d: Pick<Delivery, 'claim'>, nowMs: number): ClaimState {
  if (d.claim === undefined) return 'none';
  return d.claim.until > nowMs ? 'live' : 'expired';
}

/** The attempt a worker that died holding `d.claim` may have made: outcome unknown, at the time it was claimed. */
export function unknownAttempt(d: Delivery & { readonly claim: DeliveryClaim }): Attempt {
  return {
    tenantId: d.tenantId,
    deliveryId: d.deliveryId,
    endpointId: d.endpointId,
    messageId: d.messageId,
    number: d.attemptCount + 1,
    at: d.claim.at,
    error: 'unknown',
    ...(d.claim.probe && { probe: true as const }),
  };
}

/**
 * How the expired claim of `d` is settled at `nowMs`: its attempt logged as unknown and counted by the retry
 * schedule as a failure (exhausting the delivery if it was the last), otherwise due again at once. The unknown
 * attempt of a probe, like any probe, leaves the schedule as it was.
 */
export function settleStale(
  d: Delivery & { readonly claim: DeliveryClaim },
  endpoint: Pick<Endpoint, 'retryDelaysSeconds'>,
  nowMs: number,
  random: Random,
): StaleClaim {
  const attempt = unknownAttempt(d);
  const probes = d.probes ?? 0;
  const base = { attemptCount: attempt.number, updatedAt: nowMs };
  if (attempt.probe)
    return {
      token: d.claim.token,
      attempt,
      update: {
        ...base,
        status: 'failed',
        nextAttemptAt: Math.min(d.nextAttemptAt ?? nowMs, nowMs),
        probes: probes + 1,
      },
    };
  const step = nextStep({
    outcome: { kind: 'error', error: 'unknown' },
    attemptNumber: attempt.number - probes - (d.scheduleBase ?? 0),
    delaysSeconds: endpoint.retryDelaysSeconds,
    nowMs,
    random,
  });
  return {
    token: d.claim.token,
    attempt,
    update:
      step.status === 'exhausted'
        ? { ...base, status: 'exhausted' }
        : { ...base, status: 'failed', nextAttemptAt: nowMs },
  };
}

/** The delivery as it is once `stale` is settled: what the next attempt's number and schedule follow from. */
export function afterStale(d: Delivery, stale: StaleClaim | undefined): Delivery {
  if (stale === undefined) return d;
  const { claim: _settled, ...rest } = d;
  const { status, attemptCount, nextAttemptAt, probes } = stale.update;
  return { ...rest, status, attemptCount, nextAttemptAt, ...(probes !== undefined && { probes }) };
}
