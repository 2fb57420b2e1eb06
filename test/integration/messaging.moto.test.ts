/**
 * SQS, SNS and Secrets Manager against moto_server: the requests our adapters build are accepted by a
 * server of the real protocol, the limits we split batches by are the server's, and the filter
 * policies lib/ synthesizes route in SNS exactly the events their config names.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishBatchCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateSecretCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import { SqsQueue } from '../../lambdas/adapters/sqs-queue';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { SecretsManagerSource } from '../../lambdas/adapters/secrets-manager-source';
import { eventAttributes } from '../../lambdas/contract';
import { publishChunks } from '../../lambdas/core/inbound/process';
import type { PublishEntry } from '../../lambdas/core/kernel/ports';
import { manualClock } from '../helpers/fakes';
import { buildStack, fixtureInput } from '../infra/support';
import { clients, describeWithServer } from './servers';

const KIB = 1024;

describeWithServer('moto', 'SQS, SNS and Secrets Manager against moto', (server) => {
  let sqs: SQSClient;
  let sns: SNSClient;
  let secrets: SecretsManagerClient;
  beforeEach(() => {
    ({ sqs, sns, secrets } = clients(server().endpoint));
  });
  afterEach(() => {
    for (const client of [sqs, sns, secrets]) client.destroy();
  });

  const createQueue = async (name: string, attributes: Record<string, string> = {}) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!.QueueArn!;
    return { url, arn };
  };
  const receive = async (url: string, visibilityTimeout?: number): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          AttributeNames: ['All'],
          VisibilityTimeout: visibilityTimeout,
        }),
      )
    ).Messages ?? [];
  /** Every message a queue holds now (the subscriber's consumer), deleting as it reads. */
  const drain = async (url: string): Promise<Message[]> => {
    const all: Message[] = [];
    for (let batch = await receive(url, 30); batch.length > 0; batch = await receive(url, 30)) {
      all.push(...batch);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return all;
  };
  const stringAttributes = (m: Message) =>
    Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, `${v.DataType}:${v.StringValue}`]),
    );

  describe('SQS', () => {
    it('SqsQueue.send() delivers the body and the event attributes as String message attributes', async () => {
      const queue = await createQueue('ingest');

      await new SqsQueue(sqs).send(queue.url, {
        body: '{"id":"evt_1"}',
        attributes: { ...eventAttributes('stripe', 'invoice.paid', 'evt_1') },
      });

      const [message] = await receive(queue.url);
      expect(message?.Body).toBe('{"id":"evt_1"}');
      expect(stringAttributes(message!)).toEqual({
        source: 'String:stripe',
        type: 'String:invoice.paid',
        eventId: 'String:evt_1',
      });
    });

    it('a partial batch failure: the deleted messages are gone, the failed one comes back after its visibility timeout', async () => {
      const queue = await createQueue('ingest');
      for (const id of ['a', 'b', 'c'])
        await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: id }));

      const first = await receive(queue.url, 1);
      expect(first.map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
      const succeeded = first.filter((m) => m.Body !== 'b');
      // What the event source mapping does with { batchItemFailures: [b] }: deletes the rest.
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: succeeded.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      expect(deleted.Failed ?? []).toEqual([]);

      const again =
        (
          await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 3, AttributeNames: ['All'] }),
          )
        ).Messages ?? [];
      expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['b', '2']]);
    });

    it('a message received maxReceiveCount times is moved to the dead-letter queue with its attributes', async () => {
      const dlq = await createQueue('ingest-dlq');
      const queue = await createQueue('ingest', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
      });
      await new SqsQueue(sqs).send(queue.url, {
        body: 'poison',
        attributes: { ...eventAttributes('stripe', 'invoice.paid', 'evt_9') },
      });

      for (let i = 0; i < 3; i++) expect(await receive(queue.url, 0)).toHaveLength(1);
      expect(await receive(queue.url, 0)).toHaveLength(0);

      const [dead] = await receive(dlq.url);
      expect(dead?.Body).toBe('poison');
      expect(stringAttributes(dead!)).toEqual({
        source: 'String:stripe',
        type: 'String:invoice.paid',
        eventId: 'String:evt_9',
      });
    });
  });

  describe('SNS', () => {
    /** A topic with one raw-delivery SQS subscriber (optionally filtered), as the stack's sqs subscriptions are. */
    const topicWithSubscriber = async (name: string, filterPolicy?: unknown) => {
      const topicArn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
      const queue = await createQueue(`${name}-subscriber`);
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: {
            RawMessageDelivery: 'true',
            ...(filterPolicy !== undefined && { FilterPolicy: JSON.stringify(filterPolicy) }),
          },
        }),
      );
      return { topicArn, queue };
    };
    const entry = (id: string, source = 'stripe', type = 'invoice.paid', message = `{"id":"${id}"}`): PublishEntry => ({
      id,
      message,
      attributes: eventAttributes(source, type, id),
    });

    it('SnsTopic.publishBatch() of 10 entries is accepted whole and delivered raw with attributes', async () => {
      const { topicArn, queue } = await topicWithSubscriber('events');
      const entries = Array.from({ length: 10 }, (_, i) => entry(`evt_${i}`));

      expect([...(await new SnsTopic(sns, topicArn).publishBatch(entries))]).toEqual([]);

      const delivered = await drain(queue.url);
      expect(delivered.map((m) => m.Body).sort()).toEqual(entries.map((e) => e.message).sort());
      expect(stringAttributes(delivered.find((m) => m.Body === '{"id":"evt_3"}')!)).toEqual({
        source: 'String:stripe',
        type: 'String:invoice.paid',
        eventId: 'String:evt_3',
      });
    });

    it('the server refuses the batches publishChunks() never builds: 11 entries, repeated ids', async () => {
      const { topicArn } = await topicWithSubscriber('events');
      const raw = (ids: string[]) =>
        sns.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: ids.map((Id) => ({ Id, Message: 'm' })),
          }),
        );

      await expect(raw(Array.from({ length: 11 }, (_, i) => `e${i}`))).rejects.toMatchObject({
        name: 'TooManyEntriesInBatchRequestException',
      });
      await expect(raw(['e0', 'e0'])).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
    });

    it('publishChunks() splits 25 entries of 40 KiB into calls of at most 10 entries and 256 KiB, each accepted', async () => {
      const { topicArn, queue } = await topicWithSubscriber('events');
      const entries = Array.from({ length: 25 }, (_, i) =>
        entry(`evt_${i}`, 'stripe', 'invoice.paid', `${i}:${'x'.repeat(40 * KIB)}`),
      );
      const topic = new SnsTopic(sns, topicArn);

      const chunks = publishChunks(entries);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(10);
        expect(chunk.reduce((n, e) => n + Buffer.byteLength(e.message) + 60, 0)).toBeLessThanOrEqual(256 * KIB);
        expect([...(await topic.publishBatch(chunk))]).toEqual([]);
      }

      expect(chunks.length).toBe(5);
      expect((await drain(queue.url)).length).toBe(25);
    });

    it('maps Successful and Failed back to the entries: only the entry SNS refused is reported', async () => {
      const { topicArn, queue } = await topicWithSubscriber('events');
      // A message over 256 KiB is the one thing moto refuses per entry rather than per call.
      const entries = [
        entry('ok_1'),
        entry('too_big', 'stripe', 'invoice.paid', 'x'.repeat(256 * KIB + 1)),
        entry('ok_2'),
      ];

      const failed = await new SnsTopic(sns, topicArn).publishBatch(entries);

      expect([...failed]).toEqual(['too_big']);
      expect((await drain(queue.url)).map((m) => m.Body).sort()).toEqual(['{"id":"ok_1"}', '{"id":"ok_2"}']);
    });

    it("each subscription kind's synthesized filter policy routes exactly the events its config names", async () => {
      const stack = buildStack();
      const subscriptions = Object.entries(stack.eventTopic.subscriptions);
      expect(subscriptions.map(([id]) => id).sort()).toEqual(fixtureInput.subscriptions.map((s) => s.id).sort());
      const kinds = new Set(fixtureInput.subscriptions.map((s) => s.kind));
      expect(kinds).toEqual(new Set(['sqs', 'lambda', 'email', 'https']));

      const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'events' }))).TopicArn!;
      const queues = new Map<string, string>();
      for (const [id, subscription] of subscriptions) {
        const cfn = subscription.node.defaultChild as CfnSubscription;
        const filterPolicy = stack.resolve(cfn.filterPolicy) as unknown;
        const queue = await createQueue(`subscriber-${id}`);
        queues.set(id, queue.url);
        // Whatever the kind, SNS evaluates the same policy before delivery; an SQS queue lets us observe it.
        await sns.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'sqs',
            Endpoint: queue.arn,
            Attributes: {
              RawMessageDelivery: 'true',
              ...(filterPolicy !== undefined && { FilterPolicy: JSON.stringify(filterPolicy) }),
            },
          }),
        );
      }

      const sources = ['stripe', 'github-app', 'shopify'];
      const types = [
        'invoice.paid',
        'invoice',
        'charge.refunded',
        'charge.refunded.partial',
        'payout.created',
        'push',
        'xinvoice.paid',
      ];
      const events = sources.flatMap((source) => types.map((type, i) => entry(`${source}_${i}`, source, type)));
      const topic = new SnsTopic(sns, topicArn);
      for (const chunk of publishChunks(events)) expect([...(await topic.publishBatch(chunk))]).toEqual([]);

      for (const config of fixtureInput.subscriptions) {
        // What the config says, read independently of lib/filter-policy.ts: sources ANDed with types or prefixes.
        const filter =
          (config as { filter?: { source?: string[]; type?: string[]; typePrefix?: string[] } }).filter ?? {};
        const wanted = events.filter((e) => {
          const { source, type } = e.attributes as { source: string; type: string };
          const sourceOk = !filter.source || filter.source.includes(source);
          const anyType = !filter.type && !filter.typePrefix;
          const typeOk =
            anyType || (filter.type ?? []).includes(type) || (filter.typePrefix ?? []).some((p) => type.startsWith(p));
          return sourceOk && typeOk;
        });
        const delivered = await drain(queues.get(config.id)!);
        expect({
          subscription: config.id,
          events: delivered.map((m) => m.MessageAttributes?.eventId?.StringValue).sort(),
        }).toEqual({
          subscription: config.id,
          events: wanted.map((e) => e.id).sort(),
        });
        for (const m of delivered)
          expect(Object.keys(m.MessageAttributes ?? {}).sort()).toEqual(['eventId', 'source', 'type']);
      }
    });
  });

  describe('Secrets Manager', () => {
    it('reads the {"current","previous"} JSON format and a plain string', async () => {
      await secrets.send(
        new CreateSecretCommand({
          Name: 'webhooks/stripe',
          SecretString: JSON.stringify({ current: 'new', previous: 'old' }),
        }),
      );
      await secrets.send(new CreateSecretCommand({ Name: 'webhooks/github', SecretString: 'plain-secret' }));
      const source = new SecretsManagerSource(secrets, 60_000, manualClock());

      expect(await source.getSecrets('webhooks/stripe')).toEqual(['new', 'old']);
      expect(await source.getSecrets('webhooks/github')).toEqual(['plain-secret']);
    });

    it('picks a rotated value up once the cache time has passed, not before', async () => {
      const arn = (
        await secrets.send(
          new CreateSecretCommand({ Name: 'webhooks/stripe', SecretString: JSON.stringify({ current: 'old' }) }),
        )
      ).ARN!;
      const clock = manualClock();
      const source = new SecretsManagerSource(secrets, 60_000, clock);
      expect(await source.getSecrets(arn)).toEqual(['old']);

      await secrets.send(
        new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ current: 'new', previous: 'old' }) }),
      );
      clock.advance(59_000);
      expect(await source.getSecrets(arn)).toEqual(['old']);
      clock.advance(2_000);
      expect(await source.getSecrets(arn)).toEqual(['new', 'old']);
    });

    it('a secret with no value yet fails the load, which is not cached: the value is used as soon as it is put', async () => {
      await secrets.send(new CreateSecretCommand({ Name: 'webhooks/stripe' }));
      const source = new SecretsManagerSource(secrets, 60_000, manualClock());

      await expect(source.getSecrets('webhooks/stripe')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      await secrets.send(
        new PutSecretValueCommand({ SecretId: 'webhooks/stripe', SecretString: JSON.stringify({ current: 'first' }) }),
      );
      expect(await source.getSecrets('webhooks/stripe')).toEqual(['first']);
    });
  });
});
