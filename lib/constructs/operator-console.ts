/**
 * The operator console deployed: served by the outbound API function beside the tenant portal (its routes come with
 * the function's, lambdas/outbound-api/function-routes.ts), which this construct lets read what the console shows:
 * the events table, the queues' depths and dead letters (and SQS's redrive of them), and the stack's metrics. A
 * console session is minted by the IAM-signed `POST /v1/console-sessions` and signed with the portal's key
 * (decision 0031).
 */
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/contract';
import type { EventStore } from './event-store';
import type { WebhookFunction } from './webhook-function';

export interface ConsoleQueue {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface OperatorConsoleProps {
  /** The outbound API function (it has the bundled sources file beside its code). */
  readonly api: WebhookFunction;
  readonly eventStore: EventStore;
  /** `https://sqs.<region>.<domain>/<account>/`: the config sources' own queues are this and their fixed name. */
  readonly queueUrlPrefix: string;
  /** The config sources' own queues. */
  readonly sourceQueues: readonly ConsoleQueue[];
  /** The other queues by the names the CLI and the local stack give them (`pipeline:shared`, `outbound:intake`, …). */
  readonly namedQueues: Readonly<Record<string, ConsoleQueue>>;
  readonly tenantSources: boolean;
}

export class OperatorConsole extends Construct {
  constructor(scope: Construct, id: string, props: OperatorConsoleProps) {
    super(scope, id);
    const fn = props.api.lambdaFunction;
    fn.addEnvironment(ENV.eventsTable, props.eventStore.table.tableName);
    fn.addEnvironment(ENV.queueUrlPrefix, props.queueUrlPrefix);
    fn.addEnvironment(
      ENV.console,
      JSON.stringify({
        queues: Object.fromEntries(Object.entries(props.namedQueues).map(([name, q]) => [name, q.queue.queueUrl])),
        tenantSources: props.tenantSources,
      }),
    );
    props.eventStore.table.grantReadData(fn);
    for (const q of [...props.sourceQueues, ...Object.values(props.namedQueues)]) {
      // Depths, and the move task's destination.
      q.queue.grant(fn, 'sqs:GetQueueAttributes', 'sqs:SendMessage');
      // Depths, a look at the dead letters, and SQS's move task (which receives and deletes as the caller).
      q.deadLetterQueue.grant(
        fn,
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
      );
    }
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
      resourceArns: ['*'],
    });
    Validations.of(props.api.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "CloudWatch GetMetricData and ListMetrics support no resource-level permissions: the console reads the stack's own namespace with them.",
    });
  }
}
