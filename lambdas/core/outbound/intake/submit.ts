/**
 * What every intake path does (HTTP API, intake queue, `webhook` relay): check the payload against its type's
 * schema when the catalog has one, accept the message once, fan it out,
 * then wake a worker for each pending delivery (a `skipped` one, for a disabled endpoint, is never attempted).
 * A failed wake-up does not fail the intake: the deliveries already exist and sit in the `due` index, where the
 * sweeper finds them one lease later (decision 0007).
 */
import type { Log } from '../../kernel/log';
import { checkPayload, type EventTypeCatalog } from '../event-types';
import { acceptMessage, type IntakeDeps, type IntakeOutcome, type MessageInput } from './accept';
import type { WakeUpQueue } from '../ports';

export interface SubmitDeps extends Omit<IntakeDeps, 'nowMs'> {
  readonly wakeUps: WakeUpQueue;
  readonly now: () => number;
  readonly log: Log;
  /** Payloads of catalogued types are checked against their schema first (event-types.ts). @default none */
  readonly eventTypes?: EventTypeCatalog;
}

export async function submitMessage(input: MessageInput, deps: SubmitDeps): Promise<IntakeOutcome> {
  if (deps.eventTypes) checkPayload(deps.eventTypes, input.type, input.payload);
  const outcome = await acceptMessage(input, { ...deps, nowMs: deps.now() });
  const due = outcome.deliveries.filter((d) => d.status === 'pending');
  if (due.length > 0) {
    try {
      await deps.wakeUps.send(due.map((d) => ({ tenantId: d.tenantId, deliveryId: d.deliveryId, delaySeconds: 0 })));
    } catch (error) {
      deps.log.warn('first wake-up not sent; the sweeper will pick the deliveries up after the lease', {
        tenantId: input.tenantId,
        messageId: input.id,
        deliveries: due.length,
        cause: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  deps.log.info('message accepted', {
    tenantId: input.tenantId,
    messageId: input.id,
    type: input.type,
    status: outcome.status,
    deliveries: outcome.deliveries.length,
    skipped: outcome.deliveries.length - due.length,
    // The deliveries' ids: a search by message id finds them, and through them each attempt's line.
    deliveryIds: outcome.deliveries.map((d) => d.deliveryId),
  });
  return outcome;
}
