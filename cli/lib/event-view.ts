/**
 * An event record as the CLI prints it (`events list`, `events show`, `send --json`): times as ISO strings (the
 * record keeps epoch ms, and its `expiresAt` epoch seconds for the DynamoDB TTL), the processing latency in ms,
 * `stale` when its processing lease has ended without completion, and never the lease token.
 */
import type { EventRecord, EventStatus } from '../../lambdas/core/inbound/ports';
import { staleness } from '../../lambdas/core/inbound/staleness';
import { isoTime } from './output';

export interface EventView {
  readonly receivedAt: string;
  readonly source: string;
  readonly type: string;
  readonly status: EventStatus;
  readonly attempts: number;
  /** From received to processed (completed or failed). */
  readonly latencyMs?: number;
  readonly eventId: string;
  readonly stale?: true;
  readonly staleReason?: string;
  readonly enqueuedAt?: string;
  readonly processedAt?: string;
  readonly leaseUntil?: string;
  readonly error?: string;
  /** When an attempt was last written to the archive (#19). */
  readonly archivedAt?: string;
  /** The end of the dedupe window, when the record is deleted. */
  readonly expiresAt: string;
}

export function eventView(r: EventRecord, nowMs: number): EventView {
  const stale = staleness(r, nowMs);
  return {
    receivedAt: isoTime(r.receivedAt),
    source: r.source,
    type: r.type,
    status: r.status,
    attempts: r.attempts,
    ...(r.processedAt !== undefined && { latencyMs: r.processedAt - r.receivedAt }),
    eventId: r.eventId,
    ...(stale && { stale: true, staleReason: stale.reason }),
    ...(r.enqueuedAt !== undefined && { enqueuedAt: isoTime(r.enqueuedAt) }),
    ...(r.processedAt !== undefined && { processedAt: isoTime(r.processedAt) }),
    ...(r.leaseUntil !== undefined && { leaseUntil: isoTime(r.leaseUntil) }),
    ...(r.error !== undefined && { error: r.error }),
    ...(r.archivedAt !== undefined && { archivedAt: isoTime(r.archivedAt) }),
    expiresAt: isoTime(r.expiresAt * 1000),
  };
}

/** The status as a table shows it: `processing (stale)` for a stale record. */
export function shownStatus(e: EventView): string {
  return e.stale ? `${e.status} (stale)` : e.status;
}
