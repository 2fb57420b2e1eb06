/**
 * An SQS queue with the secure defaults this stack wants everywhere: a dead-letter queue,
 * server-side encryption, an HTTPS-only policy, and an alarm when anything lands in the DLQ.
 */
import { RETRY_POLICY } from '../../lambdas/contract';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DurableQueueProps {
  /** A fixed name, for a queue others find by name (the verifier's own-pipeline queues). @default - generated */
  readonly queueName?: string;
  /** How long SQS keeps a message nobody has processed. @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
  /** How long a received message stays hidden from other consumers. @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * How long the dead-letter queue keeps messages. SQS keeps a message's original enqueue time when
   * it moves it to a DLQ, so this should exceed `retentionPeriod`. @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
  /** Whether to alarm when the dead-letter queue holds a message. @default true */
  readonly deadLetterAlarm?: boolean;
  /** Used in the alarm description. @default - the construct path */
  readonly description?: string;
}

export class DurableQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Fires when the dead-letter queue holds at least one message; no action is attached. */
  public readonly deadLetterAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DurableQueueProps = {}) {
    super(scope, id);
    // SSE-SQS (SQS-owned keys): encrypted at rest at no charge, and SNS can deliver to it. A KMS key,
    // even the AWS-managed aws/sqs one, would add a KMS request charge per data-key refresh and
    // aws/sqs cannot be used by SNS at all (its key policy cannot be edited).
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...(props.queueName !== undefined && { queueName: props.queueName }),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(30),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? RETRY_POLICY.maxReceiveCount,
      },
    });

    if (props.deadLetterAlarm ?? true) {
      const what = props.description ?? this.node.path;
      const description = `Messages in the dead-letter queue of ${what}: they failed ${props.maxReceiveCount ?? RETRY_POLICY.maxReceiveCount} times and need a look (redrive from the SQS console once fixed).`;
      this.deadLetterAlarm = deadLetterAlarm(this, 'DeadLetterAlarm', this.deadLetterQueue, description);
    }
  }
}

/** An alarm, without actions, that fires when `queue` holds at least one visible message. */
export function deadLetterAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
