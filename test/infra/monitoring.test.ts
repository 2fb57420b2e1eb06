/**
 * Alarms in the synthesized template: every one notifies the one alarm topic (ALARM and OK), none alarms on missing
 * data (a fresh deploy, a quiet night), and the inbound thresholds come from the config, per source, with defaults.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/kernel/errors';
import { METRICS, SHARED_PIPELINE } from '../../lambdas/core/kernel/metrics';
import { defineConfig } from '../../lib/config';
import type { WebhookIngestionStack } from '../../lib/webhook-ingestion-stack';
import { buildStack, fixtureInput, STACK_NAME } from './support';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
type MetricQuery = {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] } };
};
type MathAlarm = { Threshold: number; Metrics: MetricQuery[] };
let stack: WebhookIngestionStack;
let resources: Resources;

beforeAll(() => {
  // Outbound on, relays and every subscription kind: every alarm the stack can create.
  stack = buildStack(defineConfig({ ...fixtureInput, outbound: {} }));
  resources = Template.fromStack(stack).toJSON().Resources as Resources;
});

const alarms = () => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
const topicRef = () => stack.resolve((stack.alarmTopic.topic.node.defaultChild as unknown as { ref: string }).ref);
const alarmOf = (construct: { node: { defaultChild?: unknown } }) =>
  resources[(stack.resolve((construct.node.defaultChild as { ref: string }).ref) as { Ref: string }).Ref]!.Properties;

describe('alarms', () => {
  it('every alarm of the stack notifies the one alarm topic when it fires and when it clears', () => {
    expect(alarms().length).toBeGreaterThan(15);
    for (const [id, alarm] of alarms()) {
      expect(alarm.Properties.AlarmActions, id).toEqual([topicRef()]);
      expect(alarm.Properties.OKActions, id).toEqual([topicRef()]);
    }
    expect(
      Object.values(resources).filter(
        (r) => r.Type === 'AWS::SNS::Topic' && /alarm/i.test(String(r.Properties.DisplayName)),
      ),
    ).toHaveLength(1);
  });

  it('no alarm fires on missing data: a fresh deploy with no traffic is quiet', () => {
    for (const [id, alarm] of alarms()) expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
  });

  it("alarms on a source's rejected share above 20% of at least 10 rejections in 5 minutes, from the source's metrics", () => {
    const [rejected] = stack.monitoring.inboundAlarms.alarms.stripe!;
    const props = alarmOf(rejected!) as unknown as MathAlarm;
    expect(props.Threshold).toBe(20);
    expect(props.Metrics[0]!.Expression).toBe(
      'IF(FILL(r, 0) >= 10, 100 * FILL(r, 0) / (FILL(a, 0) + FILL(d, 0) + FILL(r, 0)), 0)',
    );
    const stat = (id: string) => props.Metrics.find((m) => m.Id === id)!.MetricStat!.Metric;
    expect(stat('r')).toEqual({
      Namespace: STACK_NAME,
      MetricName: METRICS.rejected.name,
      Dimensions: [{ Name: 'Source', Value: 'stripe' }],
    });
    expect(stat('a').MetricName).toBe(METRICS.accepted.name);
    expect(stat('d').MetricName).toBe(METRICS.duplicates.name);
  });

  it("takes each source's thresholds from its config, and the stack's from the stack config", () => {
    const custom = buildStack(
      defineConfig({
        ...fixtureInput,
        sources: [
          { ...fixtureInput.sources[0]!, alarms: { maxRejectedPercent: 50, maxQueueAgeMinutes: 90 } },
          fixtureInput.sources[1]!,
        ],
        alarms: { maxApi5xxPer5Minutes: 25 },
      }),
    );
    const t = Template.fromStack(custom).toJSON().Resources as Resources;
    const props = (c: { node: { defaultChild?: unknown } }) =>
      t[(custom.resolve((c.node.defaultChild as { ref: string }).ref) as { Ref: string }).Ref]!.Properties;
    const [stripeRejected, stripeAge] = custom.monitoring.inboundAlarms.alarms.stripe!;
    const [githubRejected] = custom.monitoring.inboundAlarms.alarms['github-app']!;
    const [api5xx, throttles] = custom.monitoring.inboundAlarms.alarms.stack!;
    expect(props(stripeRejected!).Threshold).toBe(50);
    expect(props(stripeAge!)).toMatchObject({ Threshold: 5400, MetricName: 'ApproximateAgeOfOldestMessage' });
    expect(props(githubRejected!).Threshold).toBe(20);
    expect(props(api5xx!)).toMatchObject({ Threshold: 25, MetricName: '5xx', Namespace: 'AWS/ApiGateway' });
    expect(props(throttles!)).toMatchObject({ Threshold: 0, MetricName: 'Throttles', Namespace: 'AWS/Lambda' });
  });

  it("takes the outbound alarms' thresholds from the outbound config, notifying the same topic", () => {
    const custom = buildStack(
      defineConfig({
        ...fixtureInput,
        outbound: {
          alarms: {
            maxDueDeliveryAgeMinutes: 20,
            maxExhaustedDeliveriesPer5Minutes: 3,
            maxDeliveryQueueAgeMinutes: 45,
          },
        },
      }),
    );
    const t = Template.fromStack(custom).toJSON().Resources as Resources;
    const props = (c: { node: { defaultChild?: unknown } }) =>
      t[(custom.resolve((c.node.defaultChild as { ref: string }).ref) as { Ref: string }).Ref]!.Properties;
    const a = custom.outbound!.alarms;
    expect(props(a.dueDeliveryAgeAlarm).Threshold).toBe(20 * 60);
    expect(props(a.exhaustedDeliveriesAlarm).Threshold).toBe(3);
    expect(props(a.deliveryQueueAgeAlarm).Threshold).toBe(45 * 60);
    expect(custom.outbound!.alarmTopic).toBe(custom.alarmTopic.topic);
    expect(() => defineConfig({ ...fixtureInput, outbound: { alarms: { maxDeliveryQueueAgeMinutes: 15 } } })).toThrow(
      /outbound\.alarms\.maxDeliveryQueueAgeMinutes/,
    );
  });

  it("alarms on the processor's failure share from the processor's own metrics", () => {
    const [, , failures] = stack.monitoring.inboundAlarms.alarms.stripe!;
    const props = alarmOf(failures!) as unknown as MathAlarm;
    expect(props.Threshold).toBe(10);
    const stat = (id: string) =>
      props.Metrics.find((m) => m.Id === id)!.MetricStat as unknown as { Metric: { MetricName: string }; Stat: string };
    expect(stat('f')).toMatchObject({ Metric: { MetricName: METRICS.processingFailures.name }, Stat: 'Sum' });
    // The events published: one IngestToPublishAge value each.
    expect(stat('p')).toMatchObject({ Metric: { MetricName: METRICS.ingestToPublishAge.name }, Stat: 'SampleCount' });
  });

  it('gives a source on the shared pipeline no alarm of its own, and the shared pipeline its queue and failure alarms', () => {
    const { alarms: inbound } = stack.monitoring.inboundAlarms;
    expect(inbound.shop).toBeUndefined();
    const [age, failures] = inbound.shared!;
    expect(alarmOf(age!)).toMatchObject({ Threshold: 30 * 60, MetricName: 'ApproximateAgeOfOldestMessage' });
    const stat = (alarmOf(failures!) as unknown as MathAlarm).Metrics.find((m) => m.Id === 'f')!.MetricStat!;
    expect(stat.Metric.Dimensions).toEqual([{ Name: 'Source', Value: SHARED_PIPELINE }]);

    const custom = buildStack(
      defineConfig({
        ...fixtureInput,
        sharedPipeline: { alarms: { maxQueueAgeMinutes: 45, minProcessorFailures: 2 } },
      }),
    );
    const [customAge] = custom.monitoring.inboundAlarms.alarms.shared!;
    const t = Template.fromStack(custom).toJSON().Resources as Resources;
    const ref = custom.resolve((customAge!.node.defaultChild as unknown as { ref: string }).ref) as { Ref: string };
    expect(t[ref.Ref]!.Properties.Threshold).toBe(45 * 60);
  });

  it('refuses a queue-age threshold the queue can never reach (messages are deleted first), naming the field', () => {
    const run = () =>
      defineConfig({
        sources: [{ id: 'stripe', scheme: 'stripe', queueRetentionDays: 1, alarms: { maxQueueAgeMinutes: 1440 } }],
      });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/sources\.0\.alarms\.maxQueueAgeMinutes: must be less than queueRetentionDays \(1 days\)/);
  });

  it('fills in every threshold when a config names none', () => {
    const config = defineConfig({ sources: [{ id: 'stripe', scheme: 'stripe' }] });
    expect(config.sources[0]!.alarms).toEqual({
      maxRejectedPercent: 20,
      minRejected: 10,
      maxQueueAgeMinutes: 30,
      maxProcessorFailurePercent: 10,
      minProcessorFailures: 5,
    });
    expect(config.alarms).toEqual({ maxApi5xxPer5Minutes: 5, maxVerifierThrottlesPer5Minutes: 0 });
  });
});

describe('tracing', () => {
  it("with tracing on, the topic traces its publishes too, so a trace runs from the processor's publish on", () => {
    const traced = Template.fromStack(buildStack(defineConfig({ ...fixtureInput, tracing: true })));
    traced.hasResourceProperties('AWS::SNS::Topic', { TracingConfig: 'Active' });
    const plain = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Topic');
    expect(plain.every((r) => r.Properties.TracingConfig === undefined)).toBe(true);
  });
});
