/**
 * Ports: the small interfaces the pure core depends on. Each has exactly one AWS adapter
 * (`lambdas/adapters/`) and in-memory fakes for tests and the local stack.
 */

export type EventStatus = 'received' | 'enqueued' | 'processing' | 'completed' | 'failed';

/** One small record per event (key `source#eventId`); the payload travels in the queue message, not here. */
export interface EventRecord {
  readonly source: string;
  readonly eventId: string;
  readonly status: EventStatus;
  readonly type: string;
  /** Epoch ms. */
  readonly receivedAt: number;
  /** Epoch ms until which the current attempt owns the record. */
  readonly leaseUntil?: number;
  /** Random token identifying the attempt that holds the lease. */
  readonly leaseToken?: string;
  /** Processing attempts so far (claims by a processor); 0 until a processor first claims the event. */
  readonly attempts: number;
  readonly enqueuedAt?: number;
  readonly processedAt?: number;
  readonly error?: string;
  /** Epoch ms when a processing attempt of the event was last written to the archive (#19). */
  readonly archivedAt?: number;
  /** Epoch seconds; DynamoDB TTL deletes the record after the dedupe window. */
  readonly expiresAt: number;
}

export type ClaimResult =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly existing: EventRecord | undefined };

export interface EventStore {
  /**
   * Creates the record as `received` with a lease, if it is absent or an earlier ingestion attempt's
   * lease expired before it enqueued. One conditional write.
   */
  tryReceive(record: EventRecord, nowMs: number): Promise<ClaimResult>;
  /** Marks `enqueued`, only while we hold the lease. Returns false when the lease was lost. */
  markEnqueued(source: string, eventId: string, leaseToken: string, nowMs: number): Promise<boolean>;
  /** Deletes a `received` record we hold the lease on, so a retry can start over at once. */
  release(source: string, eventId: string, leaseToken: string): Promise<boolean>;
  /**
   * Moves the event to `processing` with a lease: allowed from absent, `received`, `enqueued`, `failed`,
   * or `processing` whose lease expired. `completed` and live `processing` are refused.
   */
  tryClaimProcessing(claim: ProcessingClaim): Promise<ClaimResult>;
  /** `archived`: the attempt's row is in the archive, recorded as `archivedAt` in the same write. */
  markCompleted(
    source: string,
    eventId: string,
    leaseToken: string,
    nowMs: number,
    archived?: boolean,
  ): Promise<boolean>;
  markFailed(
    source: string,
    eventId: string,
    leaseToken: string,
    error: string,
    nowMs: number,
    archived?: boolean,
  ): Promise<boolean>;
  /** Records `archivedAt` on a `completed` event whose archive write an earlier attempt could not make. */
  markArchived(source: string, eventId: string, nowMs: number): Promise<boolean>;
  get(source: string, eventId: string): Promise<EventRecord | undefined>;
}

export interface ProcessingClaim {
  readonly source: string;
  readonly eventId: string;
  readonly type: string;
  readonly receivedAt: number;
  readonly leaseToken: string;
  readonly leaseUntil: number;
  readonly expiresAt: number;
  readonly nowMs: number;
}

export interface QueueMessage {
  /** The serialized envelope. */
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** SQS MessageGroupId: on the shared (fair) queue, the tenant whose burst must not hold up the others. */
  readonly groupId?: string;
}

export interface Queue {
  send(queueUrl: string, message: QueueMessage): Promise<void>;
}

export interface SecretSource {
  /** The source's signing secrets, current first. Cached by the implementation. */
  getSecrets(secretId: string): Promise<readonly string[]>;
  /** The source's verify token for GET subscription checks (Meta), if the secret holds one. */
  getVerifyToken(secretId: string): Promise<string | undefined>;
}
