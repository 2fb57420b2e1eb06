/**
 * The whole ingestion path: HTTP API -> verifier -> per-source queue -> processor -> SNS topic,
 * with the events table recording each delivery exactly once.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { toRuntimeSource } from './config-schema';
import { schemes } from '../lambdas/core/signatures/index';
import type { StackConfig } from './config-schema';
import { EventArchive } from './constructs/event-archive';
import { EventStore } from './constructs/event-store';
import { ReplayFunction } from './constructs/replay-function';
import { EventTopic } from './constructs/event-topic';
import { OutboundDelivery } from './constructs/outbound-delivery';
import type { RelayRule } from '../lambdas/core/outbound/intake/relay';
import type { PortalSettings } from '../lambdas/core/portal/settings';
import { SourcePipeline } from './constructs/source-pipeline';
import { WebhookApi } from './constructs/webhook-api';
import { WebhookFunction } from './constructs/webhook-function';
import { VERIFIER_TIMEOUT_SECONDS } from '../lambdas/contract';
import { assertVerifierEnvironmentFits, verifierEnvironment } from './verifier-environment';

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
  /** The archive of every accepted request (#19). */
  public readonly archive: EventArchive;
  /** Replays archived events (a chain of runs past Lambda's 15 minutes). */
  public readonly replay: ReplayFunction;
  /** One pipeline per source, by source id. */
  public readonly pipelines: Readonly<Record<string, SourcePipeline>>;
  public readonly verifier: WebhookFunction;
  public readonly api: WebhookApi;
  /** Outbound delivery, when the config has an `outbound` key. */
  public readonly outbound?: OutboundDelivery;

  constructor(scope: Construct, id: string, props: WebhookIngestionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    // Fail before building anything: the check needs only the config and the stack name.
    assertVerifierEnvironmentFits(config, this.stackName, WebhookFunction.sharedEnvironment(VERIFIER_SERVICE_NAME));

    this.eventStore = new EventStore(this, 'Events', { deletionProtection: props.deletionProtection ?? true });
    const retentionDays = Object.fromEntries(config.sources.map((s) => [s.id, s.archive.retentionDays]));
    this.archive = new EventArchive(this, 'Archive', {
      retentionDays,
      ...(config.archive.objectLockDays !== undefined && { objectLockDays: config.archive.objectLockDays }),
      largeMessageReaders: config.archive.largeMessageReaders,
    });
    this.eventTopic = new EventTopic(this, 'Processed', { subscriptions: config.subscriptions });

    const pipelines: Record<string, SourcePipeline> = {};
    for (const source of config.sources) {
      pipelines[source.id] = new SourcePipeline(this, `Source-${source.id}`, {
        source,
        eventStore: this.eventStore,
        eventTopic: this.eventTopic,
        logRetention,
        projectRoot: props.projectRoot,
        tracing: config.tracing,
        archive: this.archive,
      });
    }
    this.pipelines = pipelines;

    const runtimeSources = config.sources.map((source) => {
      const pipeline = pipelines[source.id]!;
      // The secret's ARN, never its value: the verifier fetches the value at run time.
      return toRuntimeSource(source, { queueUrl: pipeline.queue.queueUrl, secretId: pipeline.secret.secretArn });
    });
    this.verifier = new WebhookFunction(this, 'Verifier', {
      entry: 'lambdas/verifier/handler.ts',
      serviceName: VERIFIER_SERVICE_NAME,
      description: 'Verifies webhook signatures, records each event once and enqueues it',
      memorySize: 256,
      timeout: Duration.seconds(VERIFIER_TIMEOUT_SECONDS),
      // Claim checks only (bodies over SQS's 1 MiB): loaded on first use from the runtime's SDK (decision 0019).
      runtimeSdkModules: ['@aws-sdk/client-s3'],
      logRetention,
      projectRoot: props.projectRoot,
      tracing: config.tracing,
      environment: verifierEnvironment(config, {
        tableName: this.eventStore.table.tableName,
        sourcesJson: this.toJsonString(runtimeSources),
        archiveBucket: this.archive.bucket.bucketName,
      }),
    });
    this.eventStore.grantEventAccess(this.verifier.lambdaFunction);
    this.archive.grant(this.verifier.lambdaFunction, { payloads: ['write'] });
    this.replay = new ReplayFunction(this, 'Replay', {
      archive: this.archive,
      eventStore: this.eventStore,
      eventTopic: this.eventTopic,
      pipelines: Object.values(pipelines),
      sourcesJson: this.toJsonString(runtimeSources),
      retentionDays,
      subscriptionIds: config.subscriptions.map((s) => s.id),
      logRetention,
      projectRoot: props.projectRoot,
      tracing: config.tracing,
    });
    for (const pipeline of Object.values(pipelines)) pipeline.grantIngest(this.verifier.lambdaFunction);

    this.api = new WebhookApi(this, 'Api', {
      handler: this.verifier.lambdaFunction,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      logRetention,
      subscriptionSources: config.sources.filter((s) => schemes[s.scheme].handshake?.subscribe).map((s) => s.id),
    });

    if (config.outbound) {
      this.outbound = new OutboundDelivery(this, 'Outbound', {
        httpApi: this.api.httpApi,
        allowedCidrs: config.outbound.allowedCidrs,
        retention: config.outbound.retention,
        logRetention,
        tracing: config.tracing,
        projectRoot: props.projectRoot,
        deletionProtection: props.deletionProtection ?? true,
        relay: { topic: this.eventTopic.topic, rules: props.relays ?? [] },
        ...(props.portal && { portal: props.portal }),
      });
    }

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the webhook API (GET health for a liveness check)',
    });
    for (const pipeline of Object.values(pipelines)) {
      const key = outputKey(pipeline.sourceId);
      new CfnOutput(this, `WebhookUrl${key}`, {
        value: this.api.webhookUrl(pipeline.sourceId),
        description: `Webhook URL to configure at the "${pipeline.sourceId}" provider`,
      });
      new CfnOutput(this, `SecretName${key}`, {
        value: pipeline.secretName,
        description: `Secrets Manager secret of "${pipeline.sourceId}": set {"current": "<provider signing secret>"}`,
      });
      new CfnOutput(this, `DeadLetterQueueArn${key}`, {
        value: pipeline.deadLetterQueue.queueArn,
        description: `Dead-letter queue of "${pipeline.sourceId}": after fixing the cause, replay with aws sqs start-message-move-task --source-arn <this>`,
      });
    }
    if (this.outbound) {
      new CfnOutput(this, 'PortalSigningKeyArn', {
        value: this.outbound.portal.signingKey.secretArn,
        description:
          'Tenant portal sessions are signed with this secret: put a new value to end every session (docs/portal.md)',
      });
      new CfnOutput(this, 'OutboundIntakeQueueUrl', {
        value: this.outbound.intakeQueue.queue.queueUrl,
        description: 'Outbound intake: send messages with attributes tenant, type and id',
      });
      new CfnOutput(this, 'OutboundOperationsTopicArn', {
        value: this.outbound.operationsTopic.topicArn,
        description:
          'Operator notifications (docs/outbound-notifications.md): subscribe an email, Chatbot or a queue, filtering on the type attribute',
      });
      new CfnOutput(this, 'OutboundAlarmTopicArn', {
        value: this.outbound.alarmTopic.topicArn,
        description: 'Outbound alarms notify this topic: subscribe a pager, chat or email',
      });
      new CfnOutput(this, 'OutboundTableName', {
        value: this.outbound.store.table.tableName,
        description: 'DynamoDB table of outbound endpoints, messages, deliveries and attempts',
      });
    }
    new CfnOutput(this, 'ArchiveBucketName', {
      value: this.archive.bucket.bucketName,
      description: 'Archive of every accepted request (docs/archive.md)',
    });
    new CfnOutput(this, 'ArchiveDatabase', {
      value: this.archive.database.ref,
      description: 'Glue database of the archive',
    });
    new CfnOutput(this, 'ArchiveWorkGroup', {
      value: this.archive.workGroup.ref,
      description:
        'Athena workgroup: npm run cli -- events query --athena --workgroup <this> --database <ArchiveDatabase>',
    });
    new CfnOutput(this, 'ReplayFunctionName', {
      value: this.replay.function.lambdaFunction.functionName,
      description:
        'Starts and shows replays: aws lambda invoke --function-name <this> --payload \'{"action":"start",...}\'',
    });
    new CfnOutput(this, 'EventsTopicArn', {
      value: this.eventTopic.topic.topicArn,
      description: 'SNS topic of processed events',
    });
    new CfnOutput(this, 'EventsTableName', {
      value: this.eventStore.table.tableName,
      description: 'DynamoDB table of event records',
    });
  }
}

/** `github-app` -> `GithubApp`: output ids are alphanumeric. */
function outputKey(sourceId: string): string {
  return sourceId
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
