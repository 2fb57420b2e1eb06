/**
 * Ports that do no work: each call answers at once with what a healthy service answers for a new
 * event, and only counts. bench:handler times the handlers against these, so the figure is the
 * handler's own cost; the stateful test fakes (test/helpers/fakes.ts) keep maps keyed by
 * concatenated strings and copy records, which costs about 2 µs per event by itself, and the bench
 * reports that separately.
 *
 * They are only sound for what the bench sends: every event in a batch is distinct, so "claimed" is
 * the true answer. The bench checks the handlers against the stateful fakes first.
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

const CLAIMED: ClaimResult = { claimed: true };
const NONE_FAILED: ReadonlySet<string> = new Set();

export class NullEventStore implements EventStore {
  calls = 0;
  async tryReceive(_record: EventRecord, _nowMs: number): Promise<ClaimResult> {
    this.calls++;
    return CLAIMED;
  }
  async markEnqueued(): Promise<boolean> {
    this.calls++;
    return true;
  }
  async release(): Promise<boolean> {
    this.calls++;
    return true;
  }
  async tryClaimProcessing(_claim: ProcessingClaim): Promise<ClaimResult> {
    this.calls++;
    return CLAIMED;
  }
  async markCompleted(): Promise<boolean> {
    this.calls++;
    return true;
  }
  async markFailed(): Promise<boolean> {
    this.calls++;
    return true;
  }
  async markArchived(): Promise<boolean> {
    this.calls++;
    return true;
  }
  async get(): Promise<EventRecord | undefined> {
    this.calls++;
    return undefined;
  }
}

export class NullQueue implements Queue {
  sent = 0;
  bytes = 0;
  async send(_queueUrl: string, message: QueueMessage): Promise<void> {
    this.sent++;
    this.bytes += message.body.length;
  }
}

export class NullTopic implements Topic {
  published = 0;
  async publishBatch(entries: readonly PublishEntry[]): Promise<ReadonlySet<string>> {
    this.published += entries.length;
    return NONE_FAILED;
  }
}

export class ConstantSecrets implements SecretSource {
  constructor(private readonly secrets: readonly string[]) {}
  async getSecrets(): Promise<readonly string[]> {
    return this.secrets;
  }
  async getVerifyToken(): Promise<string | undefined> {
    return undefined;
  }
}
