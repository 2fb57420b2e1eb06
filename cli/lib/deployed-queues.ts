/**
 * A deployed stack's queues, found through its outputs: each source's queue (`QueueUrl<Source>`) and dead-letter
 * queue (`DeadLetterQueueArn<Source>`), the shared pipeline's, and outbound's intake and delivery queues; their depths from SQS
 * (GetQueueAttributes); and SQS's own dead-letter redrive (StartMessageMoveTask, followed with
 * ListMessageMoveTasks), the deployed counterpart of the local `queues redrive`. The SQS calls themselves are the
 * operator console's too (lambdas/adapters/console/sqs-queue-admin.ts).
 */
import type { QueueRef } from '../../lambdas/adapters/console/sqs-queue-admin';
import { OUTPUTS } from '../../lib/stack-outputs';
import { UsageError } from '../command';
import type { DeployedStack } from './deployed-stack';

/** The shared pipeline's queue, by the name the local stack gives it. */
export const SHARED_QUEUE_NAME = 'pipeline:shared';

export type DeployedQueue = QueueRef;

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
