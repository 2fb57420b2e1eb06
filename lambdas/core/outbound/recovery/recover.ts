/**
 * Recovery after an outage, as the core of two commands:
 *
 * - `endpoints recover <id> --since T [--until T]`: every `failed`, `exhausted` or `skipped` (endpoint
 *   disabled) delivery of the endpoint created in the window is made due again, oldest first, paced at the
 *   endpoint's rate, each once. The run has an id derived from its request, and each delivery it requeues is
 *   marked with it by a conditional write: a run that crashed half-way and is started again requeues only what
 *   the first run did not (nothing twice).
 * - `messages replay --tenant T --since T [--until T] [--type PATTERN] [--endpoint E]`: the stored messages of
 *   the window (type matching the filter grammar of filter.ts) get NEW deliveries to the enabled endpoints
 *   whose filter matches (or only E), with ids derived from the replay's id: rerunning creates nothing twice.
 *
 * Both refuse a window that is reversed, in the future, or older than what retention keeps (retention.ts),
 * with a 400 whose message names the retention.
 */
import { createHash } from 'node:crypto';
import { BadRequestError, WebhookError } from '../../kernel/errors';
import { isFilterPattern, matchesFilter, matchesPattern } from '../event-filter';
import type { Delivery, DeliveryStatus, Endpoint, MessageRecord } from '../model';
import { paceAt } from '../admission/token-bucket';
import { DEFAULT_RETENTION, describeReach, recoveryReachDays, type RetentionSettings } from '../retention';

const DAY_MS = 86_400_000;

/** A recovery or replay window the stack will not serve. */
export class RecoveryWindowError extends WebhookError {
  override readonly name = 'RecoveryWindowError';
  readonly statusCode = 400;
  readonly code = 'invalid_window';
}

/** `[sinceMs, untilMs)`, epoch ms. */
export interface Window {
  readonly sinceMs: number;
  readonly untilMs: number;
}

/** Checks a requested window; `until` defaults to now. */
export function validateWindow(
  input: { readonly since: number; readonly until?: number },
  nowMs: number,
  retention: RetentionSettings = DEFAULT_RETENTION,
): Window {
  const untilMs = input.until ?? nowMs;
  if (!Number.isFinite(input.since) || !Number.isFinite(untilMs))
    throw new RecoveryWindowError('since and until must be valid times.');
  if (input.since >= untilMs) throw new RecoveryWindowError('since must be before until.');
  if (untilMs > nowMs) throw new RecoveryWindowError(`until (${iso(untilMs)}) is in the future.`);
  const reachDays = recoveryReachDays(retention);
  const oldest = nowMs - reachDays * DAY_MS;
  if (input.since < oldest) {
    throw new RecoveryWindowError(
      `since (${iso(input.since)}) is older than the retention of ${reachDays} days: ${describeReach(retention)}, so the oldest time you can ask for is ${iso(oldest)}.`,
    );
  }
  return { sinceMs: input.since, untilMs };
}

const iso = (ms: number) => new Date(ms).toISOString();
const hash = (parts: readonly unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

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
  return `rcv_${hash(['recover', tenantId, endpointId, window.sinceMs, window.untilMs ?? null, label])}`;
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
  /** In the window but not sent again: delivered, still pending, declined by a transform, or requeued by an earlier run of this recovery. */
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
  let notRecoverable = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listByEndpoint(tenantId, endpointId, window, cursor);
    for (const d of page.items) {
      if (seen.has(d.deliveryId)) continue; // each once, even if a page boundary repeats an item
      seen.add(d.deliveryId);
      if (
        d.tenantId !== tenantId ||
        d.endpointId !== endpointId ||
        d.createdAt < window.sinceMs ||
        d.createdAt >= window.untilMs ||
        !isRecoverable(d, recoveryId)
      ) {
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
  } while (cursor !== undefined);
  return { recoveryId, queued, notRecoverable };
}

// ---------------------------------------------------------------------------------------------
// messages replay

export interface ReplayRequest {
  readonly tenantId: string;
  readonly window: Window;
  /** `*`, `prefix.*` or an exact type (filter.ts). */
  readonly typePattern?: string;
  readonly endpointId?: string;
  readonly label?: string;
  /** The request gave no `until` (the window ends now): its id leaves the end out, as `recoveryIdFor` does. */
  readonly openEnded?: boolean;
}

export function replayIdFor(request: ReplayRequest): string {
  const { tenantId, window, typePattern, endpointId, label, openEnded } = request;
  return `rpl_${hash(['replay', tenantId, window.sinceMs, openEnded === true ? null : window.untilMs, typePattern ?? '*', endpointId ?? '', label ?? ''])}`;
}

/** Refuses a type pattern the filter grammar does not accept (the same check as endpoint filters). */
export function checkTypePattern(pattern: string | undefined): void {
  if (pattern !== undefined && !isFilterPattern(pattern))
    throw new BadRequestError(`type ${JSON.stringify(pattern)} must be *, <type>.* or an event type.`);
}

/** The messages a replay sends again: the tenant's, created in the window, not expired, type matching. */
export function selectForReplay(
  messages: readonly MessageRecord[],
  request: ReplayRequest,
  nowMs: number,
): MessageRecord[] {
  checkTypePattern(request.typePattern);
  return messages.filter(
    (m) =>
      m.tenantId === request.tenantId &&
      m.createdAt >= request.window.sinceMs &&
      m.createdAt < request.window.untilMs &&
      m.expiresAt > nowMs &&
      (request.typePattern === undefined || matchesPattern(request.typePattern, m.type)),
  );
}

/**
 * The new deliveries for one replayed message: one per enabled endpoint whose filter matches (only
 * `endpointId` if set), with an id derived from the replay id so a rerun creates nothing twice.
 * `dueAt(endpoint)` paces them per endpoint.
 */
export function planReplay(
  message: MessageRecord,
  endpoints: readonly Endpoint[],
  request: ReplayRequest,
  dueAt: (endpoint: Endpoint) => number,
  nowMs: number,
): Delivery[] {
  const replayId = replayIdFor(request);
  return endpoints
    .filter(
      (e) =>
        e.tenantId === message.tenantId &&
        e.enabled &&
        (request.endpointId === undefined || e.endpointId === request.endpointId) &&
        matchesFilter(e.filterTypes, message.type),
    )
    .map((e) => ({
      tenantId: message.tenantId,
      deliveryId: `dlv_${hash([message.tenantId, message.id, e.endpointId, replayId])}`,
      messageId: message.id,
      endpointId: e.endpointId,
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: dueAt(e),
      createdAt: nowMs,
      updatedAt: nowMs,
    }));
}

/** Pages of a tenant's messages in a window (DynamoDB: Query on a tenant/createdAt index). */
export interface MessagePager {
  listByTenant(
    tenantId: string,
    window: Window,
    cursor?: string,
  ): Promise<{ readonly items: readonly MessageRecord[]; readonly cursor?: string }>;
}

export interface ReplayResult {
  readonly replayId: string;
  /** Messages in the window that matched. */
  readonly matched: number;
  /** Deliveries created by this run (a rerun after a crash creates only the missing ones). */
  readonly queued: number;
}

/** Runs (or resumes) `messages replay`. */
export async function replayMessages(
  ports: {
    readonly messages: MessagePager;
    readonly endpoints: { listByTenant(tenantId: string): Promise<readonly Endpoint[]> };
    readonly deliveries: {
      createIfAbsent(deliveries: readonly Delivery[], options?: { readonly sweep?: boolean }): Promise<number>;
    };
  },
  input: Omit<ReplayRequest, 'window'> & { readonly since: number; readonly until?: number },
  nowMs: number,
  retention: RetentionSettings = DEFAULT_RETENTION,
): Promise<ReplayResult> {
  const { since, until, ...rest } = input;
  const request: ReplayRequest = {
    ...rest,
    window: validateWindow({ since, until }, nowMs, retention),
    ...(until === undefined && { openEnded: true }),
  };
  checkTypePattern(request.typePattern);
  const endpoints = await ports.endpoints.listByTenant(request.tenantId);
  if (request.endpointId !== undefined && !endpoints.some((e) => e.endpointId === request.endpointId)) {
    throw new BadRequestError(`endpoint ${request.endpointId} does not belong to tenant ${request.tenantId}.`);
  }
  const perEndpoint = new Map<string, number>();
  const dueAt = (e: Endpoint) => {
    const i = perEndpoint.get(e.endpointId) ?? 0;
    perEndpoint.set(e.endpointId, i + 1);
    return paceAt(i, nowMs, e.rateLimit);
  };
  let matched = 0;
  let queued = 0;
  let cursor: string | undefined;
  do {
    const page = await ports.messages.listByTenant(request.tenantId, request.window, cursor);
    for (const m of selectForReplay(page.items, request, nowMs)) {
      matched++;
      const planned = planReplay(m, endpoints, request, dueAt, nowMs);
      // In the sweep a lease after they are due: a wake-up lost with a killed run is not recreated by a rerun.
      if (planned.length > 0) queued += await ports.deliveries.createIfAbsent(planned, { sweep: true });
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { replayId: replayIdFor(request), matched, queued };
}
