/**
 * The time window of a recovery or a replay: refused with a 400 that names the retention when it is reversed, in
 * the future, or older than what retention keeps (retention.ts).
 */
import { createHash } from 'node:crypto';
import { WebhookError } from '../../kernel/errors';
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

/** A run's id from its request: the same request gives the same id, so a rerun is recognised. */
export const runHash = (parts: readonly unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
