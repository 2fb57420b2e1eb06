/**
 * What every intake path does (HTTP API, intake queue, `webhook` relay): check the payload against its type's
 * schema when the catalog has one, accept the message once, fan it out, then wake a worker for each delivery never
 * attempted (`pending`, no attempt, no live claim; a `skipped` one, for a disabled endpoint, is never attempted). A
 * duplicate does the same, so a producer's retry, or SQS redelivering the intake record, repairs a crash anywhere
 * between the put and the wake-ups (decision 0027).
 *
 * A wake-up the queue refuses is not left to chance: those deliveries are put in the sweep about a minute ahead
 * (`SWEEP_FALLBACK_MS`, the failure path only: the happy path writes no `due` index entry). If even that fails,
 * the submission fails (5xx, or the record is retried), so the producer's retry wakes them. Either way a delivery
 * is late by at most about a minute after any single failure.
 */
import type { Log } from '../../kernel/log';
import { claimState } from '../delivery/claim';
import { queueDelaySeconds } from '../delivery/wake-up';
import { checkPayload, type EventTypeCatalog } from '../event-types';
import type { Delivery } from '../model';
import type { DeliveryStore, WakeUpQueue } from '../ports';
import { acceptMessage, type IntakeDeps, type IntakeOutcome, type MessageInput } from './accept';

/** How far ahead a delivery whose first wake-up was refused is put in the sweep (the sweeper runs every minute). */
export const SWEEP_FALLBACK_MS = 60_000;

export interface SubmitDeps extends Omit<IntakeDeps, 'nowMs' | 'deliveries'> {
  readonly deliveries: IntakeDeps['deliveries'] & Pick<DeliveryStore, 'sweepAt'>;
  readonly wakeUps: WakeUpQueue;
  readonly now: () => number;
  readonly log: Log;
  /** Payloads of catalogued types are checked against their schema first (event-types.ts). @default none */
  readonly eventTypes?: EventTypeCatalog;
}

/** The deliveries to wake after an accept: never attempted and not being sent by a live claim. */
export function toWake(deliveries: readonly Delivery[], nowMs: number): Delivery[] {
  return deliveries.filter((d) => d.status === 'pending' && d.attemptCount === 0 && claimState(d, nowMs) !== 'live');
}

export async function submitMessage(input: MessageInput, deps: SubmitDeps): Promise<IntakeOutcome> {
  if (deps.eventTypes) checkPayload(deps.eventTypes, input.type, input.payload);
  const nowMs = deps.now();
  const outcome = await acceptMessage(input, { ...deps, nowMs });
  const due = toWake(outcome.deliveries, nowMs).flatMap((d) => {
    // Due beyond a queue delay (a paced replay's): the sweep holds it already (createIfAbsent).
    const delaySeconds = queueDelaySeconds(d.nextAttemptAt ?? nowMs, nowMs);
    return delaySeconds === undefined ? [] : [{ tenantId: d.tenantId, deliveryId: d.deliveryId, delaySeconds }];
  });
  if (due.length > 0) {
    try {
      await deps.wakeUps.send(due);
    } catch (error) {
      // Throws in turn if the sweep cannot be written either: the submission fails and the producer retries.
      await deps.deliveries.sweepAt(due, nowMs + SWEEP_FALLBACK_MS);
      deps.log.warn('first wake-up not sent; the sweeper will wake the deliveries within a minute', {
        tenantId: input.tenantId,
        messageId: input.id,
        deliveries: due.length,
        cause: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  const skipped = outcome.deliveries.filter((d) => d.status === 'skipped').length;
  deps.log.info('message accepted', {
    tenantId: input.tenantId,
    messageId: input.id,
    type: input.type,
    status: outcome.status,
    deliveries: outcome.deliveries.length - skipped,
    skipped,
    woken: due.length,
    // The deliveries' ids: a search by message id finds them, and through them each attempt's line.
    deliveryIds: outcome.deliveries.map((d) => d.deliveryId),
  });
  return outcome;
}
