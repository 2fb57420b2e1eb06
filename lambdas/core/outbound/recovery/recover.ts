/**
 * Recovery after an outage, as the core of two commands:
 *
 * - `endpoints recover <id> --since T [--until T]`: every `failed`, `exhausted` or `skipped` (endpoint
 *   disabled) delivery of the endpoint created in the window is made due again, oldest first, paced at the
 *   endpoint's rate, each once. The run has an id derived from its request, and each delivery it requeues is
 *   marked with it by a conditional write: a run that crashed half-way and is started again requeues only what
 *   the first run did not (nothing twice).
 *
 * Its sibling is replay.ts (`messages replay`); both refuse a window that is reversed, in the future, or older than what retention keeps (retention.ts),
 * with a 400 whose message names the retention.
 */
import type { Delivery, DeliveryStatus, Endpoint } from '../model';
import { paceAt } from '../admission/token-bucket';
import { runHash, validateWindow, type Window } from './window';
import { DEFAULT_RETENTION, type RetentionSettings } from '../retention';
import type { OnProgress } from './runs';

// ---------------------------------------------------------------------------------------------
// endpoints recover

/** A stored delivery as recovery sees it: with the ids of the recoveries that already requeued it. */
export interface RecoverableDelivery extends Delivery {
  readonly recoveryIds?: readonly string[];
}

/** Statuses recovery sends again. `skipped` only when it was skipped because the endpoint was disabled. */
export const RECOVERABLE_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['failed', 'exhausted', 'skipped']);

export function isRecoverable(d: RecoverableDelivery, recoveryId: string): boolean {
  if (!RECOVERABLE_STATUSES.has(d.status)) return false;
  // A transform that declined the message would decline it again: that skip is a decision, not a loss.
  if (d.status === 'skipped' && d.skipReason !== 'endpoint_disabled') return false;
  return !(d.recoveryIds ?? []).includes(recoveryId);
}

/**
 * The id of a recovery run: the same request gives the same id, so rerunning it after a crash resumes it. Without
 * `untilMs` the window is open (until now): its id leaves the end out, or a rerun a minute later would be a new run.
 */
export function recoveryIdFor(
  tenantId: string,
  endpointId: string,
  window: { readonly sinceMs: number; readonly untilMs?: number | undefined },
  label = '',
): string {
  return `rcv_${runHash(['recover', tenantId, endpointId, window.sinceMs, window.untilMs ?? null, label])}`;
}

export interface RequeueRequest {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly recoveryId: string;
  /** The status it was read in: the write is conditional on it (and on not carrying recoveryId yet). */
  readonly expectedStatus: DeliveryStatus;
  /** When it is due: paced at the endpoint's rate. */
  readonly dueAt: number;
  readonly nowMs: number;
}

export interface DeliveryPage {
  readonly items: readonly RecoverableDelivery[];
  readonly cursor?: string;
}

/** The port recovery runs over (DynamoDB: Query on an endpoint/createdAt index; conditional UpdateItem). */
export interface RecoveryStore {
  /** Deliveries of the endpoint created in `[sinceMs, untilMs)`, oldest first, a page at a time. */
  listByEndpoint(tenantId: string, endpointId: string, window: Window, cursor?: string): Promise<DeliveryPage>;
  /**
   * Makes the delivery `pending` again, due at `dueAt`, with a fresh retry schedule, and adds `recoveryId` to
   * its `recoveryIds`: only if its status is still `expectedStatus` and it does not carry `recoveryId`. False
   * when the condition failed (a concurrent run or worker got there first).
   */
  requeue(request: RequeueRequest): Promise<boolean>;
}

export interface RecoveryResult {
  readonly recoveryId: string;
  /** Requeued by this run. */
  readonly queued: number;
  /** Requeued by an earlier run of this recovery (the same request): a rerun does not send them twice. */
  readonly alreadyQueued: number;
  /** In the window but not sent again: delivered, still pending, or declined by a transform. */
  readonly notRecoverable: number;
}

/** Runs (or resumes) `endpoints recover`. */
export async function recoverEndpoint(
  store: RecoveryStore,
  request: {
    readonly endpoint: Pick<Endpoint, 'tenantId' | 'endpointId' | 'rateLimit'>;
    readonly since: number;
    readonly until?: number;
    readonly label?: string;
  },
  nowMs: number,
  retention: RetentionSettings = DEFAULT_RETENTION,
  onProgress?: OnProgress,
): Promise<RecoveryResult> {
  const window = validateWindow(request, nowMs, retention);
  const { tenantId, endpointId, rateLimit } = request.endpoint;
  const recoveryId = recoveryIdFor(
    tenantId,
    endpointId,
    { sinceMs: window.sinceMs, untilMs: request.until },
    request.label,
  );
  const seen = new Set<string>();
  let queued = 0;
  let alreadyQueued = 0;
  let notRecoverable = 0;
  let position: number | undefined;
  let cursor: string | undefined;
  do {
    const page = await store.listByEndpoint(tenantId, endpointId, window, cursor);
    for (const d of page.items) {
      if (seen.has(d.deliveryId)) continue; // each once, even if a page boundary repeats an item
      seen.add(d.deliveryId);
      position = d.createdAt;
      if (
        d.tenantId !== tenantId ||
        d.endpointId !== endpointId ||
        d.createdAt < window.sinceMs ||
        d.createdAt >= window.untilMs
      ) {
        notRecoverable++;
        continue;
      }
      // Requeued by an earlier run of this recovery, whatever became of it since (pending, delivered, failed again).
      if ((d.recoveryIds ?? []).includes(recoveryId)) {
        alreadyQueued++;
        continue;
      }
      if (!isRecoverable(d, recoveryId)) {
        notRecoverable++;
        continue;
      }
      const dueAt = paceAt(queued, nowMs, rateLimit);
      if (
        await store.requeue({ tenantId, deliveryId: d.deliveryId, recoveryId, expectedStatus: d.status, dueAt, nowMs })
      )
        queued++;
      else notRecoverable++;
    }
    cursor = page.cursor;
    await onProgress?.({
      examined: seen.size,
      ...(position !== undefined && { position }),
      queued,
      alreadyQueued,
      notRecoverable,
    });
  } while (cursor !== undefined);
  return { recoveryId, queued, alreadyQueued, notRecoverable };
}
