/**
 * A deployed stack's queues, found through its outputs: each source's queue (`QueueUrl<Source>`) and dead-letter
 * queue (`DeadLetterQueueArn<Source>`), the shared pipeline's, and outbound's intake and delivery queues; their depths from SQS
 * (GetQueueAttributes); and SQS's own dead-letter redrive (StartMessageMoveTask, followed with
 * ListMessageMoveTasks), the deployed counterpart of the local `queues redrive`.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { OUTPUTS } from '../../lib/stack-outputs';
import { UsageError } from '../command';
import type { DeployedStack } from './deployed-stack';

/** The shared pipeline's queue, by the name the local stack gives it. */
export const SHARED_QUEUE_NAME = 'pipeline:shared';

export interface DeployedQueue {
  /** The source id, or `pipeline:shared`, `outbound:intake`, `outbound:deliveries` (the local stack's names). */
  readonly name: string;
  readonly url: string;
  readonly deadLetterArn: string;
}

export interface QueueDepth {
  readonly waiting: number;
  readonly inFlight: number;
  readonly deadLetters: number;
}

/** Every queue the stack's outputs name, sources first. */
export function deployedQueues(stack: DeployedStack): DeployedQueue[] {
  const queues = stack.sourceIds.map((id) => ({
    name: id,
    url: stack.output(OUTPUTS.queueUrl(id)),
    deadLetterArn: stack.output(OUTPUTS.deadLetterQueueArn(id)),
  }));
  const others = [
    // The shared pipeline (tenant sources, config sources with pipeline: 'shared'), named as the local stack names it.
    [SHARED_QUEUE_NAME, OUTPUTS.sharedQueueUrl, OUTPUTS.sharedDeadLetterQueueArn],
    ['outbound:intake', OUTPUTS.outboundIntakeQueueUrl, OUTPUTS.outboundIntakeDeadLetterQueueArn],
    ['outbound:deliveries', OUTPUTS.outboundDeliveryQueueUrl, OUTPUTS.outboundDeliveryDeadLetterQueueArn],
  ] as const;
  for (const [name, urlKey, arnKey] of others) {
    const url = stack.outputs[urlKey];
    const deadLetterArn = stack.outputs[arnKey];
    if (url !== undefined && deadLetterArn !== undefined) queues.push({ name, url, deadLetterArn });
  }
  return queues;
}

export function findQueue(stack: DeployedStack, name: string): DeployedQueue {
  const queues = deployedQueues(stack);
  const found = queues.find((q) => q.name === name);
  if (!found) throw new UsageError(`No queue "${name}" in ${stack.name}: ${queues.map((q) => q.name).join(', ')}`);
  return found;
}

/** `arn:aws:sqs:<region>:<account>:<name>` → its URL, asked of SQS (the URL's form differs by partition and endpoint). */
export async function queueUrlOf(sqs: SQSClient, arn: string): Promise<string> {
  const [, , , , account, name] = arn.split(':');
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  return QueueUrl!;
}

export async function queueDepth(sqs: SQSClient, queue: DeployedQueue): Promise<QueueDepth> {
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
  const [main, dead] = await Promise.all([count(queue.url), queueUrlOf(sqs, queue.deadLetterArn).then(count)]);
  return { waiting: main.visible, inFlight: main.inFlight, deadLetters: dead.visible + dead.inFlight };
}

export type MoveTask = ListMessageMoveTasksResultEntry;

/**
 * Starts SQS's move of a dead-letter queue's messages back to the queue they came from, then follows it (every
 * `pollMs`) until it ends; `onProgress` sees each reading. Resolves with the last reading.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queue: DeployedQueue,
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
