/**
 * A replay request, checked: the window (since/until), the source, the types, the subscription, the pace. Each
 * problem is a typed error with its status (400 for a bad window, 404 for a source that does not exist), mapped
 * to a response in the one place errors become responses (kernel/http.ts).
 */
import { BadRequestError, UnknownSourceError } from '../kernel/errors';
import type { ReplayRequest } from './ports';

export interface ReplayLimits {
  /** The sources that exist, with their archive retention in days (null: kept for ever). */
  readonly retentionDays: ReadonlyMap<string, number | null>;
  /** The subscriptions a replay may target. */
  readonly subscriptions: readonly string[];
}

/** What a caller sends: times as ISO 8601 text or epoch ms, types as a list. */
export interface ReplayInput {
  readonly source?: unknown;
  readonly since?: unknown;
  readonly until?: unknown;
  readonly types?: unknown;
  readonly subscription?: unknown;
  readonly ratePerSecond?: unknown;
  readonly dryRun?: unknown;
  readonly trustArchive?: unknown;
  readonly mode?: unknown;
}

const DAY_MS = 86_400_000;

/** Checks a replay request against the sources and their retention at `nowMs`. */
export function checkReplayRequest(input: ReplayInput, limits: ReplayLimits, nowMs: number): ReplayRequest {
  if (typeof input.source !== 'string' || input.source === '') throw new BadRequestError('source is required.');
  if (!limits.retentionDays.has(input.source))
    throw new UnknownSourceError(
      `No source ${JSON.stringify(input.source)}; the sources are ${[...limits.retentionDays.keys()].join(', ')}.`,
    );
  const sinceMs = time(input.since, 'since');
  if (sinceMs === undefined) throw new BadRequestError('since is required: the start of the window (ISO 8601).');
  if (sinceMs > nowMs) throw new BadRequestError(`The window starts in the future (${iso(sinceMs)}).`);
  const untilMs = time(input.until, 'until') ?? nowMs;
  if (untilMs < sinceMs)
    throw new BadRequestError(`The window is reversed: until (${iso(untilMs)}) is before since (${iso(sinceMs)}).`);
  if (untilMs === sinceMs) throw new BadRequestError(`The window is empty: since and until are both ${iso(sinceMs)}.`);
  const retention = limits.retentionDays.get(input.source);
  if (retention !== null && retention !== undefined && sinceMs < nowMs - retention * DAY_MS)
    throw new BadRequestError(
      `The window starts beyond the archive's retention: ${input.source} keeps ${retention} days, so since must be after ${iso(nowMs - retention * DAY_MS)}.`,
    );
  const types = input.types === undefined ? [] : input.types;
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && t !== ''))
    throw new BadRequestError('types must be a list of event types (exact, or a prefix ending in *).');
  let subscription: string | undefined;
  if (input.subscription !== undefined) {
    if (typeof input.subscription !== 'string' || !limits.subscriptions.includes(input.subscription))
      throw new BadRequestError(
        `Unknown subscription ${JSON.stringify(input.subscription)}; known: ${limits.subscriptions.join(', ') || 'none'}.`,
      );
    subscription = input.subscription;
  }
  const rate = input.ratePerSecond ?? 0;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0)
    throw new BadRequestError('ratePerSecond must be a number of events per second (0: no limit).');
  const mode = input.mode ?? 'publish';
  if (mode !== 'publish' && mode !== 'redrive') throw new BadRequestError('mode must be publish or redrive.');
  return {
    source: input.source,
    sinceMs,
    untilMs: Math.min(untilMs, nowMs),
    types,
    ...(subscription !== undefined && { subscription }),
    ratePerSecond: rate,
    dryRun: input.dryRun === true,
    trustArchive: input.trustArchive === true,
    mode,
  };
}

/** Whether `type` is selected by the request's types (exact, or a `prefix*` pattern); none selects every type. */
export function typeSelected(types: readonly string[], type: string): boolean {
  return types.length === 0 || types.some((t) => (t.endsWith('*') ? type.startsWith(t.slice(0, -1)) : t === type));
}

function time(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new BadRequestError(`${name} is not a time: use ISO 8601, e.g. 2026-12-01T00:00:00Z.`);
  return ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
