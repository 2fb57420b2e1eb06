/**
 * Queue on SQS: one SendMessage per event, attributes as String message attributes, and the message's group as
 * MessageGroupId: on a standard queue that makes it an SQS fair queue (the shared pipeline), where a group that
 * floods the queue does not hold up the others.
 */
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import type { Queue, QueueMessage } from '../core/inbound/ports';

export class SqsQueue implements Queue {
  constructor(private readonly client: SQSClient) {}

  async send(queueUrl: string, message: QueueMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        MessageAttributes: stringAttributes(message.attributes),
        ...(message.groupId !== undefined && { MessageGroupId: message.groupId }),
      }),
    );
  }
}

export function stringAttributes(attributes: Readonly<Record<string, string>>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== '') out[name] = { DataType: 'String', StringValue: value };
  }
  return out;
}
