/**
 * The worker's step: `deliverAdmitted` (gate, deliver, settle), then `message.attempt.exhausted` when the
 * delivery ended without success (its schedule used up, or 410 Gone). Published once per exhaustion: only the
 * worker whose conditional write recorded the final attempt gets `exhausted` back (a loser gets `lost_race`,
 * a redelivered wake-up `already_final`), and the notification id is derived from the delivery and its attempt
 * count, so a consumer drops a repeat. A failed publish is logged by `publish()` and never fails or repeats the
 * attempt; a worker that dies between recording the attempt and publishing loses the notification, not the
 * delivery (it is `exhausted` in the table, where `endpoints show` counts it).
 */
import { deliverAdmitted, publish, type AdmittedDeps, type AdmittedResult } from './admitted-deliver';
import type { DeliveryJob } from './deliver';
import type { Attempt } from './model';
import { attemptExhausted, type Notification } from './notifications';

/** The notification for a delivery whose last attempt, `attempt`, exhausted it. */
export function exhaustedNotification(job: DeliveryJob, attempt: Attempt): Notification<'message.attempt.exhausted'> {
  return attemptExhausted({
    tenantId: job.delivery.tenantId,
    endpointId: job.endpoint.endpointId,
    messageId: job.message.id,
    deliveryId: job.delivery.deliveryId,
    messageType: job.message.type,
    attempts: attempt.number,
    reason: attempt.status === 410 ? 'gone' : 'no_attempts_left',
    lastAttempt: { at: attempt.at, ...(attempt.status !== undefined && { status: attempt.status }), ...(attempt.error !== undefined && { error: attempt.error }) },
  });
}

/** One delivery step with admission, notifying operators when it exhausts the delivery. */
export async function deliverNotifying(job: DeliveryJob, deps: AdmittedDeps): Promise<AdmittedResult> {
  const result = await deliverAdmitted(job, deps);
  if (result.outcome === 'exhausted') await publish([exhaustedNotification(job, result.attempt)], deps);
  return result;
}
