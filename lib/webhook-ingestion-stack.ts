/**
 * The whole ingestion path: HTTP API -> verifier -> a source's own queue, or the shared (fair) queue -> processor ->
 * SNS topic, with the events table recording each delivery exactly once.
 */
import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { schemes } from '../lambdas/core/signatures/index';
import type { StackConfig } from './config-schema';
import { EventArchive } from './constructs/event-archive';
import { EventStore } from './constructs/event-store';
import { ReplayFunction } from './constructs/replay-function';
import { EventTopic } from './constructs/event-topic';
import { OutboundDelivery } from './constructs/outbound-delivery';
import type { RelayRule } from '../lambdas/core/outbound/intake/relay';
import { SharedPipeline } from './constructs/shared-pipeline';
import type { PortalSettings } from '../lambdas/core/portal/settings';
import { SourcePipeline } from './constructs/source-pipeline';
import { TenantSources } from './constructs/tenant-sources';
import { WebhookApi } from './constructs/webhook-api';
import { VERIFIER_RUNTIME_SDK_MODULES, WebhookFunction } from './constructs/webhook-function';
import { AlarmTopic } from './constructs/alarm-topic';
import { Monitoring } from './constructs/monitoring';
import { BUNDLED_SOURCES_FILE, VERIFIER_TIMEOUT_SECONDS } from '../lambdas/contract';
import { bundledSources, secretNamePrefix, verifierEnvironment } from './verifier-environment';
import { OperatorConsole } from './constructs/operator-console';
import { addStackOutputs } from './stack-output-values';

const VERIFIER_SERVICE_NAME = 'webhook-verifier';

export interface WebhookIngestionStackProps extends StackProps {
  /** The validated config, from `defineConfig` (see `config/sources.ts`). */
  readonly config: StackConfig;
  /** Protect the events table from `DeleteTable`, including a stack deletion. @default true */
  readonly deletionProtection?: boolean;
  /** Directory holding `package.json` and the lock file, for bundling. @default - the repository root */
  readonly projectRoot?: string;
  /** Inbound events relayed, signed, to tenants' endpoints (config/relays.ts), when outbound is on. @default none */
  readonly relays?: readonly RelayRule[];
  /** The tenant portal's settings (config/portal.ts), when outbound is on. @default DEFAULT_PORTAL_SETTINGS */
  readonly portal?: PortalSettings;
}

export class WebhookIngestionStack extends Stack {
  public readonly eventStore: EventStore;
  public readonly eventTopic: EventTopic;
  /** The archive of every accepted request. */
  public readonly archive: EventArchive;
  /** Replays archived events (a chain of runs past Lambda's 15 minutes). */
  public readonly replay: ReplayFunction;
  /** One per config source (its secret, and its own queue and processor unless it uses the shared pipeline). */
  public readonly pipelines: Readonly<Record<string, SourcePipeline>>;
  /** The shared pipeline, when a config source uses it or tenant sources are on. */
  public readonly shared?: SharedPipeline;
  public readonly verifier: WebhookFunction;
  public readonly api: WebhookApi;
  /** Outbound delivery, when the config has an `outbound` key. */
  public readonly outbound?: OutboundDelivery;
  /** The one topic every alarm notifies. */
  public readonly alarmTopic: AlarmTopic;
  /** The inbound alarms and the dashboard. */
  public readonly monitoring: Monitoring;
  /** Tenant sources, when the config has a `tenantSources` key. */
  public readonly tenantSources?: TenantSources;

  constructor(scope: Construct, id: string, props: WebhookIngestionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    // Fails before building anything when a source's fixed queue name would be too long.
    const sources = bundledSources(config, this.stackName);
    const common = {
      logRetention,
      projectRoot: props.projectRoot,
      tracing: config.tracing,
      sourceMaps: config.sourceMaps,
    };

    this.eventStore = new EventStore(this, 'Events', { deletionProtection: props.deletionProtection ?? true });
    const retentionDays = Object.fromEntries(config.sources.map((s) => [s.id, s.archive.retentionDays]));
    this.archive = new EventArchive(this, 'Archive', {
      retentionDays,
      ...(config.archive.objectLockDays !== undefined && { objectLockDays: config.archive.objectLockDays }),
      largeMessageReaders: config.archive.largeMessageReaders,
    });
    this.eventTopic = new EventTopic(this, 'Processed', {
      subscriptions: config.subscriptions,
      tracing: config.tracing,
    });
    this.alarmTopic = new AlarmTopic(this, 'Alarms');
    const pipelineProps = { eventStore: this.eventStore, eventTopic: this.eventTopic, ...common };

    const pipelines: Record<string, SourcePipeline> = {};
    for (const source of config.sources)
      pipelines[source.id] = new SourcePipeline(this, `Source-${source.id}`, {
        source,
        ...pipelineProps,
        archive: this.archive,
      });
    this.pipelines = pipelines;
    const shared = config.sources.filter((s) => s.pipeline === 'shared');
    if (config.tenantSources || shared.length > 0)
      this.shared = new SharedPipeline(this, 'Shared', {
        config: config.sharedPipeline,
        ...pipelineProps,
        archive: { archive: this.archive, denyHeaders: [...new Set(shared.flatMap((s) => s.archive.denyHeaders))] },
      });
    /** Where the verifier and the replay function find the queues the bundled sources name. */
    const queueRefs = {
      queueUrlPrefix: `https://sqs.${Aws.REGION}.${Aws.URL_SUFFIX}/${Aws.ACCOUNT_ID}/`,
      ...(this.shared && { sharedQueueUrl: this.shared.queue.queue.queueUrl }),
    };

    if (config.tenantSources)
      this.tenantSources = new TenantSources(this, 'TenantSources', {
        deletionProtection: props.deletionProtection ?? true,
        ...common,
      });
    this.verifier = new WebhookFunction(this, 'Verifier', {
      entry: 'lambdas/verifier/handler.ts',
      serviceName: VERIFIER_SERVICE_NAME,
      description: 'Verifies webhook signatures, records each event once and enqueues it',
      memorySize: 256,
      timeout: Duration.seconds(VERIFIER_TIMEOUT_SECONDS),
      ...common,
      // The config sources travel in the code asset, not the environment (decision 0002): no 4 KB cap.
      bundledFiles: { [BUNDLED_SOURCES_FILE]: JSON.stringify(sources) },
      // Claim checks only (bodies over SQS's 1 MiB): loaded on first use from the runtime's SDK (decision 0019).
      runtimeSdkModules: VERIFIER_RUNTIME_SDK_MODULES,
      environment: verifierEnvironment(config, {
        ...queueRefs,
        tableName: this.eventStore.table.tableName,
        archiveBucket: this.archive.bucket.bucketName,
        ...(this.tenantSources && {
          tenantSources: {
            tableName: this.tenantSources.table.tableName,
            keyId: this.tenantSources.secretsKey.keyArn,
          },
        }),
      }),
    });
    this.eventStore.grantEventAccess(this.verifier.lambdaFunction);
    this.archive.grant(this.verifier.lambdaFunction, { payloads: ['write'] });
    this.grantSourceAccess(this.verifier, config);
    this.replay = new ReplayFunction(this, 'Replay', {
      archive: this.archive,
      eventStore: this.eventStore,
      eventTopic: this.eventTopic,
      bundledSources: JSON.stringify(sources),
      queues: queueRefs,
      retentionDays,
      subscriptionIds: config.subscriptions.map((s) => s.id),
      ...common,
    });
    this.grantSourceAccess(this.replay.function, config);

    this.api = new WebhookApi(this, 'Api', {
      handler: this.verifier.lambdaFunction,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      logRetention,
      subscriptionSources: config.sources.filter((s) => schemes[s.scheme].handshake?.subscribe).map((s) => s.id),
      tenantSources: this.tenantSources !== undefined,
    });
    this.tenantSources?.addRoutes(this.api.httpApi);
    this.tenantSources?.grantRead(this.verifier.lambdaFunction);

    if (config.outbound) {
      this.outbound = new OutboundDelivery(this, 'Outbound', {
        httpApi: this.api.httpApi,
        allowedCidrs: config.outbound.allowedCidrs,
        retention: config.outbound.retention,
        deletionProtection: props.deletionProtection ?? true,
        relay: { topic: this.eventTopic.topic, rules: props.relays ?? [] },
        alarms: {
          alarmTopic: this.alarmTopic.topic,
          maxDueDeliveryAge: Duration.minutes(config.outbound.alarms.maxDueDeliveryAgeMinutes),
          exhaustedDeliveriesThreshold: config.outbound.alarms.maxExhaustedDeliveriesPer5Minutes,
          maxDeliveryQueueAge: Duration.minutes(config.outbound.alarms.maxDeliveryQueueAgeMinutes),
        },
        ...common,
        ...(props.portal && { portal: props.portal }),
        bundledSources: JSON.stringify(sources),
      });
      this.addConsole(this.outbound, queueRefs.queueUrlPrefix);
    }
    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      alarmTopic: this.alarmTopic.topic,
      pipelines,
      eventTopic: this.eventTopic,
      api: this.api,
      verifier: this.verifier,
      replay: this.replay.function,
      ...(this.shared && { shared: this.shared }),
      ...(this.tenantSources && { tenantSourcesApi: this.tenantSources.api }),
      outbound: this.outbound,
    });

    addStackOutputs(this, config);
  }

  /** The operator console on the outbound API function: what it reads, every queue by the name the CLI gives it. */
  private addConsole(outbound: OutboundDelivery, queueUrlPrefix: string): void {
    const own = Object.values(this.pipelines).flatMap((p) => (p.own ? [p.own] : []));
    new OperatorConsole(this, 'Console', {
      api: outbound.api,
      eventStore: this.eventStore,
      queueUrlPrefix,
      sourceQueues: own,
      namedQueues: {
        ...(this.shared && { 'pipeline:shared': this.shared.queue }),
        'outbound:intake': outbound.intakeQueue,
        'outbound:deliveries': outbound.deliveryQueue,
      },
      tenantSources: this.tenantSources !== undefined,
    });
  }

  /**
   * `fn` (the verifier, the replay function) may send to the config sources' own queues and the shared queue (by
   * ARN), and read the secrets named `<stack>/webhooks/*` (by name prefix: one ARN per secret would outgrow IAM's
   * 10 KB policy limit at about a hundred sources).
   */
  private grantSourceAccess(fn: WebhookFunction, config: StackConfig): void {
    const queues = [
      ...Object.values(this.pipelines).flatMap((p) => (p.own ? [p.own.queue] : [])),
      ...(this.shared ? [this.shared.queue.queue] : []),
    ];
    // SendMessage only: grantSendMessages would add GetQueueAttributes/GetQueueUrl, which neither calls.
    for (const queue of queues) queue.grant(fn.lambdaFunction, 'sqs:SendMessage');
    if (config.sources.length === 0) return;
    iam.Grant.addToPrincipal({
      grantee: fn.lambdaFunction,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [
        this.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${secretNamePrefix(this.stackName)}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretNamePrefix(this.stackName)}*]`,
      reason:
        "The function reads the signing secrets of this stack's sources, all named <stack>/webhooks/<source id>: a name prefix, because one ARN per secret would outgrow the 10 KB role policy limit at about a hundred sources.",
    });
  }
}
