/**
 * The inbound alarms, with thresholds from the config (a source's `alarms`, the stack's `alarms`): per source, a
 * jump in the share of rejected requests (usually a rotated secret), the age of the queue's oldest message, and the
 * share of the processor's messages that fail; for the stack, the API's 5xx and the verifier's throttles. The
 * dead-letter alarms of the source queues exist already (DurableQueue). Missing data (no traffic) never alarms.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { METRICS, metricsNamespace, type MetricKey } from '../../lambdas/core/kernel/metrics';
import type { SourceConfig, StackConfig } from '../config-schema';
import type { SourcePipeline } from './source-pipeline';

export interface InboundAlarmsProps {
  readonly sources: readonly SourceConfig[];
  readonly pipelines: Readonly<Record<string, SourcePipeline>>;
  readonly stackAlarms: StackConfig['alarms'];
  readonly httpApi: apigwv2.IHttpApi;
  readonly verifier: lambda.IFunction;
}

const PERIOD = Duration.minutes(5);

export class InboundAlarms extends Construct {
  /** Every alarm built here, by source id (and `stack` for the API and the verifier). */
  public readonly alarms: Readonly<Record<string, readonly cloudwatch.Alarm[]>>;

  constructor(scope: Construct, id: string, props: InboundAlarmsProps) {
    super(scope, id);
    const namespace = metricsNamespace(Stack.of(this).stackName);
    const alarms: Record<string, cloudwatch.Alarm[]> = {};
    for (const source of props.sources) {
      const pipeline = props.pipelines[source.id]!;
      const limits = source.alarms;
      const metric = (key: MetricKey, statistic: string = cloudwatch.Stats.SUM) =>
        new cloudwatch.Metric({
          namespace,
          metricName: METRICS[key].name,
          dimensionsMap: { Source: source.id },
          statistic,
          period: PERIOD,
        });
      const scope = new Construct(this, `Source-${source.id}`);
      alarms[source.id] = [
        new cloudwatch.Alarm(scope, 'RejectedShare', {
          alarmDescription: `More than ${limits.maxRejectedPercent}% of the "${source.id}" webhooks in 5 minutes were rejected (at least ${limits.minRejected}): a rotated signing secret, usually. Rejections by reason are on the dashboard.`,
          metric: new cloudwatch.MathExpression({
            expression: `IF(FILL(r, 0) >= ${limits.minRejected}, 100 * FILL(r, 0) / (FILL(a, 0) + FILL(d, 0) + FILL(r, 0)), 0)`,
            usingMetrics: { r: metric('rejected'), a: metric('accepted'), d: metric('duplicates') },
            period: PERIOD,
            label: `${source.id} rejected %`,
          }),
          threshold: limits.maxRejectedPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(scope, 'QueueAge', {
          alarmDescription: `The "${source.id}" queue holds an event older than ${limits.maxQueueAgeMinutes} minutes: its processor is failing or behind.`,
          metric: pipeline.queue.metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: limits.maxQueueAgeMinutes * 60,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(scope, 'ProcessorFailureShare', {
          alarmDescription: `More than ${limits.maxProcessorFailurePercent}% of the "${source.id}" processor's messages in 5 minutes failed (at least ${limits.minProcessorFailures}): see its log for "handler failed" or "publish failed".`,
          metric: new cloudwatch.MathExpression({
            expression: `IF(FILL(f, 0) >= ${limits.minProcessorFailures}, 100 * FILL(f, 0) / (FILL(p, 0) + FILL(f, 0)), 0)`,
            // The events published: one IngestToPublishAge value each.
            usingMetrics: {
              f: metric('processingFailures'),
              p: metric('ingestToPublishAge', cloudwatch.Stats.SAMPLE_COUNT),
            },
            period: PERIOD,
            label: `${source.id} processor failures %`,
          }),
          threshold: limits.maxProcessorFailurePercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ];
    }
    const { maxApi5xxPer5Minutes, maxVerifierThrottlesPer5Minutes } = props.stackAlarms;
    alarms.stack = [
      new cloudwatch.Alarm(this, 'Api5xx', {
        alarmDescription: `The webhook API answered more than ${maxApi5xxPer5Minutes} 5xx in 5 minutes: providers are being asked to retry (the verifier's log says why: "request failed").`,
        metric: props.httpApi.metricServerError({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        threshold: maxApi5xxPer5Minutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'VerifierThrottles', {
        alarmDescription: `Lambda throttled the verifier more than ${maxVerifierThrottlesPer5Minutes} times in 5 minutes: requests were refused (429) for want of concurrency.`,
        metric: props.verifier.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        threshold: maxVerifierThrottlesPer5Minutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    this.alarms = alarms;
  }
}
