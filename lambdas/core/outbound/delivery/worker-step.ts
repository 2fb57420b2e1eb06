/**
 * The worker's step: `deliverAdmitted` (gate, deliver, settle), then `message.attempt.exhausted` when the
 * delivery ended without success (its schedule used up, or 410 Gone).
 *
 * At least once, with a stable id: the delivery records when its notification was published
 * (`exhaustedNotifiedAt`). Until then, a wake-up that finds it `exhausted` (SQS delivering the wake-up again
 * after a worker died between recording the last attempt and publishing, or after the topic refused the
 * publish) publishes it from the last attempt in the log. A publish that fails fails the step, so SQS delivers
 * the wake-up again: the attempt is never repeated (the delivery is final), only the publish; a topic that keeps
 * failing sends the wake-up to the delivery queue's dead-letter queue, which alarms. The notification id is
 * derived from the delivery and its attempt count, so a consumer drops a repeat.
 */
import { deliverAdmitted, publish, type AdmittedDeps, type AdmittedResult } from './gated-attempt';
import type { DeliveryJob } from './attempt';
import type { Attempt } from '../model';
import { attemptExhausted, type Notification } from '../admission/notifications';

/** The topic refused `message.attempt.exhausted`: the step fails so the wake-up comes back and publishes again. */
export class ExhaustedNotificationError extends Error {
  override readonly name = 'ExhaustedNotificationError';
}

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
    lastAttempt: {
      at: attempt.at,
      ...(attempt.status !== undefined && { status: attempt.status }),
      ...(attempt.error !== undefined && { error: attempt.error }),
    },
  });
}

/** One delivery step with admission, notifying operators when it exhausts the delivery (at least once). */
export async function deliverNotifying(job: DeliveryJob, deps: AdmittedDeps): Promise<AdmittedResult> {
  const result = await deliverAdmitted(job, deps);
  if (result.outcome === 'exhausted') {
    await notify(job, result.attempt, deps);
  } else if (
    result.outcome === 'already_final' &&
    job.delivery.status === 'exhausted' &&
    job.delivery.exhaustedNotifiedAt === undefined
  ) {
    const last = (await deps.deliveries.attempts(job.delivery.tenantId, job.delivery.deliveryId)).at(-1);
    if (last) await notify(job, last, deps);
  }
  return result;
}

async function notify(job: DeliveryJob, attempt: Attempt, deps: AdmittedDeps): Promise<void> {
  if (!(await publish([exhaustedNotification(job, attempt)], deps)))
    throw new ExhaustedNotificationError('message.attempt.exhausted not published');
  await deps.deliveries.markExhaustedNotified(job.delivery.tenantId, job.delivery.deliveryId, deps.now());
}
