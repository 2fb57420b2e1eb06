/**
 * `status --stack`: the same report as the local stack's (local/status.ts), from a deployed stack: the counts from
 * CloudWatch (GetMetricData over the catalog's metrics, in the stack's namespace; rejections by reason through
 * ListMetrics), the queues from SQS, the oldest messages' ages from SQS's own metric, and the alarms in ALARM
 * (DescribeAlarms: CloudFormation names them `<stack>-…`). Outbound endpoints are not named here: that would take a
 * Scan of every delivery; `endpoints list --tenant T --stack S` names a tenant's.
 */
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type CloudWatchClient,
} from '@aws-sdk/client-cloudwatch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  DELIVERY_OUTCOMES,
  METRICS,
  SHARED_PIPELINE,
  TENANT_SOURCES,
  type MetricKey,
} from '../../lambdas/core/kernel/metrics';
import { OUTPUTS } from '../../lib/stack-outputs';
import { STATUS_WINDOW_MINUTES, type AlarmStatus, type SourceStatus, type StatusReport } from '../../local/status';
import {
  metricData,
  rejectionReasons,
  type CloudWatchAccess,
  type MetricQuery,
} from '../../lambdas/adapters/console/cloudwatch-metrics';
import { queueDepth } from '../../lambdas/adapters/console/sqs-queue-admin';
import { deployedQueues, SHARED_QUEUE_NAME } from './deployed-queues';
import type { DeployedStack } from './deployed-stack';

const RATE_MINUTES = 5;

interface Query extends MetricQuery {
  readonly minutes: number;
}

/** Each query's single value over its window (0 when CloudWatch has no data: no traffic). */
async function values(cloudwatch: CloudWatchAccess, queries: readonly Query[], nowMs: number) {
  const out = new Map<string, number>();
  for (const minutes of new Set(queries.map((q) => q.minutes))) {
    const group = queries.filter((q) => q.minutes === minutes);
    const points = await metricData(
      cloudwatch,
      group,
      minutes * 60,
      new Date(nowMs - minutes * 60_000),
      new Date(nowMs),
    );
    for (const q of group) {
      const vs = points.get(q.id)?.values ?? [];
      out.set(q.id, q.stat === 'Maximum' ? Math.max(0, ...vs) : vs.reduce((a, b) => a + b, 0));
    }
  }
  return (id: string) => out.get(id) ?? 0;
}

async function firingAlarms(cloudwatch: CloudWatchClient, stackName: string): Promise<AlarmStatus[]> {
  const alarms: AlarmStatus[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${stackName}-`, StateValue: 'ALARM', NextToken }),
    );
    for (const a of page.MetricAlarms ?? [])
      alarms.push({ alarm: a.AlarmName!, reason: a.AlarmDescription ?? a.StateReason ?? '' });
    NextToken = page.NextToken;
  } while (NextToken);
  return alarms;
}

export async function deployedStatus(
  stack: DeployedStack,
  clients: { readonly cloudwatch: CloudWatchClient; readonly sqs: SQSClient },
  nowMs: number = Date.now(),
): Promise<StatusReport> {
  const { cloudwatch, sqs } = clients;
  const metrics: CloudWatchAccess = { client: cloudwatch, commands: { GetMetricDataCommand, ListMetricsCommand } };
  const namespace = stack.output(OUTPUTS.metricsNamespace);
  const reasons = await rejectionReasons(metrics, namespace);
  const queries: Query[] = [];
  const q = (
    id: string,
    key: MetricKey,
    dimensions: Record<string, string>,
    minutes = STATUS_WINDOW_MINUTES,
    stat: Query['stat'] = 'Sum',
  ) => queries.push({ id, namespace, name: METRICS[key].name, dimensions, stat, minutes });
  const queues = deployedQueues(stack);
  // One row per `Source` value: each own-pipeline source (verifier, processor, queue), every tenant source as one
  // (verifier only), and the shared pipeline (its processor and queue).
  const rows = [
    ...stack.sourceIds.map((source, i) => ({ source, verifier: true, queue: i })),
    ...(stack.outputs[OUTPUTS.tenantSourcesTableName] !== undefined
      ? [{ source: TENANT_SOURCES, verifier: true, queue: undefined }]
      : []),
    ...queues.flatMap((q, i) =>
      q.name === SHARED_QUEUE_NAME ? [{ source: SHARED_PIPELINE, verifier: false, queue: i }] : [],
    ),
  ];
  rows.forEach(({ source, verifier, queue }, i) => {
    const where = { Source: source };
    if (verifier) {
      for (const key of ['accepted', 'duplicates', 'rejected'] as const) q(`s${i}_${key}`, key, where);
      for (const key of ['accepted', 'duplicates', 'rejected'] as const) q(`r${i}_${key}`, key, where, RATE_MINUTES);
      (reasons.get(source) ?? []).forEach((reason, j) =>
        q(`s${i}_reason${j}`, 'rejected', { ...where, Reason: reason }),
      );
    }
    if (queue !== undefined) {
      q(`s${i}_processingFailures`, 'processingFailures', where);
      // The events published: one IngestToPublishAge value each.
      q(`s${i}_published`, 'ingestToPublishAge', where, STATUS_WINDOW_MINUTES, 'SampleCount');
    }
  });
  const outbound = stack.outputs[OUTPUTS.outboundTableName] !== undefined;
  if (outbound) {
    DELIVERY_OUTCOMES.forEach((outcome) => q(`o_${outcome}`, 'deliveryAttempts', { Outcome: outcome }));
    for (const key of ['circuitsOpened', 'circuitsClosed', 'endpointsDisabled'] as const) q(`o_${key}`, key, {});
  }
  queues.forEach((queue, i) =>
    queries.push({
      id: `q${i}_age`,
      namespace: 'AWS/SQS',
      name: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: queue.url.split('/').pop()! },
      stat: 'Maximum',
      minutes: RATE_MINUTES,
    }),
  );
  const [value, depths, alarms] = await Promise.all([
    values(metrics, queries, nowMs),
    Promise.all(queues.map((queue) => queueDepth(sqs, queue))),
    firingAlarms(cloudwatch, stack.name),
  ]);
  const sourceStatus = rows.map(({ source, verifier, queue }, i): SourceStatus => {
    const rate = value(`r${i}_accepted`) + value(`r${i}_duplicates`) + value(`r${i}_rejected`);
    const age = queue === undefined ? 0 : value(`q${queue}_age`);
    return {
      source,
      ...(verifier && {
        perMinute: Math.round((rate / RATE_MINUTES) * 10) / 10,
        accepted: value(`s${i}_accepted`),
        duplicates: value(`s${i}_duplicates`),
        rejected: value(`s${i}_rejected`),
        rejectedBy: Object.fromEntries(
          (reasons.get(source) ?? []).map((reason, j) => [reason, value(`s${i}_reason${j}`)]),
        ),
      }),
      ...(queue !== undefined && {
        published: value(`s${i}_published`),
        failures: value(`s${i}_processingFailures`),
        ...depths[queue]!,
        ...(age > 0 && { oldestAgeSeconds: age }),
      }),
    };
  });
  const inRows = new Set(rows.flatMap((r) => (r.queue === undefined ? [] : [r.queue])));
  return {
    stack: stack.name,
    at: new Date(nowMs).toISOString(),
    windowMinutes: STATUS_WINDOW_MINUTES,
    sources: sourceStatus,
    queues: queues.flatMap((queue, i) => {
      if (inRows.has(i)) return [];
      const age = value(`q${i}_age`);
      return [{ queue: queue.name, ...depths[i]!, ...(age > 0 && { oldestAgeSeconds: age }) }];
    }),
    ...(outbound && {
      outbound: {
        attempts: Object.fromEntries(DELIVERY_OUTCOMES.map((o) => [o, value(`o_${o}`)])),
        circuitsOpened: value('o_circuitsOpened'),
        circuitsClosed: value('o_circuitsClosed'),
        endpointsDisabled: value('o_endpointsDisabled'),
      },
    }),
    alarms,
  };
}
