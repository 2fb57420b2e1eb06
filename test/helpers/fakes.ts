/**
 * In-memory fakes of the ports, with the same conditional semantics as the DynamoDB adapter,
 * so core tests run without AWS mocks. `failNext` makes the next calls of a method reject.
 */
import type { ClaimResult, EventRecord, EventStore, ProcessingClaim, PublishEntry, Queue, QueueMessage, SecretSource, Topic } from '../../lambdas/core/ports';

type Failures = Map<string, { count: number; error: Error }>;

function maybeFail(failures: Failures, method: string): void {
  const f = failures.get(method);
  if (f && f.count > 0) {
    f.count--;
    throw f.error;
  }
}

export class FakeEventStore implements EventStore {
  readonly records = new Map<string, EventRecord>();
  readonly failures: Failures = new Map();

  failNext(method: keyof EventStore, count = 1, error: Error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })): void {
    this.failures.set(method, { count, error });
  }

  private key(source: string, id: string): string {
    return `${source}#${id}`;
  }

  async tryReceive(record: EventRecord, nowMs: number): Promise<ClaimResult> {
    maybeFail(this.failures, 'tryReceive');
    const existing = this.records.get(this.key(record.source, record.eventId));
    if (existing && !(existing.status === 'received' && (existing.leaseUntil ?? 0) < nowMs)) return { claimed: false, existing };
    this.records.set(this.key(record.source, record.eventId), record);
    return { claimed: true };
  }

  async markEnqueued(source: string, eventId: string, leaseToken: string, nowMs: number): Promise<boolean> {
    maybeFail(this.failures, 'markEnqueued');
    const r = this.records.get(this.key(source, eventId));
    if (!r || r.leaseToken !== leaseToken || r.status !== 'received') return false;
    const { leaseUntil: _l, leaseToken: _t, ...rest } = r;
    this.records.set(this.key(source, eventId), { ...rest, status: 'enqueued', enqueuedAt: nowMs });
    return true;
  }

  async release(source: string, eventId: string, leaseToken: string): Promise<boolean> {
    maybeFail(this.failures, 'release');
    const r = this.records.get(this.key(source, eventId));
    if (!r || r.leaseToken !== leaseToken || r.status !== 'received') return false;
    this.records.delete(this.key(source, eventId));
    return true;
  }

  async tryClaimProcessing(claim: ProcessingClaim): Promise<ClaimResult> {
    maybeFail(this.failures, 'tryClaimProcessing');
    const key = this.key(claim.source, claim.eventId);
    const r = this.records.get(key);
    const claimable =
      !r || r.status === 'received' || r.status === 'enqueued' || r.status === 'failed' || (r.status === 'processing' && (r.leaseUntil ?? 0) < claim.nowMs);
    if (!claimable) return { claimed: false, existing: r };
    this.records.set(key, {
      source: claim.source,
      eventId: claim.eventId,
      type: r?.type ?? claim.type,
      receivedAt: r?.receivedAt ?? claim.receivedAt,
      expiresAt: r?.expiresAt ?? claim.expiresAt,
      ...(r?.enqueuedAt !== undefined && { enqueuedAt: r.enqueuedAt }),
      ...(r?.error !== undefined && { error: r.error }),
      status: 'processing',
      leaseUntil: claim.leaseUntil,
      leaseToken: claim.leaseToken,
      attempts: (r?.attempts ?? 0) + 1,
    });
    return { claimed: true };
  }

  async markCompleted(source: string, eventId: string, leaseToken: string, nowMs: number): Promise<boolean> {
    maybeFail(this.failures, 'markCompleted');
    const key = this.key(source, eventId);
    const r = this.records.get(key);
    if (!r || r.leaseToken !== leaseToken || r.status !== 'processing') return false;
    const { leaseUntil: _l, leaseToken: _t, error: _e, ...rest } = r;
    this.records.set(key, { ...rest, status: 'completed', processedAt: nowMs });
    return true;
  }

  async markFailed(source: string, eventId: string, leaseToken: string, error: string): Promise<boolean> {
    maybeFail(this.failures, 'markFailed');
    const key = this.key(source, eventId);
    const r = this.records.get(key);
    if (!r || r.leaseToken !== leaseToken || r.status !== 'processing') return false;
    const { leaseUntil: _l, leaseToken: _t, ...rest } = r;
    this.records.set(key, { ...rest, status: 'failed', error });
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
  constructor(private readonly secrets: Readonly<Record<string, readonly string[]>>) {}
  failing = false;
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
