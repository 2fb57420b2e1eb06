/**
 * Everything one webhook source owns: its signing secret, its durable queue with a DLQ, and the
 * processor that drains the queue into the events topic. One per configured source, so a slow or
 * failing provider cannot hold up the others.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SourceConfig } from '../config-schema';
import { ENV } from '../../lambdas/contract';
import { secretNameFor } from '../verifier-environment';
import { DurableQueue } from './durable-queue';
import type { EventArchive } from './event-archive';
import type { EventStore } from './event-store';
import type { EventTopic } from './event-topic';
import { WebhookFunction } from './webhook-function';

import { retrySettings } from '../../lambdas/contract';

export interface SourcePipelineProps {
  /** The validated source config. */
  readonly source: SourceConfig;
  readonly eventStore: EventStore;
  /** Where the processor publishes processed events. */
  readonly eventTopic: EventTopic;
  /** Name of the signing secret. @default `${stackName}/webhooks/${source.id}` */
  readonly secretName?: string;
  /** Retention of the processor's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Directory holding `package.json` and the lock file. @default - the repository root */
  readonly projectRoot?: string;
  /** X-Ray active tracing on the processor. @default false */
  readonly tracing?: boolean;
  /** Where the processor archives each attempt and offloads large messages (#19). @default - nothing archived */
  readonly archive?: EventArchive;
}

export class SourcePipeline extends Construct {
  public readonly sourceId: string;
  /**
   * The signing secret, JSON `{"current": "..."}`, created with a random placeholder. Put the
   * provider's secret in `current`; during a rotation add the old one as `previous`.
   */
  public readonly secret: secretsmanager.Secret;
  /** The secret's name (its ARN carries a random suffix). */
  public readonly secretName: string;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly deadLetterAlarm?: cloudwatch.Alarm;
  public readonly processor: WebhookFunction;
  public readonly eventSource: eventSources.SqsEventSource;

  constructor(scope: Construct, id: string, props: SourcePipelineProps) {
    super(scope, id);
    const { source } = props;
    const processorTimeout = Duration.seconds(source.processor.timeoutSeconds);
    const retry = retrySettings(source.processor.timeoutSeconds, source.maxReceiveCount);
    this.sourceId = source.id;
    this.secretName = props.secretName ?? secretNameFor(Stack.of(this).stackName, source.id);

    this.secret = new secretsmanager.Secret(this, 'SigningSecret', {
      secretName: this.secretName,
      description: `Signing secret of the "${source.id}" webhook source (${source.scheme}). JSON: {"current": "<secret>", "previous": "<optional, during rotation>"}.`,
      // A random placeholder, so no secret value is ever in the template; the real one is set by hand.
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', excludePunctuation: true },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The provider issues and rotates this signing secret in its own dashboard; a Secrets Manager rotation Lambda cannot create one. Rotation is manual with "previous" kept valid meanwhile.',
    });

    const durable = new DurableQueue(this, 'Ingest', {
      retentionPeriod: Duration.days(source.queueRetentionDays),
      visibilityTimeout: Duration.seconds(retry.visibilityTimeoutSeconds),
      maxReceiveCount: retry.maxReceiveCount,
      description: `webhook source ${source.id}`,
    });
    this.queue = durable.queue;
    this.deadLetterQueue = durable.deadLetterQueue;
    this.deadLetterAlarm = durable.deadLetterAlarm;

    this.processor = new WebhookFunction(this, 'Processor', {
      entry: 'bin/functions/processor.ts',
      serviceName: 'webhook-processor',
      description: `Processes verified "${source.id}" webhook events and publishes them`,
      memorySize: source.processor.memoryMb,
      timeout: processorTimeout,
      logRetention: props.logRetention,
      projectRoot: props.projectRoot,
      tracing: props.tracing ?? false,
      environment: {
        [ENV.eventsTable]: props.eventStore.table.tableName,
        [ENV.sourceId]: source.id,
        [ENV.topicArn]: props.eventTopic.topic.topicArn,
        [ENV.leaseSeconds]: String(retry.processorLeaseSeconds),
        [ENV.dedupeSeconds]: String(source.dedupeWindowDays * 86_400),
        ...(props.archive && {
          [ENV.archiveBucket]: props.archive.bucket.bucketName,
          [ENV.archiveDenyHeaders]: JSON.stringify(source.archive.denyHeaders),
        }),
      },
    });
    props.eventStore.grantEventAccess(this.processor.lambdaFunction);
    props.eventTopic.grantPublish(this.processor.lambdaFunction);
    props.archive?.grant(this.processor.lambdaFunction, {
      events: ['write'],
      messages: ['write'],
      payloads: ['read'],
    });

    this.eventSource = new eventSources.SqsEventSource(this.queue, {
      batchSize: source.processor.batchSize,
      maxBatchingWindow:
        source.processor.maxBatchingWindowSeconds > 0
          ? Duration.seconds(source.processor.maxBatchingWindowSeconds)
          : undefined,
      reportBatchItemFailures: true,
      maxConcurrency: source.processor.maxConcurrency,
    });
    this.processor.lambdaFunction.addEventSource(this.eventSource);
  }

  /** Lets the verifier enqueue to this source and read its signing secret, nothing more. */
  grantIngest(grantee: iam.IGrantable): void {
    // SendMessage and GetSecretValue only: grantSendMessages would add GetQueueAttributes/GetQueueUrl
    // and grantRead DescribeSecret, none of which the verifier calls (it has the URL and the ARN).
    this.queue.grant(grantee, 'sqs:SendMessage');
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.secret.secretArn],
    });
  }
}
