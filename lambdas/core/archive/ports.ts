/**
 * The archive's ports. `ObjectStore` is the bucket (S3 deployed: lambdas/adapters/s3-object-store.ts; a directory
 * or memory locally: local/object-store.ts). `ReplayStore` keeps replay jobs and their per-event markers (the events
 * table deployed and locally: lambdas/adapters/dynamo-replay-store.ts).
 */

export interface PutOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
}

export interface ObjectStore {
  /** The bucket's name: what an SNS extended-client pointer names. */
  readonly bucket: string;
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under `prefix` in lexical order, from after `startAfter`; at most `limit`. */
  list(prefix: string, options?: { startAfter?: string; limit?: number }): Promise<readonly string[]>;
}

/** Where a replay reads: the partition day, the object within it, and the row within that object. */
export interface ReplayCursor {
  readonly day: string;
  /** The last object fully read in `day` (rows of the next one start at `row`). */
  readonly afterKey?: string;
  readonly row: number;
}

export interface ReplayCounts {
  /** Rows read in the window (every attempt of every event). */
  readonly read: number;
  /** Events that matched the window and the type filter (first row of each). */
  readonly matched: number;
  readonly published: number;
  /** Signature or integrity check failed: never published. */
  readonly refused: number;
  /** Rows of events this replay had already published (an event archived once per attempt). */
  readonly duplicates: number;
  /** Published by a run that crashed before its checkpoint: not published again (maybe lost; see `uncertain`). */
  readonly uncertain: number;
  /** Redrive only: events whose record is not `failed`, left alone. */
  readonly skipped: number;
  /** Objects or rows that could not be read. */
  readonly unreadable: number;
}

export const ZERO_COUNTS: ReplayCounts = {
  read: 0,
  matched: 0,
  published: 0,
  refused: 0,
  duplicates: 0,
  uncertain: 0,
  skipped: 0,
  unreadable: 0,
};

export interface ReplayRequest {
  readonly source: string;
  /** Epoch ms, inclusive. */
  readonly sinceMs: number;
  /** Epoch ms, exclusive. */
  readonly untilMs: number;
  /** Exact types or `prefix.*` patterns; empty means every type. */
  readonly types: readonly string[];
  /** Publish to this subscription only. */
  readonly subscription?: string;
  /** Events per second; 0 means as fast as the topic takes them. */
  readonly ratePerSecond: number;
  readonly dryRun: boolean;
  /** Publish without re-verifying signatures, on the archive's integrity alone (decision record). */
  readonly trustArchive: boolean;
  /** `publish` to the topic (a replay) or `redrive` failed events into the source's queue. */
  readonly mode: 'publish' | 'redrive';
}

export interface ReplayFailure {
  readonly id: string;
  readonly reason: string;
}

export interface ReplayJob {
  readonly id: string;
  readonly request: ReplayRequest;
  readonly status: 'running' | 'done' | 'failed';
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly cursor: ReplayCursor;
  readonly counts: ReplayCounts;
  /** The first refusals and failures, for `events replays show`. */
  readonly failures: readonly ReplayFailure[];
  /** A sentence for the operator: why it failed, or a warning (e.g. a secret rotated past both). */
  readonly note?: string;
  /** The run holding the job, and until when (a crashed run's job is taken over after it). */
  readonly runner?: string;
  readonly leaseUntil?: number;
}

export type MarkerResult = 'new' | 'duplicate' | 'uncertain';

export interface ReplayStore {
  create(job: ReplayJob): Promise<void>;
  get(id: string): Promise<ReplayJob | undefined>;
  /** Takes the job for `runner` until `leaseUntil` if it is running and free (or its lease ended). */
  acquire(id: string, runner: string, leaseUntil: number, nowMs: number): Promise<ReplayJob | undefined>;
  /** Saves progress while `runner` holds the job; false when another run took it over. */
  checkpoint(job: ReplayJob, runner: string): Promise<boolean>;
  /**
   * Records that this replay is about to publish the event (one conditional write): `new` the first time;
   * `duplicate` when an earlier row of the same event was published; `uncertain` when this same row was
   * claimed by a run that crashed before its checkpoint.
   */
  mark(replayId: string, source: string, eventId: string, position: string, expiresAt: number): Promise<MarkerResult>;
  /** Running jobs, to resume after a restart (local stack). */
  running(): Promise<readonly string[]>;
}
