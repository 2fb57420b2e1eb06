/**
 * A queue as an operator sees it, on SQS: its depth (waiting, in flight, dead letters), a look at its dead letters,
 * and SQS's own dead-letter redrive (StartMessageMoveTask, followed with ListMessageMoveTasks). Read by the operator
 * console (aws-console-data.ts) and the CLI's `queues --stack` (cli/lib/deployed-queues.ts) alike.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter } from '../../core/console/ports';

export interface QueueRef {
  /** A source id, or `pipeline:shared`, `outbound:intake`, `outbound:deliveries` (the local stack's names). */
  readonly name: string;
  readonly url: string;
  readonly deadLetterArn: string;
  /** The dead-letter queue's URL, when already known (else asked of SQS from its ARN). */
  readonly deadLetterUrl?: string;
}

export interface QueueDepth {
  readonly waiting: number;
  readonly inFlight: number;
  readonly deadLetters: number;
}

/** `arn:aws:sqs:<region>:<account>:<name>` → its URL, asked of SQS (the URL's form differs by partition and endpoint). */
export async function queueUrlOf(sqs: SQSClient, arn: string): Promise<string> {
  const [, , , , account, name] = arn.split(':');
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  return QueueUrl!;
}

/** A queue's dead-letter queue's URL: the one it carries, else asked of SQS. */
export function deadLetterUrl(sqs: SQSClient, queue: QueueRef): Promise<string> {
  return queue.deadLetterUrl === undefined
    ? queueUrlOf(sqs, queue.deadLetterArn)
    : Promise.resolve(queue.deadLetterUrl);
}

/** A queue's dead-letter queue, from its redrive policy. */
export async function deadLetterArnOf(sqs: SQSClient, url: string): Promise<string | undefined> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
  );
  if (Attributes.RedrivePolicy === undefined) return undefined;
  return (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
}

export async function queueDepth(sqs: SQSClient, queue: QueueRef): Promise<QueueDepth> {
  const count = async (url: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  const [main, dead] = await Promise.all([count(queue.url), deadLetterUrl(sqs, queue).then(count)]);
  return { waiting: main.visible, inFlight: main.inFlight, deadLetters: dead.visible + dead.inFlight };
}

/**
 * Up to ten of a dead-letter queue's messages, without their bodies. SQS has no peek: this receives them with a
 * visibility timeout of 0, so they stay available (to a redrive too); each look adds one to their receive count,
 * which on a dead-letter queue (no redrive policy of its own) changes nothing.
 */
export async function peekDeadLetters(sqs: SQSClient, queue: QueueRef): Promise<DeadLetter[]> {
  const url = await deadLetterUrl(sqs, queue);
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['eventId', 'type'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return Messages.map((m) => ({
    id: m.MessageId!,
    eventId: m.MessageAttributes?.eventId?.StringValue,
    type: m.MessageAttributes?.type?.StringValue,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    bytes: Buffer.byteLength(m.Body ?? ''),
  }));
}

export type MoveTask = ListMessageMoveTasksResultEntry;

/**
 * Starts SQS's move of a dead-letter queue's messages back to the queue they came from, then follows it (every
 * `pollMs`) until it ends, unless `follow` is false; `onProgress` sees each reading. Resolves with the last reading.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queue: QueueRef,
  options: { readonly pollMs?: number; readonly onProgress?: (task: MoveTask) => void; readonly follow?: boolean } = {},
): Promise<MoveTask> {
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.deadLetterArn }));
  const read = async (): Promise<MoveTask> => {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: queue.deadLetterArn, MaxResults: 10 }),
    );
    return Results.find((t) => t.TaskHandle === TaskHandle) ?? Results[0] ?? { Status: 'RUNNING' };
  };
  let task = await read();
  options.onProgress?.(task);
  while (options.follow !== false && task.Status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
    task = await read();
    options.onProgress?.(task);
  }
  return task;
}
