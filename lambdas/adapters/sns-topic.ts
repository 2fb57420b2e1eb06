/** Topic on SNS: PublishBatch (10 entries a call), reporting the entries that failed. */
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PublishEntry, Topic } from '../core/kernel/ports';
import { EXTENDED_PAYLOAD_SIZE_ATTRIBUTE } from '../contract';
import { stringAttributes } from './sqs-queue';

/** String attributes, except the extended clients' reserved size attribute, which they read as a Number. */
function messageAttributes(attributes: Readonly<Record<string, string>>) {
  const out = stringAttributes(attributes);
  const size = out[EXTENDED_PAYLOAD_SIZE_ATTRIBUTE];
  if (size) size.DataType = 'Number';
  return out;
}

export class SnsTopic implements Topic {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publishBatch(entries: readonly PublishEntry[]): Promise<ReadonlySet<string>> {
    if (entries.length === 0) return new Set();
    // SNS batch ids must be short alphanumerics: use positions and map back.
    const out = await this.client.send(
      new PublishBatchCommand({
        TopicArn: this.topicArn,
        PublishBatchRequestEntries: entries.map((e, i) => ({
          Id: `e${i}`,
          Message: e.message,
          MessageAttributes: messageAttributes(e.attributes),
        })),
      }),
    );
    const failed = new Set<string>();
    for (const f of out.Failed ?? []) {
      const entry = entries[Number(f.Id?.slice(1))];
      if (entry) failed.add(entry.id);
    }
    // An entry reported in neither list did not demonstrably succeed: treat it as failed.
    const succeeded = new Set((out.Successful ?? []).map((s) => s.Id));
    entries.forEach((e, i) => {
      if (!succeeded.has(`e${i}`)) failed.add(e.id);
    });
    return failed;
  }
}
