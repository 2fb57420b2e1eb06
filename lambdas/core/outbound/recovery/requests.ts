/**
 * `endpoints recover` and `messages replay` as the API runs them: the request body read and checked, the
 * endpoint looked up, the run (recover.ts), then a first wake-up for every delivery it made due within a queue
 * delay (SQS holds a message at most 900 s). A delivery due later, or whose wake-up is lost (a failed send, a
 * crash before it), sits in the `due` index and is woken by the sweeper: a lease after it is due when a wake-up
 * should have come, when it is due otherwise (delivery/wake-up.ts `sweepAtFor`). The wake-ups go out page by page and
 * when the run ends, even when it fails half-way; a run killed outright (the API function's timeout) leaves at most
 * one page to the sweeper. Running the same request again does the rest. Each run is recorded (runs.ts) as it goes,
 * for `GET /v1/tenants/{tenant}/recoveries/{id}`.
 */
import { BadRequestError } from '../../kernel/errors';
import type { Log } from '../../kernel/log';
import { EndpointDisabledError, NotFoundError } from '../errors';
import { checkId } from '../ids';
import { parseJsonObject } from '../intake/message-body';
import type { Delivery } from '../model';
import type { DeliveryStore, EndpointRepository, WakeUpQueue } from '../ports';
import { recoverEndpoint, recoveryIdFor, type RecoveryResult, type RecoveryStore } from './recover';
import { checkTypePattern, replayIdFor, replayMessages, type MessagePager, type ReplayResult } from './replay';
import { startRun, type OnProgress, type RecoveryRunStore, type RunRequest } from './runs';
import { RecoveryWindowError, validateWindow } from './window';
import { DEFAULT_RETENTION, type RetentionSettings } from '../retention';
import { queueDelaySeconds } from '../delivery/wake-up';

export interface RecoveryRunDeps {
  readonly endpoints: Pick<EndpointRepository, 'get' | 'listByTenant'>;
  readonly deliveries: Pick<DeliveryStore, 'createIfAbsent'>;
  readonly recovery: RecoveryStore & MessagePager & RecoveryRunStore;
  readonly wakeUps: WakeUpQueue;
  readonly now: () => number;
  readonly log: Log;
  /** What recovery can reach back to. @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
}

interface Due {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly dueAt: number;
}

/** `POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover` with `{since, until?, label?}`. */
export async function runRecovery(
  tenantId: string,
  endpointId: string,
  bodyText: string,
  deps: RecoveryRunDeps,
): Promise<RecoveryResult> {
  const body = readBody(bodyText, ['since', 'until', 'label']);
  const input = { ...readWindow(body), ...optionalString(body, 'label') };
  // Requeued while disabled, each would be skipped again at once, and a rerun of the same request would not
  // take it back (it carries this run's id).
  const endpoint = await enabledEndpoint(tenantId, endpointId, deps);
  const due: Due[] = [];
  const store: RecoveryStore = {
    async listByEndpoint(...args) {
      await wake(due.splice(0), deps);
      return deps.recovery.listByEndpoint(...args);
    },
    async requeue(r) {
      const applied = await deps.recovery.requeue(r);
      if (applied) due.push({ tenantId: r.tenantId, deliveryId: r.deliveryId, dueAt: r.dueAt });
      return applied;
    },
  };
  const nowMs = deps.now();
  const retention = deps.retention ?? DEFAULT_RETENTION;
  validateWindow(input, nowMs, retention);
  const request: RunRequest = {
    recoveryId: recoveryIdFor(tenantId, endpointId, { sinceMs: input.since, untilMs: input.until }, input.label),
    kind: 'recover',
    tenantId,
    endpointId,
    ...input,
  };
  return recordedRun(
    deps,
    request,
    nowMs,
    due,
    (progress) => recoverEndpoint(store, { endpoint, ...input }, nowMs, retention, progress),
    (result) => [
      'endpoint recovery run',
      {
        tenantId,
        endpointId,
        recoveryId: result.recoveryId,
        queued: result.queued,
        alreadyQueued: result.alreadyQueued,
        notRecoverable: result.notRecoverable,
      },
    ],
  );
}

/** `POST /v1/tenants/{tenant}/messages/replay` with `{since, until?, type?, endpoint?, label?}`. */
export async function runReplay(tenantId: string, bodyText: string, deps: RecoveryRunDeps): Promise<ReplayResult> {
  const body = readBody(bodyText, ['since', 'until', 'type', 'endpoint', 'label']);
  const { type, endpoint, label } = {
    ...optionalString(body, 'type'),
    ...optionalString(body, 'endpoint'),
    ...optionalString(body, 'label'),
  };
  // Only enabled endpoints get replayed deliveries: naming a disabled one would replay nothing.
  if (endpoint !== undefined) await enabledEndpoint(tenantId, checkId('endpoint', endpoint), deps);
  const due: Due[] = [];
  const deliveries = {
    // One at a time, to know which were created (a rerun finds the others): only those get a first wake-up.
    async createIfAbsent(planned: readonly Delivery[], options?: { readonly sweep?: boolean }) {
      const created = await Promise.all(
        planned.map(async (d) => ((await deps.deliveries.createIfAbsent([d], options)) === 1 ? d : undefined)),
      );
      for (const d of created)
        if (d) due.push({ tenantId: d.tenantId, deliveryId: d.deliveryId, dueAt: d.nextAttemptAt ?? d.createdAt });
      return created.filter(Boolean).length;
    },
  };
  const window = readWindow(body);
  const request = {
    tenantId,
    ...window,
    ...(type !== undefined && { typePattern: type }),
    ...(endpoint !== undefined && { endpointId: endpoint }),
    ...(label !== undefined && { label }),
  };
  const nowMs = deps.now();
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const replayId = replayIdFor({
    ...request,
    window: { sinceMs: window.since, untilMs: window.until ?? nowMs },
    ...(window.until === undefined && { openEnded: true }),
  });
  validateWindow(window, nowMs, retention);
  checkTypePattern(type);
  const messages: MessagePager = {
    async listByTenant(...args) {
      await wake(due.splice(0), deps);
      return deps.recovery.listByTenant(...args);
    },
  };
  return recordedRun(
    deps,
    {
      recoveryId: replayId,
      kind: 'replay',
      tenantId,
      ...window,
      ...(endpoint !== undefined && { endpointId: endpoint }),
      ...(type !== undefined && { type }),
      ...(label !== undefined && { label }),
    },
    nowMs,
    due,
    (progress) =>
      replayMessages({ messages, endpoints: deps.endpoints, deliveries }, request, nowMs, retention, progress),
    (result) => [
      'message replay run',
      {
        tenantId,
        replayId: result.replayId,
        matched: result.matched,
        queued: result.queued,
        alreadyQueued: result.alreadyQueued,
      },
    ],
  );
}

/**
 * Runs `work` as the recorded run of `request` (its record started once the request is known to be one the stack
 * serves): finished and logged when it returns, failed when it throws; whatever it made due is woken either way.
 */
async function recordedRun<R>(
  deps: RecoveryRunDeps,
  request: RunRequest,
  nowMs: number,
  due: Due[],
  work: (progress: OnProgress) => Promise<R>,
  logLine: (result: R) => [message: string, fields: Record<string, unknown>],
): Promise<R> {
  const run = await startRun(deps.recovery, request, nowMs, deps.now);
  try {
    const result = await work(run.progress);
    await run.finish();
    deps.log.info(...logLine(result));
    return result;
  } catch (error) {
    await run.fail(error);
    throw error;
  } finally {
    await wake(due, deps);
  }
}

async function enabledEndpoint(tenantId: string, endpointId: string, deps: Pick<RecoveryRunDeps, 'endpoints'>) {
  const endpoint = await deps.endpoints.get(tenantId, endpointId);
  if (!endpoint) throw new NotFoundError('endpoint');
  if (!endpoint.enabled) throw new EndpointDisabledError(endpointId);
  return endpoint;
}

async function wake(due: readonly Due[], deps: Pick<RecoveryRunDeps, 'wakeUps' | 'now' | 'log'>): Promise<void> {
  const now = deps.now();
  const wakeUps = due.flatMap((d) => {
    const delaySeconds = queueDelaySeconds(d.dueAt, now);
    return delaySeconds === undefined ? [] : [{ tenantId: d.tenantId, deliveryId: d.deliveryId, delaySeconds }];
  });
  if (wakeUps.length === 0) return;
  try {
    await deps.wakeUps.send(wakeUps);
  } catch (error) {
    deps.log.warn('first wake-ups not sent; the sweeper will send them a lease after they are due', {
      count: wakeUps.length,
      cause: error instanceof Error ? error.name : 'unknown',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The request body

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A time given as ISO 8601 (a date, or a date-time with its zone: `Z` or `±hh:mm`) or epoch milliseconds (a number
 * or a string of digits). A date-time without a zone is refused: it would mean the server's zone.
 */
export function parseTime(name: string, value: unknown): number {
  const ms =
    typeof value === 'number'
      ? Number.isSafeInteger(value) && value >= 0
        ? value
        : Number.NaN
      : typeof value === 'string' && /^\d{1,15}$/.test(value)
        ? Number(value)
        : typeof value === 'string' && ISO_8601.test(value)
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new RecoveryWindowError(
      `${name} must be an ISO 8601 time with its zone (e.g. 2026-12-02T05:59:41Z) or epoch milliseconds, not ${JSON.stringify(value) ?? 'undefined'}.`,
    );
  }
  return ms;
}

function readBody(text: string, fields: readonly string[]): Record<string, unknown> {
  const parsed = parseJsonObject(text);
  const unknown = Object.keys(parsed).find((k) => !fields.includes(k));
  if (unknown !== undefined)
    throw new BadRequestError(`Unknown field ${JSON.stringify(unknown)}: the body takes ${fields.join(', ')}.`);
  return parsed;
}

function readWindow(body: Record<string, unknown>): { since: number; until?: number } {
  if (body.since === undefined)
    throw new RecoveryWindowError(
      'since is required: the start of the window, as an ISO 8601 time or epoch milliseconds.',
    );
  return {
    since: parseTime('since', body.since),
    ...(body.until !== undefined && { until: parseTime('until', body.until) }),
  };
}

function optionalString<K extends string>(body: Record<string, unknown>, name: K): Partial<Record<K, string>> {
  const value = body[name];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length === 0 || value.length > 200)
    throw new BadRequestError(`${name} must be a non-empty string of at most 200 characters.`);
  return { [name]: value } as Partial<Record<K, string>>;
}
