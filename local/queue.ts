/**
 * A local SQS queue with its dead-letter queue, implementing the semantics the pipeline relies on:
 * - `receive` hides a message for the visibility timeout and counts the receive;
 * - a message not deleted in time becomes visible again (at-least-once);
 * - a message already received `maxReceiveCount` times moves to the DLQ on its next receive, as with
 *   an SQS redrive policy;
 * - `delete` needs the latest receipt handle (an older one is accepted but deletes nothing, like SQS);
 * - messages older than the retention period are dropped.
 *
 * With a journal, every change is appended before the call returns, so a message `send` resolved for
 * (the verifier's 202) survives a crash or restart, receive counts included. In-flight messages keep
 * their visibility deadline across a restart, exactly as SQS keeps it when a consumer dies.
 * How the journal is encoded and compacted is queue-journal.ts; the message shapes are queue-message.ts.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Queue, QueueMessage } from '../lambdas/core/inbound/ports';
import type { Clock } from '../lambdas/core/kernel/ports';
import { countByGroup, pickFair } from './fair-queue';
import { QueueJournal, type Op, type QueueContents } from './queue-journal';
import {
  localQueueArn,
  localQueueUrl,
  md5,
  toReceived,
  type QueueSettings,
  type QueueStats,
  type ReceivedMessage,
  type StoredMessage,
} from './queue-message';

export { LOCAL_ACCOUNT, LOCAL_REGION, localQueueArn, localQueueUrl } from './queue-message';
export type { FairSettings, QueueSettings, QueueStats, ReceivedMessage, StoredMessage } from './queue-message';

export interface QueueEvents {
  /** A message became available: sent, or returned to the queue. */
  message: [];
  'dead-letter': [message: ReceivedMessage];
}

export class LocalQueue extends EventEmitter<QueueEvents> implements Queue {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;

  /** Visible messages, oldest first. */
  private readonly visible = new Map<string, StoredMessage>();
  /** Invisible messages (received, or restored in flight after a restart). */
  private readonly invisible = new Map<string, StoredMessage>();
  private readonly dlq = new Map<string, StoredMessage>();
  /** Sent but not yet durable: invisible to consumers, but part of any snapshot taken meanwhile. */
  private readonly unacknowledged = new Map<string, StoredMessage>();
  private liveBytes = 0;
  private counters = { sent: 0, deleted: 0, deadLettered: 0 };

  private constructor(
    readonly settings: QueueSettings,
    private readonly journal: QueueJournal | undefined,
    private readonly clock: Clock,
  ) {
    super();
    this.url = localQueueUrl(settings.name);
    this.arn = localQueueArn(settings.name);
    this.dlqUrl = localQueueUrl(`${settings.name}-dlq`);
    this.dlqArn = localQueueArn(`${settings.name}-dlq`);
  }

  /** Opens a queue; with `journalPath`, restores its state from disk and compacts the journal. */
  static async open(
    settings: QueueSettings,
    options: { journalPath?: string; clock?: Clock; sync?: boolean } = {},
  ): Promise<LocalQueue> {
    const clock = options.clock ?? Date.now;
    if (options.journalPath === undefined) return new LocalQueue(settings, undefined, clock);
    const { journal, main, dlq } = await QueueJournal.open(options.journalPath, options.sync ?? true);
    const queue = new LocalQueue(settings, journal, clock);
    queue.restore(main, dlq);
    await journal.rewrite(queue.contents());
    return queue;
  }

  /** The Queue port: only this queue's URL is accepted. */
  async send(queueUrl: string, message: QueueMessage): Promise<void> {
    if (queueUrl !== this.url) throw new Error(`no local queue at ${queueUrl}`);
    await this.sendMessage(message);
  }

  /**
   * Enqueues a message; resolves with its id once it is durable. `delayMs` holds it back like SQS `DelaySeconds`
   * (the journal does not keep the delay: after a restart a delayed message is visible at once, which its
   * consumer must tolerate, as the outbound worker does for an early wake-up).
   */
  async sendMessage(message: QueueMessage, delayMs = 0): Promise<string> {
    const now = this.clock();
    const stored: StoredMessage = {
      id: randomUUID(),
      body: message.body,
      attributes: { ...message.attributes },
      ...(message.groupId !== undefined && { groupId: message.groupId }),
      md5OfBody: md5(message.body),
      sentAt: now,
      receiveCount: 0,
      firstReceivedAt: undefined,
      visibleAt: now + Math.max(0, delayMs),
      receiptHandle: undefined,
    };
    if (this.journal) {
      // Only a durable write makes the message visible: a failed append must not deliver it.
      this.unacknowledged.set(stored.id, stored);
      try {
        await this.journal.append({
          o: 's',
          q: 'm',
          id: stored.id,
          b: stored.body,
          a: stored.attributes,
          ...(stored.groupId !== undefined && { g: stored.groupId }),
          t: now,
        } satisfies Op);
      } finally {
        this.unacknowledged.delete(stored.id);
      }
    }
    (stored.visibleAt > now ? this.invisible : this.visible).set(stored.id, stored);
    this.liveBytes += stored.body.length;
    this.counters.sent++;
    this.emit('message');
    return stored.id;
  }

  /**
   * Receives up to `max` messages, hiding each for the visibility timeout. Messages over
   * `maxReceiveCount` move to the DLQ instead; expired ones are dropped.
   */
  async receive(max: number, visibilityTimeoutMs = this.settings.visibilityTimeoutMs): Promise<ReceivedMessage[]> {
    const now = this.clock();
    this.promoteExpired(now);
    const out: ReceivedMessage[] = [];
    const ops: Op[] = [];
    const order = this.settings.fair
      ? pickFair(this.visible.values(), countByGroup(this.invisible.values()), max, this.settings.fair)
      : this.visible.values();
    for (const message of order) {
      if (out.length >= max) break;
      this.visible.delete(message.id);
      if (message.sentAt + this.settings.retentionMs <= now) {
        this.liveBytes -= message.body.length;
        ops.push({ o: 'd', id: message.id });
        continue;
      }
      if (message.receiveCount >= this.settings.maxReceiveCount) {
        this.dlq.set(message.id, message);
        this.counters.deadLettered++;
        ops.push({ o: 'dlq', id: message.id });
        this.emit('dead-letter', toReceived(message, ''));
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      this.invisible.set(message.id, message);
      ops.push({ o: 'r', id: message.id, rc: message.receiveCount, f: message.firstReceivedAt, v: message.visibleAt });
      out.push(toReceived(message, message.receiptHandle));
    }
    if (ops.length > 0 && this.journal) await this.journal.append(...ops);
    return out;
  }

  /** Deletes a received message. False when the handle is not the latest one (nothing is deleted). */
  async delete(receiptHandle: string): Promise<boolean> {
    const message = this.findInFlight(receiptHandle);
    if (!message) return false;
    this.invisible.delete(message.id);
    this.liveBytes -= message.body.length;
    this.counters.deleted++;
    await this.journal?.append({ o: 'd', id: message.id } satisfies Op);
    this.maybeCompact();
    return true;
  }

  /** ChangeMessageVisibility: 0 returns the message to the queue at once. */
  async changeVisibility(receiptHandle: string, timeoutMs: number): Promise<boolean> {
    const message = this.findInFlight(receiptHandle);
    if (!message) return false;
    message.visibleAt = this.clock() + timeoutMs;
    await this.journal?.append({ o: 'v', id: message.id, v: message.visibleAt } satisfies Op);
    if (timeoutMs <= 0) {
      this.promoteExpired(this.clock());
      this.emit('message');
    }
    return true;
  }

  /** When the next invisible message becomes visible (epoch ms), if any. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const m of this.invisible.values()) if (next === undefined || m.visibleAt < next) next = m.visibleAt;
    return next;
  }

  /** Whether a message could be received now. */
  hasVisible(): boolean {
    if (this.visible.size > 0) return true;
    const now = this.clock();
    for (const m of this.invisible.values()) if (m.visibleAt <= now) return true;
    return false;
  }

  stats(): QueueStats {
    const nextVisibleAt = this.nextVisibleAt();
    return {
      visible: this.visible.size,
      inFlight: this.invisible.size,
      deadLetters: this.dlq.size,
      ...this.counters,
      ...(nextVisibleAt !== undefined && { nextVisibleAt }),
    };
  }

  /** The DLQ's messages, oldest first. */
  deadLetters(): ReceivedMessage[] {
    return [...this.dlq.values()].map((m) => toReceived(m, ''));
  }

  /** Moves every DLQ message back to the queue with a fresh receive count (an SQS redrive). */
  async redrive(): Promise<number> {
    const ops: Op[] = [];
    const now = this.clock();
    for (const message of this.dlq.values()) {
      this.dlq.delete(message.id);
      message.receiveCount = 0;
      message.firstReceivedAt = undefined;
      message.visibleAt = now;
      message.receiptHandle = undefined;
      this.visible.set(message.id, message);
      ops.push({ o: 'redrive', id: message.id });
    }
    if (ops.length > 0) {
      await this.journal?.append(...ops);
      this.emit('message');
    }
    return ops.length;
  }

  async close(): Promise<void> {
    if (!this.journal) return;
    await this.journal.close(this.contents());
  }

  private findInFlight(receiptHandle: string): StoredMessage | undefined {
    if (receiptHandle === '') return undefined;
    for (const m of this.invisible.values()) if (m.receiptHandle === receiptHandle) return m;
    return undefined;
  }

  private promoteExpired(now: number): void {
    for (const m of this.invisible.values()) {
      if (m.visibleAt <= now) {
        this.invisible.delete(m.id);
        m.receiptHandle = undefined;
        this.visible.set(m.id, m);
      }
    }
  }

  private maybeCompact(): void {
    this.journal?.maybeCompact(this.liveBytes, () => this.contents());
  }

  /** The live state, for a journal snapshot: in flight, visible, not yet durable, then the DLQ. */
  private contents(): QueueContents {
    return {
      main: [...this.invisible.values(), ...this.visible.values(), ...this.unacknowledged.values()],
      dlq: [...this.dlq.values()],
    };
  }

  /** Takes the state replayed from the journal: each main-queue message in flight or visible by its deadline. */
  private restore(main: ReadonlyMap<string, StoredMessage>, dlq: ReadonlyMap<string, StoredMessage>): void {
    for (const [id, m] of dlq) this.dlq.set(id, m);
    const now = this.clock();
    for (const m of main.values()) {
      (m.visibleAt > now ? this.invisible : this.visible).set(m.id, m);
      this.liveBytes += m.body.length;
    }
  }
}

/** The Queue port over several local queues, routed by queue URL like SQS. */
export class LocalQueues implements Queue {
  private readonly byUrl = new Map<string, LocalQueue>();

  constructor(queues: Iterable<LocalQueue>) {
    for (const q of queues) this.byUrl.set(q.url, q);
  }

  async send(queueUrl: string, message: QueueMessage): Promise<void> {
    const queue = this.byUrl.get(queueUrl);
    // The same failure SQS gives: the verifier maps it to a 503 and the sender retries.
    if (!queue) throw new Error(`AWS.SimpleQueueService.NonExistentQueue: ${queueUrl}`);
    await queue.sendMessage(message);
  }
}
