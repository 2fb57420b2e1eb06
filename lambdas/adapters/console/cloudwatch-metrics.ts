/**
 * The stack's metrics read back from CloudWatch, for the operator console (aws-console-data.ts) and `status --stack`
 * (cli/lib/deployed-status.ts): the data points of many series in as few GetMetricData calls as its limits allow,
 * and the rejection reasons CloudWatch has a series for. The client and its commands are passed in, so the API
 * function can load them on first use.
 */
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import { METRICS } from '../../core/kernel/metrics';

export interface CloudWatchAccess {
  readonly client: CloudWatch.CloudWatchClient;
  readonly commands: Pick<typeof CloudWatch, 'GetMetricDataCommand' | 'ListMetricsCommand'>;
}

export interface MetricQuery {
  /** Unique among the queries of one call: the key of its data points. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: 'Sum' | 'Maximum' | 'SampleCount';
}

export interface DataPoints {
  readonly timestamps: Date[];
  readonly values: number[];
}

/** GetMetricData takes at most this many queries per call. */
const QUERIES_PER_CALL = 500;

/** Each query's data points over [start, end) at `periodSeconds`, every page read (none: no traffic). */
export async function metricData(
  cloudwatch: CloudWatchAccess,
  queries: readonly MetricQuery[],
  periodSeconds: number,
  start: Date,
  end: Date,
): Promise<Map<string, DataPoints>> {
  const out = new Map<string, DataPoints>();
  for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
    const MetricDataQueries: CloudWatch.MetricDataQuery[] = queries.slice(i, i + QUERIES_PER_CALL).map((q) => ({
      Id: q.id,
      MetricStat: {
        Metric: {
          Namespace: q.namespace,
          MetricName: q.name,
          Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: periodSeconds,
        Stat: q.stat,
      },
    }));
    let NextToken: string | undefined;
    do {
      const page = await cloudwatch.client.send(
        new cloudwatch.commands.GetMetricDataCommand({ MetricDataQueries, StartTime: start, EndTime: end, NextToken }),
      );
      for (const r of page.MetricDataResults ?? []) {
        const points = out.get(r.Id!) ?? { timestamps: [], values: [] };
        points.timestamps.push(...(r.Timestamps ?? []));
        points.values.push(...(r.Values ?? []));
        out.set(r.Id!, points);
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return out;
}

/** The reasons CloudWatch has a `Rejected` series for, per source (`status --stack` reads them too). */
export async function rejectionReasons(
  cloudwatch: CloudWatchAccess,
  namespace: string,
): Promise<Map<string, string[]>> {
  const reasons = new Map<string, string[]>();
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.client.send(
      new cloudwatch.commands.ListMetricsCommand({
        Namespace: namespace,
        MetricName: METRICS.rejected.name,
        NextToken,
      }),
    );
    for (const m of page.Metrics ?? []) {
      const dims = Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      if (dims.Source && dims.Reason) reasons.set(dims.Source, [...(reasons.get(dims.Source) ?? []), dims.Reason]);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return reasons;
}
