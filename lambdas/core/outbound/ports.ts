/**
 * Ports of the outbound delivery core. Each gets one adapter (DynamoDB, KMS, node:http, node:dns) and an
 * in-memory fake (test/helpers/outbound.ts). Nothing here imports the AWS SDK.
 */
import type { Attempt, AttemptErrorKind, Delivery, DeliveryStatus, Endpoint, MessageRecord } from './model';

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
  /** Marks that every delivery of the message exists, so a duplicate accept need not fan out again. */
  markFannedOut(tenantId: string, messageId: string, nowMs: number): Promise<void>;
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

export interface DeliveryStore {
  /** Creates each delivery unless one with its id exists; returns how many were created. */
  createIfAbsent(deliveries: readonly Delivery[]): Promise<number>;
  /**
   * Appends the attempt and applies the update, only if the delivery still has `expectedAttemptCount`
   * attempts (so two workers cannot both record attempt n). Returns false when that condition failed.
   */
  recordAttempt(attempt: Attempt, update: DeliveryUpdate, expectedAttemptCount: number): Promise<boolean>;
  /** Marks a delivery `skipped` without an attempt (endpoint disabled, or the transform declined). */
  markSkipped(tenantId: string, deliveryId: string, reason: string, nowMs: number): Promise<void>;
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

/** A delivery as read from the endpoint index, with the attempt it holds in `lastAttempt` (decision 0011). */
export type EndpointDelivery = Delivery & { readonly lastAttempt?: Attempt };

export interface EndpointDeliveryReader {
  /** The endpoint's deliveries, newest created first, at most `limit`. */
  endpointDeliveries(tenantId: string, endpointId: string, limit: number): Promise<Bounded<EndpointDelivery>>;
  /** The endpoint's attempt records made at or after `sinceMs`, newest first, at most `limit`. */
  endpointAttempts(tenantId: string, endpointId: string, sinceMs: number, limit: number): Promise<Bounded<Attempt>>;
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
