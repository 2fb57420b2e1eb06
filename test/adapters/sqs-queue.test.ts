/** SqsQueue: one SendMessage per event, its attributes as String message attributes and its group as MessageGroupId. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsQueue } from '../../lambdas/adapters/sqs-queue';

const sqs = mockClient(SQSClient);

describe('SqsQueue', () => {
  beforeEach(() => sqs.reset());

  it("sends a message with a group as MessageGroupId (the shared fair queue's tenant), and one without none", async () => {
    sqs.on(SendMessageCommand).resolves({});
    const queue = new SqsQueue(new SQSClient({ region: 'us-east-1' }));

    await queue.send('https://sqs/shared', { body: '{}', attributes: { tenant: 'acme' }, groupId: 'acme' });
    await queue.send('https://sqs/own', { body: '{}', attributes: { source: 'stripe' } });

    const [shared, own] = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(shared).toMatchObject({
      QueueUrl: 'https://sqs/shared',
      MessageGroupId: 'acme',
      MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
    });
    expect(own).not.toHaveProperty('MessageGroupId');
  });
});
