/**
 * The operator console's data on a deployed stack (aws-console-data.ts), with moto standing in for AWS: the source's
 * per-minute requests and rejections from CloudWatch, each queue's depth and dead letters from SQS (a look leaves
 * them in place), the events from the events table. (moto has no StartMessageMoveTask: the redrive is tested
 * against aws-sdk-client-mock in test/adapters/aws-console-data.test.ts.)
 */
import * as CloudWatch from '@aws-sdk/client-cloudwatch';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { awsConsoleData } from '../../lambdas/adapters/console/aws-console-data';
import { queueUrlOf } from '../../lambdas/adapters/console/sqs-queue-admin';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { OUTPUTS } from '../../lib/stack-outputs';
import { createFakeStack, FAKE_SOURCE, recentDatum } from './fake-stack';
import { clients, describeWithServer, TEST_CREDENTIALS, TEST_REGION } from './servers';

const STACK = 'ConsoleStack';

describeWithServer('moto', 'the operator console against a deployed stack (moto)', (server) => {
  it('shows the source’s requests, the queues with a dead letter left in place, and the events', async () => {
    const config = { endpoint: server().endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS };
    await createFakeStack(server().endpoint, STACK);
    const cfn = new CloudFormationClient(config);
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: STACK }));
    cfn.destroy();
    const outputs = Object.fromEntries((Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    const { dynamo, sqs } = clients(server().endpoint);
    const cloudwatch = new CloudWatch.CloudWatchClient(config);

    // One dead letter, two waiting messages.
    const deadLetters = await queueUrlOf(sqs, outputs[OUTPUTS.deadLetterQueueArn(FAKE_SOURCE)]!);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: deadLetters,
        MessageBody: 'a body the console never shows',
        MessageAttributes: { eventId: { DataType: 'String', StringValue: 'evt_dead' } },
      }),
    );
    for (const n of [1, 2])
      await sqs.send(
        new SendMessageCommand({ QueueUrl: outputs[OUTPUTS.queueUrl(FAKE_SOURCE)]!, MessageBody: `${n}` }),
      );
    const datum = recentDatum;
    await cloudwatch.send(
      new CloudWatch.PutMetricDataCommand({
        Namespace: STACK,
        MetricData: [
          datum('Accepted', 5, { Source: FAKE_SOURCE }),
          datum('Rejected', 2, { Source: FAKE_SOURCE, Reason: 'invalid_signature' }),
        ],
      }),
    );
    const store = new DynamoEventStore(dynamo, outputs[OUTPUTS.eventsTableName]!);
    const base = { source: FAKE_SOURCE, type: 'invoice.paid', attempts: 0, expiresAt: 2_000_000_000 } as const;
    for (const [eventId, receivedAt] of [
      ['evt_1', 1_000],
      ['evt_2', 2_000],
    ] as const)
      await store.tryReceive({ ...base, eventId, status: 'received', receivedAt, leaseToken: 't' }, receivedAt);

    const data = awsConsoleData({
      sources: [{ id: FAKE_SOURCE, scheme: 'stripe' }],
      tenantSources: false,
      queues: [{ name: FAKE_SOURCE, url: outputs[OUTPUTS.queueUrl(FAKE_SOURCE)]! }],
      namespace: STACK,
      eventsTable: outputs[OUTPUTS.eventsTableName]!,
      outboundTable: 'none',
      dynamo,
      sqs,
      cloudwatch: async () => ({ client: cloudwatch, commands: CloudWatch }),
      getEvent: (source, eventId) => store.get(source, eventId),
    });

    const overview = await data.overview();
    const stripe = overview.sources[0]!;
    expect(stripe.requests.perMinute.reduce((a, b) => a + b, 0)).toBe(7);
    expect(stripe.requests.rejectedPerMinute.reduce((a, b) => a + b, 0)).toBe(2);
    expect(stripe.requests.outcomes).toEqual({ accepted: 5, 'rejected:invalid_signature': 2 });
    expect(overview.queues).toEqual([{ name: FAKE_SOURCE, visible: 2, inFlight: 0, deadLetters: 1 }]);

    const letters = await data.deadLetters(FAKE_SOURCE);
    expect(letters).toEqual([expect.objectContaining({ eventId: 'evt_dead', bytes: 30 })]);
    expect(JSON.stringify(letters)).not.toContain('a body');
    // Looked at, not taken: visible again at once (for another look, or a redrive).
    expect(await data.deadLetters(FAKE_SOURCE)).toEqual([expect.objectContaining({ eventId: 'evt_dead' })]);
    expect((await data.overview()).queues[0]!.deadLetters).toBe(1);

    expect((await data.events({ limit: 10 })).map((e) => e.eventId)).toEqual(['evt_2', 'evt_1']);
    expect((await data.events({ limit: 10, status: 'completed' })).length).toBe(0);
    expect(await data.event(FAKE_SOURCE, 'evt_1')).toMatchObject({ eventId: 'evt_1', status: 'received' });
    cloudwatch.destroy();
    dynamo.destroy();
    sqs.destroy();
  });
});
