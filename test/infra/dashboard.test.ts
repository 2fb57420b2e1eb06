/**
 * The dashboard shows only metrics that exist: each custom metric a widget names is in the catalog
 * (core/kernel/metrics.ts) with one of its dimension sets, and the code records it; every other metric is one AWS
 * publishes for the service (the documented names below). And nothing in the catalog is left off the dashboard.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS, type MetricKey, type MetricSpec } from '../../lambdas/core/kernel/metrics';
import { defineConfig } from '../../lib/config';
import { REPO_ROOT, WebhookFunction } from '../../lib/constructs/webhook-function';
import type { WebhookIngestionStack } from '../../lib/webhook-ingestion-stack';
import { buildStack, fixtureInput, STACK_NAME } from './support';

/**
 * AWS's own metrics, by namespace, with the dimension each is read by (AWS docs: "Monitoring HTTP APIs with
 * CloudWatch metrics", "Available CloudWatch metrics for Amazon SQS", "Types of metrics for Lambda functions").
 */
const AWS_METRICS: Record<string, { dimension: string; names: readonly string[] }> = {
  'AWS/ApiGateway': {
    dimension: 'ApiId',
    names: ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency', 'DataProcessed'],
  },
  'AWS/SQS': {
    dimension: 'QueueName',
    names: [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateAgeOfOldestMessage',
    ],
  },
  'AWS/Lambda': {
    dimension: 'FunctionName',
    names: ['Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'Invocations'],
  },
};

type MetricRow = unknown[];
let stack: WebhookIngestionStack;
let rows: MetricRow[];
let expressions: string[];

beforeAll(() => {
  stack = buildStack(defineConfig({ ...fixtureInput, outbound: {} }));
  const widgets = stack.monitoring.dashboard.widgets.flatMap(
    (w) => stack.resolve(w.toJson()) as Array<{ type: string; properties: { metrics?: MetricRow[] } }>,
  );
  const all = widgets.flatMap((w) => w.properties.metrics ?? []);
  rows = all.filter((m) => typeof m[0] === 'string');
  expressions = all.flatMap((m) => {
    const expression = (m[0] as { expression?: string } | undefined)?.expression;
    return expression === undefined ? [] : [expression];
  });
});

const byName = new Map<string, { key: MetricKey; spec: MetricSpec }>(
  Object.entries(METRICS).map(([key, spec]) => [spec.name, { key: key as MetricKey, spec }]),
);
/** A metric row: namespace, name, then dimension name/value pairs, then (optionally) an options object. */
const parse = (row: MetricRow) => {
  const [namespace, name, ...rest] = row as [string, string, ...unknown[]];
  // The options object (label, stat) comes last; a dimension value may be a token ({ Ref }, { Fn::GetAtt }).
  const last = rest.at(-1);
  const isOptions = typeof last === 'object' && last !== null && !Object.keys(last).some((k) => /^(Ref|Fn::)/.test(k));
  const pairs = isOptions ? rest.slice(0, -1) : rest;
  expect(pairs.length % 2, `${namespace} ${name}`).toBe(0);
  const dimensionNames = pairs.filter((_, i) => i % 2 === 0) as string[];
  return { namespace, name, dimensionNames };
};

/** Every .ts file under a directory. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('dashboard', () => {
  it('names only custom metrics of the catalog, each with one of its dimension sets, in the stack namespace', () => {
    const custom = rows.map(parse).filter((m) => !m.namespace.startsWith('AWS/'));
    expect(custom.length).toBeGreaterThan(10);
    for (const m of custom) {
      expect(m.namespace, m.name).toBe(STACK_NAME);
      const entry = byName.get(m.name);
      expect(entry, `${m.name} is not in the metrics catalog`).toBeDefined();
      const sets = entry!.spec.dimensions.map((set) => [...set].sort().join(','));
      expect(sets, `${m.name} by ${m.dimensionNames.join(',')}`).toContain([...m.dimensionNames].sort().join(','));
    }
  });

  it('names only AWS metrics each service publishes, by the dimension it publishes them with', () => {
    const aws = rows.map(parse).filter((m) => m.namespace.startsWith('AWS/'));
    expect(new Set(aws.map((m) => m.namespace))).toEqual(new Set(Object.keys(AWS_METRICS)));
    for (const m of aws) {
      const known = AWS_METRICS[m.namespace]!;
      expect(known.names, `${m.namespace} ${m.name}`).toContain(m.name);
      expect(m.dimensionNames, `${m.namespace} ${m.name}`).toEqual([known.dimension]);
    }
  });

  it('searches only for catalog metrics by their catalog dimensions', () => {
    expect(expressions.length).toBeGreaterThan(0);
    for (const expression of expressions) {
      const search = /^SEARCH\('\{([^}]*)\} MetricName="([^"]+)"'/.exec(expression);
      expect(search, expression).not.toBeNull();
      const [namespace, ...dimensions] = search![1]!.split(',');
      expect(namespace).toBe(STACK_NAME);
      expect(byName.get(search![2]!)!.spec.dimensions.map((s) => s.join(','))).toContain(dimensions.join(','));
    }
  });

  it('shows every metric of the catalog', () => {
    const shown = new Set<string>([
      ...rows.map((r) => parse(r).name),
      ...expressions.flatMap((e) => /MetricName="([^"]+)"/.exec(e)?.[1] ?? []),
    ]);
    for (const spec of Object.values(METRICS) as MetricSpec[]) expect(shown, spec.name).toContain(spec.name);
  });

  it('every metric of the catalog is recorded somewhere in the functions’ code', () => {
    const code = sources(path.join(REPO_ROOT, 'lambdas'))
      .filter((f) => !f.endsWith(path.join('kernel', 'metrics.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const key of Object.keys(METRICS)) expect(code, key).toMatch(new RegExp(`'${key}'`));
  });

  it("shows every one of the stack's functions (the replay function included)", () => {
    const shown = new Set(
      rows.filter((r) => r[0] === 'AWS/Lambda').map((r) => JSON.stringify(r[r.indexOf('FunctionName') + 1])),
    );
    const functions = stack.node.findAll().filter((c): c is WebhookFunction => c instanceof WebhookFunction);
    expect(functions.length).toBeGreaterThan(6);
    for (const fn of functions)
      expect(shown, fn.node.path).toContain(JSON.stringify(stack.resolve(fn.lambdaFunction.functionName)));
  });

  it('shows the alarms of the stack, outbound ones included', () => {
    const widgets = stack.monitoring.dashboard.widgets.flatMap(
      (w) => stack.resolve(w.toJson()) as Array<{ type: string; properties: { alarms?: unknown[] } }>,
    );
    const alarmWidget = widgets.find((w) => w.type === 'alarm')!;
    expect(alarmWidget.properties.alarms!.length).toBeGreaterThan(15);
  });
});
