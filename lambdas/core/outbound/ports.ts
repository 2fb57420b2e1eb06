/**
 * Ports of the outbound delivery core. Each gets one adapter (DynamoDB, KMS, node:http, node:dns) and an
 * in-memory fake (test/helpers/outbound.ts). Nothing here imports the AWS SDK.
 */
import type {
  Attempt,
  AttemptErrorKind,
  Delivery,
  DeliveryClaim,
  DeliveryStatus,
  Endpoint,
  MessageRecord,
} from './model';

// ---------------------------------------------------------------------------------------------
// Network

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to ALL its addresses; rejects when the name does not resolve. */
export interface Resolver {
  resolve(hostname: string): Promise<readonly ResolvedAddress[]>;
}

export interface OutboundRequest {
  readonly url: string;
  /** Lower-cased names. Includes the signature headers: the sender must never log them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Whole-request budget: connect, send, and read the response. */
  readonly timeoutMs: number;
}

/** At most this many bytes of a response body are read and kept. */
export const MAX_RESPONSE_BODY_BYTES = 4096;

export type SendResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** The raw `Retry-After` value, when the receiver sent one. */
      readonly retryAfter?: string;
      /** The first MAX_RESPONSE_BODY_BYTES bytes, decoded as UTF-8. */
      readonly body: string;
      readonly bodyTruncated: boolean;
      readonly latencyMs: number;
    }
  | {
      readonly kind: 'error';
      readonly error: AttemptErrorKind;
      /** Short, secret-free: e.g. `ECONNREFUSED`, `no response within 15000 ms`. */
      readonly detail: string;
      readonly latencyMs: number;
    };

/** Sends one POST; never throws for a network failure (it is a `kind: 'error'` result). */
export interface HttpSender {
  send(request: OutboundRequest): Promise<SendResult>;
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** Binds a ciphertext to its endpoint (KMS encryption context), so a copied ciphertext will not decrypt elsewhere. */
export interface SecretContext {
  readonly tenantId: string;
  readonly endpointId: string;
}

/** Encrypts endpoint signing secrets at rest (KMS in AWS). */
export interface SecretCipher {
  encrypt(plaintext: string, context: SecretContext): Promise<string>;
  decrypt(ciphertext: string, context: SecretContext): Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// Stores

export type PutMessageResult =
  | { readonly created: true }
  | { readonly created: false; readonly existing: MessageRecord };

export interface MessageStore {
  /** One conditional put: succeeds when no live record has this (tenant, id). An expired record counts as absent. */
  putIfAbsent(record: MessageRecord, nowMs: number): Promise<PutMessageResult>;
}

export interface EndpointStore {
  /** Every endpoint of the tenant, enabled or not, secrets still encrypted. */
  listByTenant(tenantId: string): Promise<readonly Endpoint[]>;
  /** Disables the endpoint (e.g. after 410 Gone); idempotent. */
  disable(tenantId: string, endpointId: string, reason: string, nowMs: number): Promise<void>;
}

/** What one attempt changes on its delivery. */
export interface DeliveryUpdate {
  readonly status: DeliveryStatus;
  readonly attemptCount: number;
  readonly nextAttemptAt?: number;
  readonly updatedAt: number;
  /** The delivery's probe count after this attempt, when the attempt was a circuit probe. */
  readonly probes?: number;
}

/** The expired claim a worker read, settled by the write that takes the next claim (or skips the delivery). */
export interface StaleClaim {
  readonly token: string;
  /** The claimed attempt, logged with the outcome `unknown` (claim.ts `unknownAttempt`). */
  readonly attempt: Attempt;
  /** The delivery's state after that attempt: the retry schedule counts it as a failure. */
  readonly update: DeliveryUpdate;
}

export interface ClaimRequest {
  readonly tenantId: string;
  readonly deliveryId: string;
  /** The attempt count the worker read: the claim is taken only if it is unchanged (and the delivery waiting). */
  readonly expectedAttemptCount: number;
  /** Set when the worker read an expired claim: the write applies only if that claim is still there, and settles it. */
  readonly stale?: StaleClaim;
  /** The claim to take; absent when settling the stale claim ended the delivery (no attempt left). */
  readonly claim?: DeliveryClaim;
}

export interface DeliveryStore {
  /**
   * Creates each delivery unless one with its id exists; returns how many were created. A delivery due beyond a
   * queue delay enters the sweep (`due` index) at its time; with `sweep`, every waiting one also enters it a lease
   * after it is due, a safety net for a wake-up its caller may lose (recovery, replay). Intake does without.
   */
  createIfAbsent(deliveries: readonly Delivery[], options?: { readonly sweep?: boolean }): Promise<number>;
  /** `createIfAbsent`, answering with each delivery as stored now: the one created, or the one found. */
  createOrFind(deliveries: readonly Delivery[]): Promise<ReadonlyArray<{ delivery: Delivery; created: boolean }>>;
  /**
   * Puts deliveries whose wake-up could not be sent into the sweep at `sweepAt` (the fallback of intake, on the
   * failure path only). Throws when that cannot be written either.
   */
  sweepAt(deliveries: ReadonlyArray<Pick<Delivery, 'tenantId' | 'deliveryId'>>, sweepAt: number): Promise<void>;
  /**
   * Takes a claim on the delivery's next attempt (claim.ts): one conditional write, applied only if the delivery is
   * still waiting with `expectedAttemptCount` attempts and holds no claim, or exactly the stale one it was read with.
   * False when another worker got there first: then nothing may be sent.
   */
  claim(request: ClaimRequest, nowMs: number): Promise<boolean>;
  /**
   * Logs the claimed attempt, applies the update and releases the claim, only while `claimToken` still holds it.
   * False when it does not (the claim expired and was settled by another worker, which logged the attempt as unknown).
   */
  recordAttempt(attempt: Attempt, update: DeliveryUpdate, claimToken: string): Promise<boolean>;
  /**
   * Marks a waiting delivery `skipped` without an attempt (endpoint disabled or deleted, message expired, or the
   * transform declined), unless a live claim holds it; an expired claim it was read with is settled as unknown.
   */
  markSkipped(
    tenantId: string,
    deliveryId: string,
    reason: string,
    nowMs: number,
    stale?: Omit<StaleClaim, 'update'>,
  ): Promise<void>;
  /** Records that `message.attempt.exhausted` was published for an `exhausted` delivery (a no-op otherwise). */
  markExhaustedNotified(tenantId: string, deliveryId: string, nowMs: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Management, reads and wake-ups

/** Endpoints as the management API sees them: the delivery side's `EndpointStore` plus reads and writes. */
export interface EndpointRepository extends EndpointStore {
  get(tenantId: string, endpointId: string): Promise<Endpoint | undefined>;
  /** Creates the endpoint unless its id exists; false when it does. */
  create(endpoint: Endpoint): Promise<boolean>;
  /**
   * Reads, changes and writes back an endpoint, retrying when another writer changed it meanwhile.
   * Undefined when there is no such endpoint.
   */
  modify(
    tenantId: string,
    endpointId: string,
    change: (endpoint: Endpoint) => Promise<Endpoint>,
  ): Promise<Endpoint | undefined>;
  /** False when there was no such endpoint. */
  remove(tenantId: string, endpointId: string): Promise<boolean>;
}

/**
 * One page of a list. `cursor` is opaque: pass it back to read the next page; absent on the last page. A page may
 * hold fewer items than asked for (even none) and still have a cursor: a reader stops at its read budget.
 */
export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

export interface PageQuery {
  /** At most this many items. @default 50 */
  readonly limit?: number;
  /** From a previous page; a cursor the store did not give is refused (`InvalidCursorError`, 400). */
  readonly cursor?: string;
}

/** A message as a list shows it: everything but the payload. */
export type MessageSummary = Omit<MessageRecord, 'payload' | 'fingerprint'>;

export interface MessageReader {
  get(tenantId: string, messageId: string): Promise<MessageRecord | undefined>;
  /** The tenant's live messages, newest first. */
  list(tenantId: string, query: PageQuery): Promise<Page<MessageSummary>>;
}

export interface DeliveryQuery extends PageQuery {
  readonly tenantId: string;
  readonly endpointId?: string;
  readonly status?: DeliveryStatus;
}

export interface DeliveryReader {
  get(tenantId: string, deliveryId: string): Promise<Delivery | undefined>;
  /** Every recorded attempt, oldest first. */
  attempts(tenantId: string, deliveryId: string): Promise<readonly Attempt[]>;
  /** The tenant's live deliveries, newest first, a page at a time. */
  list(query: DeliveryQuery): Promise<Page<Delivery>>;
  /**
   * The deliveries of one message: its fan-out and any replay of it, oldest first, read from the message's creation
   * on; at most `limit`, examining at most `scanLimit` of the tenant's deliveries (`complete` false when it stopped).
   */
  messageDeliveries(
    tenantId: string,
    message: Pick<MessageRecord, 'id' | 'createdAt'>,
    options: { readonly limit: number; readonly scanLimit: number },
  ): Promise<Bounded<Delivery>>;
  /**
   * Makes a delivery that is not waiting (`exhausted`, `skipped`, or `failed`) due now, for a replay.
   * Undefined when there is no such delivery; the delivery unchanged when it was `pending` or `delivered`.
   */
  replay(tenantId: string, deliveryId: string, nowMs: number): Promise<Delivery | undefined>;
}

/** The sweeper's view of the `due` index (decision 0007). */
export interface DueIndex {
  /**
   * Claims up to `limit` deliveries whose `sweepAt` is at most `untilMs`, moving each one's `sweepAt` a lease
   * ahead with a conditional write, so a concurrent sweeper does not claim it too.
   */
  claimDue(untilMs: number, nowMs: number, limit: number): Promise<ReadonlyArray<WakeUpClaim>>;
}

export interface WakeUpClaim {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly nextAttemptAt: number;
  /** The `sweepAt` the claim found: when the sweeper was due to wake it (its age is the sweeper's lag, decision 0012). */
  readonly dueAt: number;
}

/** The delivery queue: a wake-up per delivery, each held `delaySeconds` (at most 900). */
export interface WakeUpQueue {
  send(
    wakeUps: ReadonlyArray<{ readonly tenantId: string; readonly deliveryId: string; readonly delaySeconds: number }>,
  ): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// One endpoint's records (the `byEndpoint` index), each read bounded (decision 0016)

/** What a bounded read returned; `complete` is false when it stopped at its bound with more left unread. */
export interface Bounded<T> {
  readonly items: readonly T[];
  readonly complete: boolean;
}

/** A delivery as read for its endpoint, with the attempts its item holds (the newest `INLINE_ATTEMPTS`). */
export type EndpointDelivery = Delivery & { readonly attempts: readonly Attempt[] };

export interface EndpointDeliveryReader {
  /** The endpoint's deliveries, newest created first, at most `limit`, each with its recent attempts. */
  endpointDeliveries(tenantId: string, endpointId: string, limit: number): Promise<Bounded<EndpointDelivery>>;
  /**
   * The endpoint's waiting deliveries (`pending` or `failed`) due by `dueBy` (`nextAttemptAt`, else creation), newest
   * created first: at most `limit` of them, examining at most `scanLimit` of the endpoint's deliveries.
   */
  waitingDeliveries(
    tenantId: string,
    endpointId: string,
    options: { readonly dueBy: number; readonly limit: number; readonly scanLimit: number },
  ): Promise<Bounded<Delivery>>;
}
