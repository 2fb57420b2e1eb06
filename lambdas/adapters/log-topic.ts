/**
 * A `Topic` that writes each operator notification as one log line: the local stack's operations topic (the
 * deployed worker publishes to SNS instead). A notification carries ids, a type and times only
 * (notifications.ts never puts a payload, header, secret or URL in one), so the line is safe to keep. At warn
 * level: it is meant for an operator, and `npm start` shows warnings by default.
 */
import type { PublishEntry, Topic } from '../core/kernel/ports';
import type { Log } from '../core/kernel/log';

export class LogTopic implements Topic {
  constructor(private readonly log: Log) {}

  async publishBatch(entries: readonly PublishEntry[]): Promise<ReadonlySet<string>> {
    for (const e of entries) this.log.warn('operator notification', { notification: JSON.parse(e.message) as unknown });
    return new Set();
  }
}
