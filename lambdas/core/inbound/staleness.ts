/**
 * Telling live work from a record nobody is working on. A `processing` record belongs to the
 * invocation holding its lease; once the lease has ended without `completed` being recorded, no one
 * is processing it any more, and it must not look like live work. Derived when the record is read,
 * not written, because the write that would mark it is exactly what failed (docs/decisions/0006).
 */
import type { EventRecord } from './ports';

export interface Staleness {
  /** Epoch ms when the lease ended. */
  readonly since: number;
  readonly reason: string;
}

export const STALE_PROCESSING_REASON =
  'its processing lease ended without a completed write: either the event was published and recording ' +
  '`completed` failed after every retry (processor log: "published but could not record completion"; ' +
  'it is not published again), or the processor died mid-way and the queue redelivers it after the visibility timeout';

/** Why `record` is stale at `nowMs`, or undefined when it is not (only `processing` records can be). */
export function staleness(record: EventRecord, nowMs: number): Staleness | undefined {
  if (record.status !== 'processing' || record.leaseUntil === undefined || record.leaseUntil >= nowMs) return undefined;
  return { since: record.leaseUntil, reason: STALE_PROCESSING_REASON };
}
