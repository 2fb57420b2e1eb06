/** WakeUpQueue on SQS: `SendMessageBatch` in tens, each message delayed with `DelaySeconds` (at most 900). */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WakeUpQueue } from '../core/outbound/ports';
import { encodeWakeUp, MAX_QUEUE_DELAY_SECONDS } from '../core/outbound/delivery/wake-up';

export class SqsWakeUpQueue implements WakeUpQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(wakeUps: Parameters<WakeUpQueue['send']>[0]): Promise<void> {
    for (let i = 0; i < wakeUps.length; i += 10) {
      const chunk = wakeUps.slice(i, i + 10);
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((w, j) => ({
            Id: String(j),
            MessageBody: encodeWakeUp(w),
            DelaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.round(w.delaySeconds))),
          })),
        }),
      );
      if ((out.Failed ?? []).length > 0)
        throw new Error(`${out.Failed!.length} wake-ups refused by SQS (${out.Failed![0]!.Code ?? 'unknown'})`);
    }
  }
}
