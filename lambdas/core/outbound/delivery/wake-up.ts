/**
 * How a waiting delivery is woken (decision 0007): the delivery record is the schedule; queues only wake
 * workers. A wait of at most 900 s (SQS's longest `DelaySeconds`) is a delayed queue message sent by whoever
 * decided it, with the `due` index as a safety net one lease later; a longer wait is left to the sweeper,
 * which finds it in the `due` index when it falls due.
 */
import { createHash } from 'node:crypto';

/** SQS's longest per-message delay. */
export const MAX_QUEUE_DELAY_SECONDS = 900;
/** How long a claimed or queued wake-up is trusted before the sweeper sends it again; longer than a worker run. */
export const DEFAULT_WAKE_LEASE_MS = 15 * 60_000;
/** Partitions of the `due` index; the sweeper queries each. */
export const DEFAULT_DUE_SHARDS = 4;
/** The sweeper picks up what falls due before its next run. */
export const SWEEP_HORIZON_MS = 60_000;

/** What a queue message asks a delivery worker to do: look at this delivery now. */
export interface WakeUp {
  readonly tenantId: string;
  readonly deliveryId: string;
}

/** A wake-up and the seconds to hold it in the queue. */
export interface DelayedWakeUp extends WakeUp {
  readonly delaySeconds: number;
}

/**
 * When the sweeper should next look at a delivery due at `nextAttemptAt`: at that time when the wait is long
 * (nothing else will wake it); a lease after it when the wait fits a queue delay (the delayed message wakes it,
 * the index only catches a lost send).
 */
export function sweepAtFor(nextAttemptAt: number, nowMs: number, leaseMs: number): number {
  return queueDelaySeconds(nextAttemptAt, nowMs) === undefined ? nextAttemptAt : nextAttemptAt + leaseMs;
}

/** The queue delay for a wake-up due at `nextAttemptAt`, or undefined when the wait is longer than a queue can hold. */
export function queueDelaySeconds(nextAttemptAt: number, nowMs: number): number | undefined {
  const seconds = Math.max(0, Math.ceil((nextAttemptAt - nowMs) / 1000));
  return seconds <= MAX_QUEUE_DELAY_SECONDS ? seconds : undefined;
}

/** The `due` index partition of a delivery: a stable hash, so a delivery always sits in the same shard. */
export function dueShardFor(deliveryId: string, shards: number): number {
  return createHash('sha256').update(deliveryId).digest().readUInt32BE(0) % shards;
}

/** The queue message body of a wake-up. */
export function encodeWakeUp(w: WakeUp): string {
  return JSON.stringify({ tenantId: w.tenantId, deliveryId: w.deliveryId });
}

/** Reads a wake-up body; undefined when it is not one (a poison message is dropped, not retried forever). */
export function parseWakeUp(body: string): WakeUp | undefined {
  try {
    const v = JSON.parse(body) as { tenantId?: unknown; deliveryId?: unknown };
    return typeof v.tenantId === 'string' && typeof v.deliveryId === 'string'
      ? { tenantId: v.tenantId, deliveryId: v.deliveryId }
      : undefined;
  } catch {
    return undefined;
  }
}
