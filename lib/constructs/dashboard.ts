/**
 * The stack's one CloudWatch dashboard: the alarms, inbound per source (accepted, duplicates, rejected in total and
 * by reason, handshakes, verify time, ingest-to-publish age, processor failures and retries), outbound overall
 * (attempts by outcome, latency, circuits, disabled endpoints, the sweeper's lag), the API (requests, 4xx, 5xx,
 * latency), the queues (depth, age, dead letters) and every function (errors, throttles, duration, concurrency).
 * Every custom metric here is one the functions emit (the catalog, core/kernel/metrics.ts); the rest are AWS's own
 * (test/infra/dashboard.test.ts holds each widget to that).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_OUTCOMES, METRICS, metricsNamespace, type MetricKey } from '../../lambdas/core/kernel/metrics';

export interface DashboardQueue {
  readonly label: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface StackDashboardProps {
  /** The processors' `Source` values: the own pipelines' source ids, and `(shared)` for the shared pipeline. */
  readonly pipelines: readonly string[];
  readonly httpApi: apigwv2.IHttpApi;
  /** Every queue with its dead-letter queue: the sources', then outbound's. */
  readonly queues: readonly DashboardQueue[];
  /** Every function, by a short label. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** Whether outbound delivery is deployed (its widgets are left out otherwise). */
  readonly outbound: boolean;
}

const PERIOD = Duration.minutes(5);
const FULL = 24;
const HALF = 12;
const THIRD = 8;

export class StackDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** The widgets, in order (the dashboard test reads every metric they name). */
  public readonly widgets: readonly cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: StackDashboardProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const namespace = metricsNamespace(stackName);
    const custom = (key: MetricKey, statistic: string, dimensionsMap: Record<string, string> = {}, label?: string) =>
      new cloudwatch.Metric({
        namespace,
        metricName: METRICS[key].name,
        dimensionsMap,
        statistic,
        period: PERIOD,
        ...(label !== undefined && { label }),
      });
    // Every `Source` the verifier has written (each config source, `(tenant)`, `(unknown)`), found by a search: a
    // stack of 200 shared sources neither names 200 metrics per widget nor needs a new dashboard for a new source.
    const perSource = (key: MetricKey, statistic: string) => [
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${namespace},Source} MetricName="${METRICS[key].name}"', '${statistic}', ${PERIOD.toSeconds()})`,
        label: '',
        period: PERIOD,
      }),
    ];
    const perPipeline = (key: MetricKey, statistic: string) =>
      props.pipelines.map((source) => custom(key, statistic, { Source: source }, source));
    const graph = (title: string, left: cloudwatch.IMetric[], width = THIRD, right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width, height: 6 });
    const fns = Object.entries(props.functions);
    const lambdaGraph = (title: string, make: (fn: lambda.IFunction) => cloudwatch.Metric) =>
      graph(
        title,
        fns.map(([label, fn]) => make(fn).with({ label, period: PERIOD })),
        HALF,
      );

    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.TextWidget({
        markdown: `# ${stackName}\nInbound per source, outbound, the API, the queues and the functions. Alarms notify the \`AlarmTopicArn\` topic; an event's whole life in the logs: docs/observability.md.`,
        width: FULL,
        height: 2,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL, height: 4 }),
      graph('Accepted per source', perSource('accepted', 'Sum')),
      graph('Duplicates per source', perSource('duplicates', 'Sum')),
      graph('Rejected per source', perSource('rejected', 'Sum')),
      graph('Rejected by source and reason', [
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${namespace},Source,Reason} MetricName="${METRICS.rejected.name}"', 'Sum', ${PERIOD.toSeconds()})`,
          label: '',
          period: PERIOD,
        }),
      ]),
      graph('Verify duration p99 (ms)', perSource('verifyDuration', 'p99')),
      graph('Ingest → publish age p99 (ms)', perPipeline('ingestToPublishAge', 'p99')),
      graph('Published per pipeline', perPipeline('ingestToPublishAge', 'SampleCount')),
      graph('Processor failures and retries', [
        ...perPipeline('processingFailures', 'Sum').map((m) => m.with({ label: `${m.label} failed` })),
        ...perPipeline('processingRetries', 'Sum').map((m) => m.with({ label: `${m.label} retried` })),
      ]),
      graph('Handshakes answered', perSource('handshakes', 'Sum')),
    ];
    if (props.outbound) {
      widgets.push(
        graph(
          'Outbound attempts by outcome',
          DELIVERY_OUTCOMES.map((outcome) => custom('deliveryAttempts', 'Sum', { Outcome: outcome }, outcome)),
        ),
        graph('Outbound attempt latency (ms)', [
          custom('attemptLatency', 'p50', {}, 'p50'),
          custom('attemptLatency', 'p99', {}, 'p99'),
        ]),
        graph('Circuits and disabled endpoints', [
          custom('circuitsOpened', 'Sum', {}, 'circuits opened'),
          custom('circuitsClosed', 'Sum', {}, 'circuits closed'),
          custom('endpointsDisabled', 'Sum', {}, 'endpoints disabled'),
        ]),
        graph('Oldest due delivery (s)', [custom('oldestDueDeliveryAge', 'Maximum', {}, 'sweeper lag')]),
      );
    }
    widgets.push(
      graph(
        'API requests, 4xx, 5xx',
        [
          props.httpApi.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' }),
          props.httpApi.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
        HALF,
      ),
      graph(
        'API latency (ms)',
        [
          props.httpApi.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          props.httpApi.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
          props.httpApi.metricIntegrationLatency({ period: PERIOD, statistic: 'p99', label: 'integration p99' }),
        ],
        HALF,
      ),
      graph(
        'Queue depth (visible)',
        props.queues.map((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: q.label }),
        ),
      ),
      graph(
        'Oldest message age (s)',
        props.queues.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: q.label }),
        ),
      ),
      graph(
        'Dead letters',
        props.queues.map((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: q.label,
          }),
        ),
      ),
      lambdaGraph('Function errors', (fn) => fn.metricErrors({ statistic: 'Sum' })),
      lambdaGraph('Function throttles', (fn) => fn.metricThrottles({ statistic: 'Sum' })),
      lambdaGraph('Function duration p99 (ms)', (fn) => fn.metricDuration({ statistic: 'p99' })),
      lambdaGraph('Function concurrency (max)', (fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum' })),
    );
    this.widgets = widgets;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboard names are unique per account: the region keeps two deployments of one stack name apart.
      dashboardName: `${stackName}-${Stack.of(this).region}`,
      defaultInterval: Duration.hours(3),
      widgets: rows(widgets),
    });
  }
}

/** Lays widgets out left to right, a new row whenever the next would not fit the 24 columns. */
function rows(widgets: readonly cloudwatch.IWidget[]): cloudwatch.IWidget[][] {
  const out: cloudwatch.IWidget[][] = [];
  let row: cloudwatch.IWidget[] = [];
  let used = 0;
  for (const w of widgets) {
    if (used + w.width > FULL) {
      out.push(row);
      row = [];
      used = 0;
    }
    row.push(w);
    used += w.width;
  }
  if (row.length > 0) out.push(row);
  return out;
}
