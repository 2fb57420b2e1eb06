/**
 * Outbound delivery on AWS: the `/v1` routes on the stack's HTTP API (IAM-authorized), the API function,
 * the delivery queue (with its DLQ) and worker, the sweeper run every minute (decision 0007), and the operations
 * topic the worker publishes operator notifications to (docs/outbound-notifications.md). The table and key are
 * `OutboundStore`.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  BUNDLED_SOURCES_FILE,
  ENV,
  OUTBOUND_FUNCTIONS,
  outboundQueueSettings,
  PORTAL_ASSETS_DIR,
} from '../../lambdas/contract';
import { relayFilterPolicy, type RelayRule } from '../../lambdas/core/outbound/intake/relay';
import { DEFAULT_PORTAL_SETTINGS, type PortalSettings } from '../../lambdas/core/portal/settings';
import { DEFAULT_RETENTION, type RetentionSettings } from '../../lambdas/core/outbound/retention';
import { FUNCTION_ROUTES } from '../../lambdas/outbound-api/function-routes';
import { DurableQueue } from './durable-queue';
import { OutboundAlarms, type OutboundAlarmsProps } from './outbound-alarms';
import { OutboundStore } from './outbound-store';
import { TenantPortal } from './tenant-portal';
import { API_RUNTIME_SDK_MODULES, WebhookFunction, runtimeOf, type FunctionRuntimeProps } from './webhook-function';

export interface OutboundDeliveryProps extends FunctionRuntimeProps {
  /** The stack's HTTP API; the `/v1` routes are added to it. */
  readonly httpApi: apigwv2.HttpApi;
  /** Subnets deliveries may reach although the SSRF guard refuses them (internal receivers). @default none */
  readonly allowedCidrs?: readonly string[];
  /** Days each kind of outbound record is kept (the TTL of every item). @default DEFAULT_RETENTION (30/30/30/7) */
  readonly retention?: RetentionSettings;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** The stack's topic of processed events, and the relay rules (config/relays.ts). @default no relay */
  readonly relay?: { readonly topic: sns.ITopic; readonly rules: readonly RelayRule[] };
  /** Thresholds of the outbound alarms and the topic they notify (decision 0012). @default the defaults of `OutboundAlarmsProps` */
  readonly alarms?: OutboundAlarmsProps;
  /** The tenant portal's settings (config/portal.ts). @default DEFAULT_PORTAL_SETTINGS (framed by the stack's own pages only) */
  readonly portal?: PortalSettings;
  /** The bundled sources file's JSON, put beside the API function's code for the operator console. @default none */
  readonly bundledSources?: string;
}

export class OutboundDelivery extends Construct {
  public readonly store: OutboundStore;
  public readonly deliveryQueue: DurableQueue;
  public readonly api: WebhookFunction;
  public readonly worker: WebhookFunction;
  public readonly sweeper: WebhookFunction;
  public readonly sweeperErrorsAlarm: cloudwatch.Alarm;
  /** Operator notifications (circuit opened/closed, endpoint disabled): subscribe an email, chat or pager here. */
  public readonly operationsTopic: sns.Topic;
  /** Producers on AWS send messages here (attributes `tenant`, `type`, `id`). */
  public readonly intakeQueue: DurableQueue;
  public readonly intake: WebhookFunction;
  /** Events of the stack's topic to relay, when relays are configured. */
  public readonly relayQueue?: DurableQueue;
  /** The relay function, when relays are configured. */
  public readonly relay?: WebhookFunction;
  /** The outbound alarms (decision 0012); every one notifies `alarmTopic`. */
  public readonly alarms: OutboundAlarms;
  /** Alarm and OK notifications of every outbound alarm: subscribe a pager, chat or email here. */
  public readonly alarmTopic: sns.ITopic;
  /** The tenant portal's routes and signing key. */
  public readonly portal: TenantPortal;

  constructor(scope: Construct, id: string, props: OutboundDeliveryProps) {
    super(scope, id);
    this.store = new OutboundStore(this, 'Store', {
      deletionProtection: props.deletionProtection ?? true,
      messagesDays: (props.retention ?? DEFAULT_RETENTION).messagesDays,
    });
    const workerQueue = outboundQueueSettings('worker');
    const intakeQueue = outboundQueueSettings('intake');
    this.deliveryQueue = new DurableQueue(this, 'DeliveryQueue', {
      ...queueProps(workerQueue),
      description:
        'the outbound delivery queue (wake-ups: the deliveries stay in the table and the sweeper resends them)',
    });
    // Encrypted with the AWS-managed key (no monthly fee), like the event topic; HTTPS-only publishing.
    this.operationsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: 'Outbound delivery operations',
      masterKey: kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    const environment = {
      [ENV.operationsTopicArn]: this.operationsTopic.topicArn,
      [ENV.outboundTable]: this.store.table.tableName,
      [ENV.deliveryQueueUrl]: this.deliveryQueue.queue.queueUrl,
      [ENV.secretsKeyId]: this.store.secretsKey.keyArn,
      [ENV.allowedCidrs]: JSON.stringify(props.allowedCidrs ?? []),
      [ENV.retention]: JSON.stringify(props.retention ?? DEFAULT_RETENTION),
      [ENV.payloadBucket]: this.store.payloadBucket.bucketName,
    };
    const common = {
      ...runtimeOf(props),
      environment,
    };

    this.api = new WebhookFunction(this, 'Api', {
      ...common,
      entry: 'bin/functions/outbound-api.ts',
      serviceName: 'outbound-api',
      description: 'Outbound API, tenant portal and operator console: endpoints, message intake, deliveries',
      timeout: Duration.seconds(OUTBOUND_FUNCTIONS.api.timeoutSeconds),
      runtimeSdkModules: API_RUNTIME_SDK_MODULES,
      ...(props.bundledSources !== undefined && { bundledFiles: { [BUNDLED_SOURCES_FILE]: props.bundledSources } }),
      // The portal's front end, built from web/ into the function's asset, beside the bundle that serves it.
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir, outputDir) => [
          `cd "${inputDir}" && node --import tsx web/build.ts "${outputDir}/${PORTAL_ASSETS_DIR}"`,
        ],
      },
    });
    this.worker = new WebhookFunction(this, 'Worker', {
      ...common,
      entry: 'bin/functions/delivery-worker.ts',
      serviceName: 'outbound-worker',
      description: 'Delivers outbound webhooks and records each attempt',
      timeout: Duration.seconds(workerQueue.timeoutSeconds),
    });
    this.sweeper = new WebhookFunction(this, 'Sweeper', {
      ...common,
      entry: 'lambdas/delivery-sweeper/handler.ts',
      serviceName: 'outbound-sweeper',
      description: 'Wakes outbound deliveries whose retry falls due (every minute)',
      timeout: Duration.seconds(OUTBOUND_FUNCTIONS.sweeper.timeoutSeconds),
    });

    for (const fn of [this.api, this.worker, this.sweeper]) {
      this.store.grantTable(fn.lambdaFunction);
      this.deliveryQueue.queue.grantSendMessages(fn.lambdaFunction);
    }
    // Intake writes large payloads; the worker reads them (and the API, to answer a duplicate).
    this.store.grantPayloads(this.api.lambdaFunction, 'readWrite');
    this.store.grantPayloads(this.worker.lambdaFunction, 'read');
    // Named actions only: the API makes data keys (envelope encryption, decision 0027) and opens them, and secrets
    // sealed before directly under the key; the worker opens both.
    this.store.secretsKey.grant(this.api.lambdaFunction, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.store.secretsKey.grant(this.worker.lambdaFunction, 'kms:Decrypt');
    // The worker settles attempts, the API re-enables endpoints. The AWS-managed key needs no KMS grant (event-topic.ts).
    for (const fn of [this.worker, this.api])
      iam.Grant.addToPrincipal({
        grantee: fn.lambdaFunction,
        actions: ['sns:Publish'],
        resourceArns: [this.operationsTopic.topicArn],
      });

    this.worker.lambdaFunction.addEventSource(eventSource(this.deliveryQueue, workerQueue));
    // A scheduled EventBridge rule: free, unlike Scheduler invocations, and enough for one fixed rate.
    new events.Rule(this, 'SweepEveryMinute', {
      schedule: events.Schedule.rate(Duration.minutes(OUTBOUND_FUNCTIONS.sweeper.rateMinutes)),
      targets: [new targets.LambdaFunction(this.sweeper.lambdaFunction)],
    });
    this.sweeperErrorsAlarm = new cloudwatch.Alarm(this, 'SweeperErrors', {
      alarmDescription: 'The outbound sweeper failed: retries beyond 15 minutes are not being woken.',
      metric: this.sweeper.lambdaFunction.metricErrors({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.intakeQueue = new DurableQueue(this, 'IntakeQueue', {
      ...queueProps(intakeQueue),
      description: 'the outbound intake queue',
    });
    this.intake = new WebhookFunction(this, 'Intake', {
      ...common,
      entry: 'bin/functions/outbound-intake.ts',
      serviceName: 'outbound-intake',
      description: 'Accepts outbound messages from the intake queue',
      timeout: Duration.seconds(intakeQueue.timeoutSeconds),
    });
    this.consume(this.intakeQueue, this.intake);
    const relayFilter = relayFilterPolicy(props.relay?.rules ?? []);
    if (props.relay && relayFilter) {
      this.relayQueue = new DurableQueue(this, 'RelayQueue', {
        ...queueProps(intakeQueue),
        description: 'the outbound relay queue',
      });
      // Raw delivery: the event is the body and source, type, eventId (and tenant) stay message attributes.
      const subscription = props.relay.topic.addSubscription(
        new subscriptions.SqsSubscription(this.relayQueue.queue, { rawMessageDelivery: true }),
      );
      // Set on the resource: CDK's filterPolicy has no `$or`, which "these sources, or any tenant source" needs.
      (subscription.node.defaultChild as sns.CfnSubscription).filterPolicy = relayFilter;
      const relay = (this.relay = new WebhookFunction(this, 'Relay', {
        ...common,
        environment: { ...environment, [ENV.relays]: JSON.stringify(props.relay.rules) },
        entry: 'lambdas/outbound-relay/handler.ts',
        serviceName: 'outbound-relay',
        description: "Relays verified inbound events to tenants' endpoints",
        timeout: Duration.seconds(intakeQueue.timeoutSeconds),
      }));
      this.consume(this.relayQueue, relay);
    }

    const integration = new HttpLambdaIntegration('OutboundApi', this.api.lambdaFunction, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const authorizer = new HttpIamAuthorizer();
    for (const { key } of FUNCTION_ROUTES.filter((r) => r.auth === 'iam')) {
      const [method, path] = key.split(' ') as [keyof typeof apigwv2.HttpMethod, string];
      props.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod[method]], integration, authorizer });
    }
    this.portal = new TenantPortal(this, 'Portal', {
      httpApi: props.httpApi,
      api: this.api,
      integration,
      settings: props.portal ?? DEFAULT_PORTAL_SETTINGS,
    });

    const deadLetterAlarms = [this.deliveryQueue, this.intakeQueue, this.relayQueue].flatMap((q) =>
      q?.deadLetterAlarm ? [q.deadLetterAlarm] : [],
    );
    this.alarms = new OutboundAlarms(
      this,
      'Alarms',
      {
        sweeper: this.sweeper.lambdaFunction,
        deliveryQueue: this.deliveryQueue.queue,
        existing: [this.sweeperErrorsAlarm, ...deadLetterAlarms],
      },
      props.alarms,
    );
    this.alarmTopic = this.alarms.alarmTopic;
  }

  /** A queue-fed intake function: it writes the table and wakes deliveries. */
  private consume(queue: DurableQueue, fn: WebhookFunction): void {
    this.store.grantTable(fn.lambdaFunction);
    this.store.grantPayloads(fn.lambdaFunction, 'readWrite');
    this.deliveryQueue.queue.grantSendMessages(fn.lambdaFunction);
    fn.lambdaFunction.addEventSource(eventSource(queue, outboundQueueSettings('intake')));
  }
}

type QueueSettings = ReturnType<typeof outboundQueueSettings>;

/** A durable queue's props from the contract's settings, so the local stack's queues match. */
function queueProps(q: QueueSettings) {
  return {
    visibilityTimeout: Duration.seconds(q.visibilityTimeoutSeconds),
    maxReceiveCount: q.maxReceiveCount,
    retentionPeriod: Duration.seconds(q.retentionSeconds),
  };
}

/** The function's event source mapping, from the same settings. */
function eventSource(queue: DurableQueue, q: QueueSettings): SqsEventSource {
  return new SqsEventSource(queue.queue, {
    batchSize: q.batchSize,
    maxBatchingWindow: Duration.seconds(q.maxBatchingWindowSeconds),
    maxConcurrency: q.maxConcurrency,
    reportBatchItemFailures: true,
  });
}
