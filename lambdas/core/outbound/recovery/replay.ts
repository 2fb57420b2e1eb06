/**
 * `messages replay --tenant T --since T [--until T] [--type PATTERN] [--endpoint E]`: the stored messages of the
 * window (type matching the filter grammar of event-filter.ts) get NEW deliveries to the enabled endpoints whose
 * filter matches (or only E), with ids derived from the replay's id: rerunning creates nothing twice, and says how
 * many an earlier run created (`alreadyQueued`). The window is checked by window.ts.
 */
import { BadRequestError } from '../../kernel/errors';
import { isFilterPattern, matchesFilter, matchesPattern } from '../event-filter';
import type { Delivery, Endpoint, MessageRecord } from '../model';
import { paceAt } from '../admission/token-bucket';
import { runHash, validateWindow, type Window } from './window';
import { DEFAULT_RETENTION, type RetentionSettings } from '../retention';
import type { OnProgress } from './runs';

// ---------------------------------------------------------------------------------------------
// messages replay

export interface ReplayRequest {
  readonly tenantId: string;
  readonly window: Window;
  /** `*`, `prefix.*` or an exact type (event-filter.ts). */
  readonly typePattern?: string;
  readonly endpointId?: string;
  readonly label?: string;
  /** The request gave no `until` (the window ends now): its id leaves the end out, as `recoveryIdFor` does. */
  readonly openEnded?: boolean;
}

export function replayIdFor(request: ReplayRequest): string {
  const { tenantId, window, typePattern, endpointId, label, openEnded } = request;
  return `rpl_${runHash(['replay', tenantId, window.sinceMs, openEnded === true ? null : window.untilMs, typePattern ?? '*', endpointId ?? '', label ?? ''])}`;
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
      deliveryId: `dlv_${runHash([message.tenantId, message.id, e.endpointId, replayId])}`,
      messageId: message.id,
      type: message.type,
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
  /** Deliveries an earlier run of this replay (the same request) created: a rerun does not send them twice. */
  readonly alreadyQueued: number;
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
  onProgress?: OnProgress,
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
  let examined = 0;
  let matched = 0;
  let queued = 0;
  let alreadyQueued = 0;
  let position: number | undefined;
  let cursor: string | undefined;
  do {
    const page = await ports.messages.listByTenant(request.tenantId, request.window, cursor);
    examined += page.items.length;
    position = page.items.at(-1)?.createdAt ?? position;
    for (const m of selectForReplay(page.items, request, nowMs)) {
      matched++;
      const planned = planReplay(m, endpoints, request, dueAt, nowMs);
      if (planned.length === 0) continue;
      // In the sweep a lease after they are due: a wake-up lost with a killed run is not recreated by a rerun.
      const created = await ports.deliveries.createIfAbsent(planned, { sweep: true });
      queued += created;
      alreadyQueued += planned.length - created;
    }
    cursor = page.cursor;
    await onProgress?.({ examined, ...(position !== undefined && { position }), matched, queued, alreadyQueued });
  } while (cursor !== undefined);
  return { replayId: replayIdFor(request), matched, queued, alreadyQueued };
}
