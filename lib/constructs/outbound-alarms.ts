/**
 * Alarms of outbound delivery (decision 0012): the sweeper's lag (the age of the oldest due delivery it claims) and
 * its heartbeat, deliveries that end exhausted, the age of the delivery queue's oldest message; each, with the
 * alarms the outbound constructs already have (sweeper errors, the dead-letter queues), notifies the alarm topic.
 * Missing data never alarms: a fresh deploy, or a quiet night, is not an incident.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS, metricsNamespace, type MetricKey } from '../../lambdas/core/kernel/metrics';
import { MAX_QUEUE_DELAY_SECONDS } from '../../lambdas/core/outbound/delivery/wake-up';
import { AlarmTopic, notify } from './alarm-topic';

export interface OutboundAlarmsProps {
  /**
   * Where alarm and OK notifications are published: subscribe a pager, chat or email here.
   * @default - a new AlarmTopic (the stack passes its one alarm topic)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Alarm when the oldest due delivery the sweeper claims has waited longer than this for its wake-up. At least
   * 2 minutes (it runs every minute). @default Duration.minutes(15)
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
  readonly sweeper: lambda.IFunction;
  readonly deliveryQueue: sqs.IQueue;
  /** Alarms built elsewhere that get the same actions (sweeper errors, dead-letter queues). */
  readonly existing: readonly cloudwatch.Alarm[];
}

/** The sweeper runs every minute: this many 5-minute periods without one invocation mean it has stopped. */
const SWEEPER_SILENT_PERIODS = 3;

export class OutboundAlarms extends Construct {
  public readonly alarmTopic: sns.ITopic;
  public readonly dueDeliveryAgeAlarm: cloudwatch.Alarm;
  public readonly sweeperStoppedAlarm: cloudwatch.Alarm;
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

    this.alarmTopic =
      props.alarmTopic ?? new AlarmTopic(this, 'Topic', { displayName: 'Outbound delivery alarms' }).topic;
    const namespace = metricsNamespace(Stack.of(this).stackName);
    const custom = (key: MetricKey, statistic: string, dimensionsMap: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace,
        metricName: METRICS[key].name,
        dimensionsMap,
        statistic,
        period: Duration.minutes(5),
      });

    this.dueDeliveryAgeAlarm = new cloudwatch.Alarm(this, 'DueDeliveryAge', {
      alarmDescription: `Outbound deliveries are stuck: a retry fell due more than ${maxDueAge.toHumanString()} ago and is still not woken.`,
      metric: custom('oldestDueDeliveryAge', cloudwatch.Stats.MAXIMUM),
      threshold: maxDueAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The sweeper's heartbeat: its invocations, a missing period counted as none (FILL), so a sweeper that stopped
    // alarms after 15 minutes, while a fresh deploy (invoked within a minute) never does.
    this.sweeperStoppedAlarm = new cloudwatch.Alarm(this, 'SweeperStopped', {
      alarmDescription: `The outbound sweeper has not run for ${SWEEPER_SILENT_PERIODS * 5} minutes: retries beyond 15 minutes are not being woken.`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(invocations, 0)',
        usingMetrics: { invocations: targets.sweeper.metricInvocations({ period: Duration.minutes(5) }) },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: SWEEPER_SILENT_PERIODS,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.exhaustedDeliveriesAlarm = new cloudwatch.Alarm(this, 'ExhaustedDeliveries', {
      alarmDescription: `More than ${exhaustedThreshold} outbound deliveries ended exhausted in 5 minutes (see the message.attempt.exhausted notifications for which).`,
      metric: custom('deliveryAttempts', cloudwatch.Stats.SUM, { Outcome: 'exhausted' }),
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

    notify(this.alarmTopic, [
      this.dueDeliveryAgeAlarm,
      this.sweeperStoppedAlarm,
      this.exhaustedDeliveriesAlarm,
      this.deliveryQueueAgeAlarm,
      ...targets.existing,
    ]);
  }
}
