/**
 * A local SNS topic implementing the `Topic` port. PublishBatch rules are kept (at most 10 entries,
 * distinct ids, 256 KiB in all) and each subscriber gets the messages its filter policy admits.
 * As with SNS, publishing only hands the message over: subscriber deliveries run in the background and
 * a failing subscriber never fails the publish.
 */
import { randomUUID } from 'node:crypto';
import type { PublishEntry, Topic } from '../lambdas/core/kernel/ports';
import type { Log } from '../lambdas/core/kernel/log';
import { REPLAY_ATTRIBUTES } from '../lambdas/contract';
import { checkFilterPolicy, matchesFilterPolicy, type FilterPolicy } from './filter-policy';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './queue';

export const LOCAL_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:webhook-events`;
const MAX_BATCH = 10;
const MAX_MESSAGE_BYTES = 256 * 1024;

/** What a subscriber receives: the SNS notification fields that matter locally. */
export interface Notification {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  /** String message attributes: always `source`, `type`, `eventId`, plus any a route added. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly publishedAt: number;
}

export interface LocalSubscriber {
  /** Shown in logs. */
  readonly name: string;
  /**
   * The subscription id a replay may target (`events replay --subscription`): a message with a `replayTarget`
   * attribute reaches only the subscriber of that id, as each deployed subscription's filter policy has it.
   */
  readonly subscriptionId?: string;
  readonly filterPolicy?: FilterPolicy;
  deliver(notification: Notification): void | Promise<void>;
  /** Waits for deliveries in progress (called on shutdown). */
  close?(): Promise<void>;
}

export class LocalTopic implements Topic {
  readonly arn = LOCAL_TOPIC_ARN;
  private readonly subscribers = new Set<LocalSubscriber>();
  private readonly deliveries = new Set<Promise<void>>();
  /** Messages accepted by the topic since start. */
  published = 0;

  constructor(
    subscribers: readonly LocalSubscriber[] = [],
    private readonly log?: Log,
  ) {
    for (const s of subscribers) this.subscribe(s);
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(subscriber: LocalSubscriber): () => void {
    if (subscriber.filterPolicy) checkFilterPolicy(subscriber.filterPolicy);
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publishBatch(entries: readonly PublishEntry[]): Promise<ReadonlySet<string>> {
    if (entries.length > MAX_BATCH)
      throw new Error(`TooManyEntriesInBatchRequest: ${entries.length} entries; the limit is ${MAX_BATCH}`);
    if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new Error('BatchEntryIdsNotDistinct');
    const total = entries.reduce((n, e) => n + Buffer.byteLength(e.message), 0);
    if (total > MAX_MESSAGE_BYTES)
      throw new Error(`BatchRequestTooLong: ${total} bytes in one PublishBatch; the limit is ${MAX_MESSAGE_BYTES}`);
    const failed = new Set<string>();
    for (const entry of entries) {
      const attributes: Record<string, string> = {};
      // SNS rejects empty String attributes; the adapter drops them, and so does this topic.
      for (const [k, v] of Object.entries(entry.attributes)) if (v !== '') attributes[k] = v;
      this.fanOut({
        messageId: randomUUID(),
        topicArn: this.arn,
        message: entry.message,
        attributes,
        publishedAt: Date.now(),
      });
    }
    return failed;
  }

  /** Waits for subscriber deliveries in progress, then for each subscriber's own queue. */
  async drain(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
    await Promise.allSettled([...this.subscribers].map((s) => s.close?.()));
  }

  private fanOut(notification: Notification): void {
    this.published++;
    for (const subscriber of this.subscribers) {
      if (!matchesFilterPolicy(subscriber.filterPolicy, notification.attributes)) continue;
      const target = notification.attributes[REPLAY_ATTRIBUTES.target];
      if (target !== undefined && target !== subscriber.subscriptionId) continue;
      const delivery = (async () => {
        try {
          await subscriber.deliver(notification);
        } catch (error) {
          this.log?.warn('subscriber delivery failed', {
            subscriber: subscriber.name,
            messageId: notification.messageId,
            cause: String(error),
          });
        }
      })();
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
    }
  }
}
