/**
 * The inbound alarms, with thresholds from the config (a source's `alarms`, the shared pipeline's, the stack's): per
 * source, a jump in the share of rejected requests (usually a rotated secret); per pipeline (a source's own, or the
 * shared one), the age of the queue's oldest message and the share of the processor's messages that fail; for the
 * stack, the API's 5xx and the verifier's throttles. The queues' dead-letter alarms exist already (DurableQueue).
 * Tenant sources have none of their own (a tenant is never a dimension). Missing data (no traffic) never alarms.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRICS, metricsNamespace, SHARED_PIPELINE, type MetricKey } from '../../lambdas/core/kernel/metrics';
import type { SharedPipelineConfig, SourceConfig, StackConfig } from '../config-schema';
import type { SourcePipeline } from './source-pipeline';

export interface InboundAlarmsProps {
  readonly sources: readonly SourceConfig[];
  readonly pipelines: Readonly<Record<string, SourcePipeline>>;
  /** The shared pipeline's queue and its thresholds, when the stack has one. */
  readonly shared?: { readonly queue: sqs.IQueue; readonly alarms: SharedPipelineConfig['alarms'] };
  readonly stackAlarms: StackConfig['alarms'];
  readonly httpApi: apigwv2.IHttpApi;
  readonly verifier: lambda.IFunction;
}

type PipelineLimits = SharedPipelineConfig['alarms'];

const PERIOD = Duration.minutes(5);

export class InboundAlarms extends Construct {
  /**
   * Every alarm built here, by source id (`shared` for the shared pipeline, `stack` for the API and the verifier).
   * A source's are its rejected share, then, with its own pipeline, its queue age and processor failure share.
   */
  public readonly alarms: Readonly<Record<string, readonly cloudwatch.Alarm[]>>;

  constructor(scope: Construct, id: string, props: InboundAlarmsProps) {
    super(scope, id);
    const namespace = metricsNamespace(Stack.of(this).stackName);
    const metric = (key: MetricKey, dimension: string, statistic: string = cloudwatch.Stats.SUM) =>
      new cloudwatch.Metric({
        namespace,
        metricName: METRICS[key].name,
        dimensionsMap: { Source: dimension },
        statistic,
        period: PERIOD,
      });
    /** A queue's age and its processor's failure share, for an own pipeline (`name` its source) or the shared one. */
    const pipelineAlarms = (
      where: Construct,
      name: string,
      dimension: string,
      queue: sqs.IQueue,
      limits: PipelineLimits,
    ) => [
      new cloudwatch.Alarm(where, 'QueueAge', {
        alarmDescription: `The ${name} queue holds an event older than ${limits.maxQueueAgeMinutes} minutes: its processor is failing or behind.`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: limits.maxQueueAgeMinutes * 60,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(where, 'ProcessorFailureShare', {
        alarmDescription: `More than ${limits.maxProcessorFailurePercent}% of the ${name} processor's messages in 5 minutes failed (at least ${limits.minProcessorFailures}): see its log for "handler failed" or "publish failed".`,
        metric: new cloudwatch.MathExpression({
          expression: `IF(FILL(f, 0) >= ${limits.minProcessorFailures}, 100 * FILL(f, 0) / (FILL(p, 0) + FILL(f, 0)), 0)`,
          // The events published: one IngestToPublishAge value each.
          usingMetrics: {
            f: metric('processingFailures', dimension),
            p: metric('ingestToPublishAge', dimension, cloudwatch.Stats.SAMPLE_COUNT),
          },
          period: PERIOD,
          label: `${dimension} processor failures %`,
        }),
        threshold: limits.maxProcessorFailurePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    const alarms: Record<string, cloudwatch.Alarm[]> = {};
    // Sources with their own pipeline only: one on the shared pipeline adds only its secret, so that about 200 fit
    // in a stack's 500 resources (decision 0026); its rejections are on the dashboard and in `status`.
    for (const source of props.sources) {
      const own = props.pipelines[source.id]?.own;
      if (!own) continue;
      const limits = source.alarms;
      const where = new Construct(this, `Source-${source.id}`);
      alarms[source.id] = [
        new cloudwatch.Alarm(where, 'RejectedShare', {
          alarmDescription: `More than ${limits.maxRejectedPercent}% of the "${source.id}" webhooks in 5 minutes were rejected (at least ${limits.minRejected}): a rotated signing secret, usually. Rejections by reason are on the dashboard.`,
          metric: new cloudwatch.MathExpression({
            expression: `IF(FILL(r, 0) >= ${limits.minRejected}, 100 * FILL(r, 0) / (FILL(a, 0) + FILL(d, 0) + FILL(r, 0)), 0)`,
            usingMetrics: {
              r: metric('rejected', source.id),
              a: metric('accepted', source.id),
              d: metric('duplicates', source.id),
            },
            period: PERIOD,
            label: `${source.id} rejected %`,
          }),
          threshold: limits.maxRejectedPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        ...pipelineAlarms(where, `"${source.id}"`, source.id, own.queue, limits),
      ];
    }
    if (props.shared)
      alarms.shared = pipelineAlarms(
        new Construct(this, 'Shared'),
        'shared pipeline',
        SHARED_PIPELINE,
        props.shared.queue,
        props.shared.alarms,
      );
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
