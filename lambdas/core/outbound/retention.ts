/**
 * How long outbound records live, and therefore what recovery can reach.
 *
 * Every record carries `expiresAt` (epoch ms) and a DynamoDB TTL attribute (epoch seconds) computed here once:
 * messages, deliveries and attempts 30 days by default; response bodies 7 days. DynamoDB's TTL deletes whole
 * items, so an attempt's response body is its own item (`DLV#<id>` / `ATT#<n>#body`) with the shorter TTL, while
 * the attempt (time, status or error kind, latency) stays for the attempts' retention. TTL deletion lags (AWS
 * says within a few days), so readers must treat `expiresAt <= now` as gone (`isExpired`), not rely on absence.
 *
 * What recovery can reach: a delivery can be sent again only while BOTH it and its message exist, i.e. for
 * `min(messagesDays, deliveriesDays)` days after it was created (30 by default). Older windows are refused with
 * a message that names this retention. Attempts and response bodies are history; recovery never needs them.
 */
import * as z from 'zod/mini';
import { DEFAULT_RETRY_DELAYS_SECONDS, JITTER, MAX_RETRY_AFTER_SECONDS } from './delivery/retry-schedule';

const days = (fallback: number) => z._default(z.int().check(z.minimum(1), z.maximum(365)), fallback);

export const retentionSettingsSchema = z
  .strictObject({
    messagesDays: days(30),
    deliveriesDays: days(30),
    attemptsDays: days(30),
    responseBodiesDays: days(7),
  })
  .check(
    z.refine((s) => s.responseBodiesDays <= s.attemptsDays, {
      message: 'responseBodiesDays cannot exceed attemptsDays: a body belongs to an attempt',
      path: ['responseBodiesDays'],
    }),
    z.refine((s) => s.deliveriesDays <= s.messagesDays, {
      message: 'deliveriesDays cannot exceed messagesDays: a delivery without its message cannot be sent',
      path: ['deliveriesDays'],
    }),
  );
export type RetentionSettings = z.output<typeof retentionSettingsSchema>;
export const DEFAULT_RETENTION: RetentionSettings = retentionSettingsSchema.parse({});

export type RetainedKind = 'message' | 'delivery' | 'attempt' | 'responseBody';

const DAY_MS = 86_400_000;

/** Days each kind of record is kept. */
export function retentionDays(kind: RetainedKind, settings: RetentionSettings = DEFAULT_RETENTION): number {
  switch (kind) {
    case 'message':
      return settings.messagesDays;
    case 'delivery':
      return settings.deliveriesDays;
    case 'attempt':
      return settings.attemptsDays;
    case 'responseBody':
      return settings.responseBodiesDays;
  }
}

/** `expiresAt` (epoch ms) of a record created at `createdAtMs`, and its DynamoDB TTL attribute (epoch seconds, rounded up). */
export function expiry(
  kind: RetainedKind,
  createdAtMs: number,
  settings: RetentionSettings = DEFAULT_RETENTION,
): { readonly expiresAt: number; readonly ttl: number } {
  const expiresAt = createdAtMs + retentionDays(kind, settings) * DAY_MS;
  return { expiresAt, ttl: Math.ceil(expiresAt / 1000) };
}

/** Whether a record read back is past its retention (TTL deletion lags; never show or recover such a record). */
export function isExpired(expiresAt: number, nowMs: number): boolean {
  return expiresAt <= nowMs;
}

/** How far back recovery and replay can reach: while both the message and its delivery exist. */
export function recoveryReachDays(settings: RetentionSettings = DEFAULT_RETENTION): number {
  return Math.min(settings.messagesDays, settings.deliveriesDays);
}

/**
 * The longest a delivery can wait for its last attempt under `delaysSeconds`: every delay at +JITTER, each
 * possibly lengthened by Retry-After up to its cap. Deliveries must outlive it, or a retry would find its
 * record gone.
 */
export function longestScheduleMs(delaysSeconds: readonly number[] = DEFAULT_RETRY_DELAYS_SECONDS): number {
  return delaysSeconds.reduce((total, d) => total + Math.max(d * (1 + JITTER), MAX_RETRY_AFTER_SECONDS) * 1000, 0);
}

/** Refuses settings under which a delivery on this schedule could expire before its last attempt. */
export function checkAgainstSchedule(settings: RetentionSettings, delaysSeconds?: readonly number[]): void {
  const needed = longestScheduleMs(delaysSeconds);
  if (settings.deliveriesDays * DAY_MS <= needed) {
    throw new RangeError(
      `deliveriesDays (${settings.deliveriesDays}) must exceed the longest retry schedule (${Math.ceil(needed / DAY_MS)} days with jitter and Retry-After)`,
    );
  }
}

/** One sentence for docs, `endpoints show` and error messages. */
export function describeReach(settings: RetentionSettings = DEFAULT_RETENTION): string {
  return `recovery and replay reach back ${recoveryReachDays(settings)} days (message retention ${settings.messagesDays} days, delivery retention ${settings.deliveriesDays} days)`;
}
