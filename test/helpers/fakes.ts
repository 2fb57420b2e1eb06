/**
 * In-memory fakes of the ports, with the same conditional semantics as the DynamoDB adapter,
 * so core tests run without AWS mocks. `failNext` makes the next calls of a method reject.
 */
import type {
  ClaimResult,
  EventRecord,
  EventStore,
  ProcessingClaim,
  Queue,
  QueueMessage,
  SecretSource,
} from '../../lambdas/core/inbound/ports';
import type { PublishEntry, Topic } from '../../lambdas/core/kernel/ports';

type Failures = Map<string, { count: number; error: Error }>;

function maybeFail(failures: Failures, method: string): void {
  const f = failures.get(method);
  if (f && f.count > 0) {
    f.count--;
    throw f.error;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Records are updated in place (no copy per write), so the fake stays close to the "zero-latency"
 * store `npm run bench:handler` assumes; conditions mirror the DynamoDB adapter's.
 */
export class FakeEventStore implements EventStore {
  readonly records = new Map<string, Mutable<EventRecord>>();
  readonly failures: Failures = new Map();

  failNext(
    method: keyof EventStore,
    count = 1,
    error: Error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
  ): void {
    this.failures.set(method, { count, error });
  }

  private key(source: string, id: string): string {
    return `${source}#${id}`;
  }

  /** The record, if we hold its lease in `status`. */
  private leased(
    source: string,
    eventId: string,
    leaseToken: string,
    status: EventRecord['status'],
  ): Mutable<EventRecord> | undefined {
    const r = this.records.get(this.key(source, eventId));
    return r && r.leaseToken === leaseToken && r.status === status ? r : undefined;
  }

  async tryReceive(record: EventRecord, nowMs: number): Promise<ClaimResult> {
    maybeFail(this.failures, 'tryReceive');
    const key = this.key(record.source, record.eventId);
    const existing = this.records.get(key);
    if (existing && !(existing.status === 'received' && (existing.leaseUntil ?? 0) < nowMs))
      return { claimed: false, existing };
    this.records.set(key, { ...record });
    return { claimed: true };
  }

  async markEnqueued(source: string, eventId: string, leaseToken: string, nowMs: number): Promise<boolean> {
    maybeFail(this.failures, 'markEnqueued');
    const r = this.leased(source, eventId, leaseToken, 'received');
    if (!r) return false;
    r.status = 'enqueued';
    r.enqueuedAt = nowMs;
    r.leaseUntil = undefined;
    r.leaseToken = undefined;
    return true;
  }

  async release(source: string, eventId: string, leaseToken: string): Promise<boolean> {
    maybeFail(this.failures, 'release');
    if (!this.leased(source, eventId, leaseToken, 'received')) return false;
    this.records.delete(this.key(source, eventId));
    return true;
  }

  async tryClaimProcessing(claim: ProcessingClaim): Promise<ClaimResult> {
    maybeFail(this.failures, 'tryClaimProcessing');
    const key = this.key(claim.source, claim.eventId);
    const r = this.records.get(key);
    const claimable =
      !r ||
      r.status === 'received' ||
      r.status === 'enqueued' ||
      r.status === 'failed' ||
      (r.status === 'processing' && (r.leaseUntil ?? 0) < claim.nowMs);
    if (!claimable) return { claimed: false, existing: r };
    if (!r) {
      this.records.set(key, {
        source: claim.source,
        eventId: claim.eventId,
        type: claim.type,
        receivedAt: claim.receivedAt,
        expiresAt: claim.expiresAt,
        status: 'processing',
        leaseUntil: claim.leaseUntil,
        leaseToken: claim.leaseToken,
        attempts: 1,
      });
      return { claimed: true };
    }
    r.status = 'processing';
    r.leaseUntil = claim.leaseUntil;
    r.leaseToken = claim.leaseToken;
    r.attempts += 1;
    return { claimed: true };
  }

  async markCompleted(
    source: string,
    eventId: string,
    leaseToken: string,
    nowMs: number,
    archived = false,
  ): Promise<boolean> {
    maybeFail(this.failures, 'markCompleted');
    const r = this.leased(source, eventId, leaseToken, 'processing');
    if (!r) return false;
    r.status = 'completed';
    r.processedAt = nowMs;
    if (archived) r.archivedAt = nowMs;
    r.leaseUntil = undefined;
    r.leaseToken = undefined;
    r.error = undefined;
    return true;
  }

  async markFailed(
    source: string,
    eventId: string,
    leaseToken: string,
    error: string,
    nowMs = 0,
    archived = false,
  ): Promise<boolean> {
    maybeFail(this.failures, 'markFailed');
    const r = this.leased(source, eventId, leaseToken, 'processing');
    if (!r) return false;
    r.status = 'failed';
    r.error = error;
    if (archived) r.archivedAt = nowMs;
    r.leaseUntil = undefined;
    r.leaseToken = undefined;
    return true;
  }

  async markArchived(source: string, eventId: string, nowMs: number): Promise<boolean> {
    maybeFail(this.failures, 'markArchived');
    const r = this.records.get(this.key(source, eventId));
    if (!r) return false;
    r.archivedAt = nowMs;
    return true;
  }

  async get(source: string, eventId: string): Promise<EventRecord | undefined> {
    maybeFail(this.failures, 'get');
    return this.records.get(this.key(source, eventId));
  }
}

export class FakeQueue implements Queue {
  readonly sent: Array<{ queueUrl: string } & QueueMessage> = [];
  readonly failures: Failures = new Map();

  failNext(count = 1, error = new Error('queue unavailable')): void {
    this.failures.set('send', { count, error });
  }

  async send(queueUrl: string, message: QueueMessage): Promise<void> {
    maybeFail(this.failures, 'send');
    this.sent.push({ queueUrl, ...message });
  }
}

export class FakeTopic implements Topic {
  readonly published: PublishEntry[] = [];
  readonly failures: Failures = new Map();
  /** Entry ids to report as failed on the next call. */
  rejectIds = new Set<string>();

  failNext(count = 1, error = new Error('topic unavailable')): void {
    this.failures.set('publishBatch', { count, error });
  }

  async publishBatch(entries: readonly PublishEntry[]): Promise<ReadonlySet<string>> {
    maybeFail(this.failures, 'publishBatch');
    const failed = new Set<string>();
    for (const e of entries) {
      if (this.rejectIds.has(e.id)) failed.add(e.id);
      else this.published.push(e);
    }
    this.rejectIds = new Set();
    return failed;
  }
}

export class FakeSecrets implements SecretSource {
  constructor(
    private readonly secrets: Readonly<Record<string, readonly string[]>>,
    private readonly verifyTokens: Readonly<Record<string, string>> = {},
  ) {}
  failing = false;
  async getVerifyToken(secretId: string): Promise<string | undefined> {
    if (this.failing) throw new Error('secrets unavailable');
    return this.verifyTokens[secretId];
  }
  async getSecrets(secretId: string): Promise<readonly string[]> {
    if (this.failing) throw new Error('secrets unavailable');
    return this.secrets[secretId] ?? [];
  }
}

/** A clock tests move by hand. */
export function manualClock(startMs = Date.UTC(2026, 10, 23, 12, 0, 0)) {
  let now = startMs;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

/** Deterministic lease tokens: t1, t2, ... */
export function tokens() {
  let n = 0;
  return () => `t${++n}`;
}
