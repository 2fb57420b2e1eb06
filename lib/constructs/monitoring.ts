/**
 * What the operator watches: the inbound alarms (thresholds from the config), every alarm of the stack notifying
 * the one alarm topic (the source queues' and the subscribers' dead-letter alarms included; outbound's own alarms
 * are given the same topic by OutboundDelivery), and the dashboard.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SHARED_PIPELINE } from '../../lambdas/core/kernel/metrics';
import type { StackConfig } from '../config-schema';
import { notify } from './alarm-topic';
import { StackDashboard, type DashboardQueue } from './dashboard';
import type { EventTopic } from './event-topic';
import { InboundAlarms } from './inbound-alarms';
import type { OutboundDelivery } from './outbound-delivery';
import type { SharedPipeline } from './shared-pipeline';
import type { SourcePipeline } from './source-pipeline';
import type { WebhookApi } from './webhook-api';
import type { WebhookFunction } from './webhook-function';

export interface MonitoringProps {
  readonly config: StackConfig;
  readonly alarmTopic: sns.ITopic;
  readonly pipelines: Readonly<Record<string, SourcePipeline>>;
  readonly eventTopic: EventTopic;
  readonly api: WebhookApi;
  readonly verifier: WebhookFunction;
  /** The archive's replay function (#19): on the dashboard with the others. */
  readonly replay?: WebhookFunction;
  /** The shared pipeline (tenant sources, config sources with `pipeline: 'shared'`), when the stack has one. */
  readonly shared?: SharedPipeline;
  /** Tenant sources' API function, when the stack has them. */
  readonly tenantSourcesApi?: WebhookFunction;
  readonly outbound?: OutboundDelivery;
}

export class Monitoring extends Construct {
  public readonly inboundAlarms: InboundAlarms;
  public readonly dashboard: StackDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, pipelines, eventTopic, outbound } = props;
    this.inboundAlarms = new InboundAlarms(this, 'Alarms', {
      sources: config.sources,
      pipelines,
      ...(props.shared && { shared: { queue: props.shared.queue.queue, alarms: config.sharedPipeline.alarms } }),
      stackAlarms: config.alarms,
      httpApi: props.api.httpApi,
      verifier: props.verifier.lambdaFunction,
    });
    const inbound: cloudwatch.Alarm[] = [
      ...Object.values(this.inboundAlarms.alarms).flat(),
      ...Object.values(pipelines).flatMap((p) => (p.own?.deadLetterAlarm ? [p.own.deadLetterAlarm] : [])),
      ...(props.shared?.queue.deadLetterAlarm ? [props.shared.queue.deadLetterAlarm] : []),
      ...Object.values(eventTopic.deliveryDeadLetterAlarms),
      ...Object.values(eventTopic.subscriberQueues).flatMap((q) => (q.deadLetterAlarm ? [q.deadLetterAlarm] : [])),
    ];
    notify(props.alarmTopic, inbound);

    const queues: DashboardQueue[] = Object.values(pipelines).flatMap((p) =>
      p.own ? [{ label: p.sourceId, queue: p.own.queue, deadLetterQueue: p.own.deadLetterQueue }] : [],
    );
    if (props.shared) queues.push({ label: 'shared pipeline', ...durable(props.shared.queue) });
    const functions: Record<string, WebhookFunction> = { verifier: props.verifier };
    for (const p of Object.values(pipelines)) if (p.own) functions[`processor ${p.sourceId}`] = p.own.processor;
    if (props.shared) functions['processor (shared)'] = props.shared.processor;
    if (props.tenantSourcesApi) functions['tenant sources api'] = props.tenantSourcesApi;
    if (props.replay) functions.replay = props.replay;
    const outboundAlarms: cloudwatch.Alarm[] = [];
    if (outbound) {
      queues.push(
        { label: 'outbound deliveries', ...durable(outbound.deliveryQueue) },
        { label: 'outbound intake', ...durable(outbound.intakeQueue) },
        ...(outbound.relayQueue ? [{ label: 'outbound relay', ...durable(outbound.relayQueue) }] : []),
      );
      Object.assign(functions, {
        'outbound api': outbound.api,
        'outbound worker': outbound.worker,
        'outbound sweeper': outbound.sweeper,
        'outbound intake': outbound.intake,
        ...(outbound.relay && { 'outbound relay': outbound.relay }),
      });
      const a = outbound.alarms;
      outboundAlarms.push(
        a.dueDeliveryAgeAlarm,
        a.sweeperStoppedAlarm,
        a.exhaustedDeliveriesAlarm,
        a.deliveryQueueAgeAlarm,
        outbound.sweeperErrorsAlarm,
      );
    }
    this.dashboard = new StackDashboard(this, 'Dashboard', {
      // The processors count per pipeline: each own source's, and the shared one.
      pipelines: [
        ...Object.values(pipelines).flatMap((p) => (p.own ? [p.sourceId] : [])),
        ...(props.shared ? [SHARED_PIPELINE] : []),
      ],
      httpApi: props.api.httpApi,
      queues,
      functions: Object.fromEntries(Object.entries(functions).map(([label, fn]) => [label, fn.lambdaFunction])),
      alarms: [...inbound, ...outboundAlarms],
      outbound: outbound !== undefined,
    });
  }
}

function durable(q: { readonly queue: DashboardQueue['queue']; readonly deadLetterQueue: DashboardQueue['queue'] }) {
  return { queue: q.queue, deadLetterQueue: q.deadLetterQueue };
}
