/**
 * The local queue's message shapes and naming, shared by the queue's state machine (queue.ts), its
 * journal encoding (queue-journal.ts) and the event source that consumes it.
 */
import { createHash } from 'node:crypto';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

/** A fair queue's noisy-neighbour thresholds (fair-queue.ts). */
export interface FairSettings {
  /** A noisy tenant holds more than this share of the messages in flight... */
  readonly shareThreshold: number;
  /** ...and at least this many. */
  readonly minInFlight: number;
}

export interface QueueSettings {
  /** Queue name, e.g. `webhooks-stripe`; the DLQ is `<name>-dlq`. */
  readonly name: string;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  readonly retentionMs: number;
  /** An SQS fair queue: messages with a group are handed out fairly between groups (fair-queue.ts). @default off */
  readonly fair?: FairSettings;
}

export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** SQS MessageGroupId: on a fair queue, the tenant. */
  readonly groupId?: string | undefined;
  readonly md5OfBody: string;
  /** Epoch ms. */
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  /** Epoch ms before which the message is not delivered (in flight). */
  visibleAt: number;
  receiptHandle: string | undefined;
}

export interface ReceivedMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId?: string | undefined;
  readonly md5OfBody: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  readonly firstReceivedAt: number;
  readonly receiptHandle: string;
}

export interface QueueStats {
  readonly visible: number;
  readonly inFlight: number;
  readonly deadLetters: number;
  readonly sent: number;
  readonly deleted: number;
  readonly deadLettered: number;
  /**
   * When the earliest in-flight message becomes visible again (epoch ms), if any is in flight. After
   * a crash or a kill, that is when the messages the dead process was working on are retried.
   */
  readonly nextVisibleAt?: number;
}

export function localQueueUrl(name: string): string {
  return `http://sqs.${LOCAL_REGION}.localhost/${LOCAL_ACCOUNT}/${name}`;
}

export function localQueueArn(name: string): string {
  return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
}

export function toReceived(m: StoredMessage, receiptHandle: string): ReceivedMessage {
  return {
    id: m.id,
    body: m.body,
    attributes: m.attributes,
    ...(m.groupId !== undefined && { groupId: m.groupId }),
    md5OfBody: m.md5OfBody,
    sentAt: m.sentAt,
    receiveCount: m.receiveCount,
    firstReceivedAt: m.firstReceivedAt ?? m.sentAt,
    receiptHandle,
  };
}

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
