/**
 * The operator console's data (core/console/ports.ts) on a deployed stack: each source's requests over the last hour
 * from CloudWatch (the catalog's Accepted, Duplicates and Rejected, per minute; rejections by reason through
 * ListMetrics), the queues from SQS (depths, a look at dead letters, SQS's redrive), the events from the events table
 * (a bounded Scan, as `events list --stack`), and every tenant's endpoints from the outbound table.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ConsoleData, QueueState, SourceActivity } from '../../core/console/ports';
import { METRICS, TENANT_SOURCES } from '../../core/kernel/metrics';
import type { EventRecord } from '../../core/inbound/ports';
import { scanDeployedEvents } from '../dynamo-event-scan';
import { metricData, rejectionReasons, type CloudWatchAccess } from './cloudwatch-metrics';
import { endpointCensus } from './dynamo-endpoint-census';
import {
  deadLetterArnOf,
  peekDeadLetters,
  queueDepth,
  queueUrlOf,
  redriveDeadLetters,
  type QueueRef,
} from './sqs-queue-admin';

const MINUTES = 60;
/** Events a console listing reads at most (one Scan page is 1 MB): the newest of those are shown. */
const MAX_SCANNED = 5_000;

export interface AwsConsoleDataDeps {
  /** The config sources, with their scheme; tenant sources are one row (`(tenant)`), as in the metrics. */
  readonly sources: readonly { readonly id: string; readonly scheme: string }[];
  readonly tenantSources: boolean;
  /** Each queue by name and URL; its dead-letter queue is read from its redrive policy. */
  readonly queues: readonly { readonly name: string; readonly url: string }[];
  readonly namespace: string;
  readonly eventsTable: string;
  readonly outboundTable: string;
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  /**
   * CloudWatch's client and the commands the console sends, on first use: the API function loads the client from
   * the runtime's SDK only when the console is opened (its bundle and cold start serve `/v1` and the portal).
   */
  cloudwatch(): Promise<CloudWatchAccess>;
  getEvent(source: string, eventId: string): Promise<EventRecord | undefined>;
  readonly now?: () => number;
}

export function awsConsoleData(deps: AwsConsoleDataDeps): ConsoleData {
  const now = deps.now ?? Date.now;
  const refs = new Map<string, Promise<QueueRef | undefined>>();
  /** A queue with its dead-letter queue (asked of SQS once per container). */
  const queueRef = (name: string): Promise<QueueRef | undefined> => {
    const queue = deps.queues.find((q) => q.name === name);
    if (!queue) return Promise.resolve(undefined);
    const known = refs.get(name);
    if (known) return known;
    // The dead-letter queue's ARN (from the redrive policy) and URL, asked once per container.
    const ref = deadLetterArnOf(deps.sqs, queue.url).then(async (arn) =>
      arn === undefined ? undefined : { ...queue, deadLetterArn: arn, deadLetterUrl: await queueUrlOf(deps.sqs, arn) },
    );
    ref.catch(() => refs.delete(name));
    refs.set(name, ref);
    return ref;
  };

  return {
    async overview() {
      const [sources, queues] = await Promise.all([
        sourceActivity(deps, now()),
        Promise.all(
          deps.queues.map(async ({ name }): Promise<QueueState> => {
            const ref = await queueRef(name);
            if (!ref) return { name, visible: 0, inFlight: 0, deadLetters: 0 };
            const depth = await queueDepth(deps.sqs, ref);
            return { name, visible: depth.waiting, inFlight: depth.inFlight, deadLetters: depth.deadLetters };
          }),
        ),
      ]);
      return { sources, queues };
    },

    async events(filter) {
      const { records } = await scanDeployedEvents(deps.dynamo, deps.eventsTable, {
        ...(filter.source && { source: filter.source }),
        ...(filter.status && { status: filter.status }),
        limit: filter.limit,
        maxScanned: MAX_SCANNED,
      });
      return records.sort((a, b) => b.receivedAt - a.receivedAt).slice(0, filter.limit);
    },

    event: (source, eventId) => deps.getEvent(source, eventId),

    async deadLetters(name) {
      const ref = await queueRef(name);
      return ref && peekDeadLetters(deps.sqs, ref);
    },

    endpoints: () => endpointCensus(deps.dynamo, deps.outboundTable, now),

    async redrive(name) {
      const ref = await queueRef(name);
      if (!ref) return undefined;
      // Started, read once, not followed: the page reloads and shows the depths as SQS moves them.
      const task = await redriveDeadLetters(deps.sqs, ref, { follow: false });
      const moved = task.ApproximateNumberOfMessagesMoved;
      const status = task.Status === 'COMPLETED' ? 'done' : task.Status === 'RUNNING' ? 'running' : 'failed';
      return {
        status,
        ...(moved !== undefined && { moved }),
        ...(task.FailureReason !== undefined && { message: task.FailureReason }),
      };
    },
  };
}

/** Each source's last hour, per minute, from the stack's metrics. */
async function sourceActivity(deps: AwsConsoleDataDeps, nowMs: number): Promise<SourceActivity[]> {
  const rows = [...deps.sources, ...(deps.tenantSources ? [{ id: TENANT_SOURCES, scheme: undefined }] : [])];
  const cloudwatch = await deps.cloudwatch();
  const reasons = await rejectionReasons(cloudwatch, deps.namespace);
  const end = Math.floor(nowMs / 60_000) * 60_000 + 60_000;
  const start = end - MINUTES * 60_000;
  const queries: { id: string; source: number; kind: string; dimensions: Record<string, string>; name: string }[] = [];
  rows.forEach((row, i) => {
    const Source = row.id;
    queries.push({ id: `a${i}`, source: i, kind: 'accepted', dimensions: { Source }, name: METRICS.accepted.name });
    queries.push({ id: `d${i}`, source: i, kind: 'duplicate', dimensions: { Source }, name: METRICS.duplicates.name });
    (reasons.get(Source) ?? []).forEach((Reason, j) =>
      queries.push({
        id: `r${i}_${j}`,
        source: i,
        kind: `rejected:${Reason}`,
        dimensions: { Source, Reason },
        name: METRICS.rejected.name,
      }),
    );
  });
  const results = await metricData(
    cloudwatch,
    queries.map((q) => ({ ...q, namespace: deps.namespace, stat: 'Sum' as const })),
    60,
    new Date(start),
    new Date(end),
  );
  const series = new Map<string, number[]>();
  for (const [id, points] of results) {
    const perMinute = new Array<number>(MINUTES).fill(0);
    points.timestamps.forEach((t, k) => {
      const minute = Math.floor((t.getTime() - start) / 60_000);
      if (minute >= 0 && minute < MINUTES) perMinute[minute]! += points.values[k] ?? 0;
    });
    series.set(id, perMinute);
  }
  return rows.map((row, i) => {
    const mine = queries.filter((q) => q.source === i);
    const of = (id: string) => series.get(id) ?? new Array<number>(MINUTES).fill(0);
    const rejected = mine.filter((q) => q.kind.startsWith('rejected:')).map((q) => of(q.id));
    const all = mine.map((q) => of(q.id));
    const sum = (lists: number[][]) => Array.from({ length: MINUTES }, (_, m) => lists.reduce((a, l) => a + l[m]!, 0));
    const outcomes = Object.fromEntries(
      mine.map((q) => [q.kind, of(q.id).reduce((a, b) => a + b, 0)] as const).filter(([, n]) => n > 0),
    );
    return {
      id: row.id,
      ...(row.scheme !== undefined && { scheme: row.scheme }),
      requests: { perMinute: sum(all), rejectedPerMinute: sum(rejected), outcomes },
    };
  });
}
