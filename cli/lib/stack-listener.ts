/**
 * `listen --stack`'s resources: a temporary SQS queue (SSE-SQS, TLS-only, writable only by the stack's events topic)
 * subscribed to the topic with raw delivery and the routes' filter policy, removed with its subscription on exit.
 * Each queue is tagged with the stack, the host, the pid and a heartbeat the running `listen` renews, so the next
 * `listen` finds the ones a killed `listen` left (this host's whose process is gone, or anyone's whose heartbeat
 * stopped) and removes them.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  TagQueueCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  paginateListSubscriptionsByTopic,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { FilterPolicy } from '../../local/filter-policy';

export const LISTEN_QUEUE_PREFIX = 'webhook-listen-';
export const LISTEN_TAGS = {
  stack: 'webhook-listen:stack',
  host: 'webhook-listen:host',
  pid: 'webhook-listen:pid',
  heartbeat: 'webhook-listen:heartbeat',
} as const;
/** How often a running `listen` renews its heartbeat tag, and after how long without one a queue is a leftover. */
export const HEARTBEAT_MS = 60_000;
export const STALE_AFTER_MS = 5 * HEARTBEAT_MS;
/** Events wait this long in the queue for the local receiver (SQS's default retention). */
const RETENTION_SECONDS = 4 * 86_400;

export interface ListenQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly subscriptionArn: string;
}

export interface Clients {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

/** Whether process `pid` runs on this machine (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the queues (and their subscriptions) that a `listen` on `stackName` left behind; returns their names. */
export async function removeLeftovers(
  clients: Clients,
  stack: { readonly name: string; readonly topicArn: string },
  options: { readonly now?: number; readonly alive?: (pid: number) => boolean } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now();
  const alive = options.alive ?? processAlive;
  const removed: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: LISTEN_QUEUE_PREFIX, MaxResults: 1000, NextToken }),
    );
    for (const url of page.QueueUrls ?? []) {
      const { Tags = {} } = await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
      if (Tags[LISTEN_TAGS.stack] !== stack.name) continue;
      const sameHost = Tags[LISTEN_TAGS.host] === hostname();
      const dead = sameHost && !alive(Number(Tags[LISTEN_TAGS.pid]));
      const stale = now - Number(Tags[LISTEN_TAGS.heartbeat] ?? 0) > STALE_AFTER_MS;
      if (!dead && !stale) continue;
      await removeListenQueue(clients, stack.topicArn, { url, arn: await queueArn(clients.sqs, url) });
      removed.push(url.split('/').pop()!);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return removed;
}

/** Creates the queue and subscribes it to the topic with `filterPolicy` (none: every event). */
export async function createListenQueue(
  clients: Clients,
  stack: { readonly name: string; readonly topicArn: string },
  filterPolicy: FilterPolicy | undefined,
  now: number = Date.now(),
): Promise<ListenQueue> {
  const name = `${LISTEN_QUEUE_PREFIX}${stack.name.slice(0, 40)}-${randomBytes(6).toString('hex')}`;
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        SqsManagedSseEnabled: 'true',
        MessageRetentionPeriod: String(RETENTION_SECONDS),
        VisibilityTimeout: '30',
        Policy: JSON.stringify(queuePolicy(stack.topicArn)),
      },
      tags: {
        [LISTEN_TAGS.stack]: stack.name,
        [LISTEN_TAGS.host]: hostname(),
        [LISTEN_TAGS.pid]: String(process.pid),
        [LISTEN_TAGS.heartbeat]: String(now),
      },
    }),
  );
  const url = QueueUrl!;
  const arn = await queueArn(clients.sqs, url);
  try {
    const { SubscriptionArn } = await clients.sns.send(
      new SubscribeCommand({
        TopicArn: stack.topicArn,
        Protocol: 'sqs',
        Endpoint: arn,
        ReturnSubscriptionArn: true,
        Attributes: {
          RawMessageDelivery: 'true',
          ...(filterPolicy && { FilterPolicy: JSON.stringify(filterPolicy) }),
        },
      }),
    );
    return { name, url, arn, subscriptionArn: SubscriptionArn! };
  } catch (error) {
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
    throw error;
  }
}

/** Renews the queue's heartbeat, so no other `listen` takes it for a leftover. */
export async function heartbeat(sqs: SQSClient, url: string, now: number = Date.now()): Promise<void> {
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { [LISTEN_TAGS.heartbeat]: String(now) } }));
}

/** Unsubscribes every subscription of the topic that delivers to the queue, then deletes the queue. */
export async function removeListenQueue(
  clients: Clients,
  topicArn: string,
  queue: { readonly url: string; readonly arn: string },
): Promise<void> {
  for await (const page of paginateListSubscriptionsByTopic({ client: clients.sns }, { TopicArn: topicArn }))
    for (const s of page.Subscriptions ?? [])
      if (s.Endpoint === queue.arn && s.SubscriptionArn)
        await clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: s.SubscriptionArn }));
  await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return Attributes!.QueueArn!;
}

/** Only the stack's topic may send, only over TLS. */
function queuePolicy(topicArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EventsTopicOnly',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}
