import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsWakeUpQueue } from '../../lambdas/adapters/sqs-wake-up-queue';

const sqs = mockClient(SQSClient);

describe('SqsWakeUpQueue', () => {
  beforeEach(() => sqs.reset());

  it('send() batches by ten, delays each wake-up, and caps the delay at 900 s', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsWakeUpQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q');
    const wakeUps = Array.from({ length: 12 }, (_, i) => ({
      tenantId: 't',
      deliveryId: `d${i}`,
      delaySeconds: i === 0 ? 5000 : 5,
    }));

    await queue.send(wakeUps);

    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries!.length)).toEqual([10, 2]);
    expect(calls[0]!.Entries![0]).toMatchObject({
      DelaySeconds: 900,
      MessageBody: '{"tenantId":"t","deliveryId":"d0"}',
    });
    expect(calls[0]!.Entries![1]!.DelaySeconds).toBe(5);
  });

  it('send() throws when SQS refuses an entry, so the caller knows the wake-up is not queued', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    const queue = new SqsWakeUpQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q');
    await expect(queue.send([{ tenantId: 't', deliveryId: 'd', delaySeconds: 0 }])).rejects.toThrow('InternalError');
  });
});
