/**
 * Alarms of outbound delivery (decision 0012) and the topic their notifications go to: the sweeper's lag (the age
 * of the oldest due delivery it claims, a custom metric that is also its heartbeat), deliveries that end exhausted
 * (a custom metric of the worker), the age of the delivery queue's oldest message, and every alarm the outbound
 * constructs already have (sweeper errors, the dead-letter queues) now with actions.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOUND_METRICS } from '../../lambdas/contract';
import { MAX_QUEUE_DELAY_SECONDS } from '../../lambdas/core/outbound/delivery/wake-up';

export interface OutboundAlarmsProps {
  /**
   * Where alarm and OK notifications are published: subscribe a pager, chat or email here.
   * @default - a new topic encrypted with its own customer-managed KMS key (CloudWatch cannot publish to a topic
   * under the AWS-managed `aws/sns` key, which is why the operations topic is not reused)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Alarm when the oldest due delivery the sweeper claims has waited longer than this for its wake-up, or when the
   * sweeper reports nothing for 5 minutes. At least 2 minutes (it runs every minute). @default Duration.minutes(15)
   */
  readonly maxDueDeliveryAge?: Duration;
  /** Alarm when more deliveries than this end `exhausted` within 5 minutes. A whole number ≥ 0. @default 0 */
  readonly exhaustedDeliveriesThreshold?: number;
  /**
   * Alarm when the delivery queue's oldest message is older than this: the worker is not keeping up. More than
   * 15 minutes, the longest delay a wake-up is sent with. @default Duration.minutes(30)
   */
  readonly maxDeliveryQueueAge?: Duration;
}

export interface OutboundAlarmTargets {
  /** The outbound table's name: the dimension of the custom metrics. */
  readonly tableName: string;
  readonly deliveryQueue: sqs.IQueue;
  /** Alarms built elsewhere that get the same actions (sweeper errors, dead-letter queues). */
  readonly existing: readonly cloudwatch.Alarm[];
}

export class OutboundAlarms extends Construct {
  public readonly alarmTopic: sns.ITopic;
  public readonly dueDeliveryAgeAlarm: cloudwatch.Alarm;
  public readonly exhaustedDeliveriesAlarm: cloudwatch.Alarm;
  public readonly deliveryQueueAgeAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, targets: OutboundAlarmTargets, props: OutboundAlarmsProps = {}) {
    super(scope, id);
    const maxDueAge = props.maxDueDeliveryAge ?? Duration.minutes(15);
    const exhaustedThreshold = props.exhaustedDeliveriesThreshold ?? 0;
    const maxQueueAge = props.maxDeliveryQueueAge ?? Duration.minutes(30);
    if (maxDueAge.toSeconds() < 120)
      throw new Error('OutboundAlarms: maxDueDeliveryAge must be at least 2 minutes (the sweeper runs every minute)');
    if (!Number.isInteger(exhaustedThreshold) || exhaustedThreshold < 0)
      throw new Error('OutboundAlarms: exhaustedDeliveriesThreshold must be a whole number ≥ 0');
    if (maxQueueAge.toSeconds() <= MAX_QUEUE_DELAY_SECONDS)
      throw new Error(
        `OutboundAlarms: maxDeliveryQueueAge must exceed ${MAX_QUEUE_DELAY_SECONDS / 60} minutes (wake-ups are delayed up to that)`,
      );

    this.alarmTopic = props.alarmTopic ?? this.createTopic();
    const dimensionsMap = { [OUTBOUND_METRICS.dimension]: targets.tableName };
    const custom = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: OUTBOUND_METRICS.namespace,
        metricName,
        dimensionsMap,
        statistic,
        period: Duration.minutes(5),
      });

    this.dueDeliveryAgeAlarm = new cloudwatch.Alarm(this, 'DueDeliveryAge', {
      alarmDescription: `Outbound deliveries are stuck: a retry fell due more than ${maxDueAge.toHumanString()} ago and is still not woken, or the sweeper reported nothing for 5 minutes.`,
      metric: custom(OUTBOUND_METRICS.oldestDueAgeSeconds, cloudwatch.Stats.MAXIMUM),
      threshold: maxDueAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // The sweeper reports every minute, 0 included: no data means it is not running.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.exhaustedDeliveriesAlarm = new cloudwatch.Alarm(this, 'ExhaustedDeliveries', {
      alarmDescription: `More than ${exhaustedThreshold} outbound deliveries ended exhausted in 5 minutes (see the message.attempt.exhausted notifications for which).`,
      metric: custom(OUTBOUND_METRICS.deliveriesExhausted, cloudwatch.Stats.SUM),
      threshold: exhaustedThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deliveryQueueAgeAlarm = new cloudwatch.Alarm(this, 'DeliveryQueueAge', {
      alarmDescription: `The outbound delivery queue holds a wake-up older than ${maxQueueAge.toHumanString()}: the worker is failing or not keeping up.`,
      metric: targets.deliveryQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: maxQueueAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const action = new actions.SnsAction(this.alarmTopic);
    for (const alarm of [
      this.dueDeliveryAgeAlarm,
      this.exhaustedDeliveriesAlarm,
      this.deliveryQueueAgeAlarm,
      ...targets.existing,
    ]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /**
   * A topic CloudWatch may publish to: its own key (rotated) lets the CloudWatch service use it, only for alarms of
   * this account and region (`aws:SourceAccount`, `aws:SourceArn`: no confused deputy).
   */
  private createTopic(): sns.Topic {
    const { account, region, partition } = Stack.of(this);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the outbound alarm topic (CloudWatch alarms publish to it)',
      enableKeyRotation: true,
    });
    const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Outbound delivery alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions,
      }),
    );
    return topic;
  }
}
