/**
 * Everything one config source owns: its signing secret and, with `pipeline: 'own'` (the default), its durable
 * queue with a DLQ and the processor that drains it into the events topic, so a slow or failing provider cannot
 * hold up the others. A source with `pipeline: 'shared'` owns only its secret: its events go to the shared
 * pipeline (shared-pipeline.ts), fair between sources.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SourceConfig } from '../config-schema';
import { queueNameFor, secretNameFor } from '../verifier-environment';
import type { EventArchive } from './event-archive';
import type { EventStore } from './event-store';
import type { EventTopic } from './event-topic';
import { addIngestPipeline } from './ingest-pipeline';
import { runtimeOf, type FunctionRuntimeProps, type WebhookFunction } from './webhook-function';

export interface SourcePipelineProps extends FunctionRuntimeProps {
  /** The validated source config. */
  readonly source: SourceConfig;
  readonly eventStore: EventStore;
  /** Where the processor publishes processed events. */
  readonly eventTopic: EventTopic;
  /** Where the processor archives each attempt and offloads large messages (#19). @default - nothing archived */
  readonly archive?: EventArchive;
}

/** What a source with its own pipeline owns besides its secret. */
export interface OwnPipeline {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm?: cloudwatch.Alarm;
  readonly processor: WebhookFunction;
  readonly eventSource: eventSources.SqsEventSource;
}

export class SourcePipeline extends Construct {
  public readonly sourceId: string;
  /**
   * The signing secret, JSON `{"current": "..."}`, created with a random placeholder. Put the
   * provider's secret in `current`; during a rotation add the old one as `previous`.
   */
  public readonly secret: secretsmanager.Secret;
  /** The secret's name, `<stack>/webhooks/<id>` (its ARN carries a random suffix); the verifier reads it by name. */
  public readonly secretName: string;
  /** Its own queue and processor; undefined for a source on the shared pipeline. */
  public readonly own?: OwnPipeline;

  constructor(scope: Construct, id: string, props: SourcePipelineProps) {
    super(scope, id);
    const { source } = props;
    const stackName = Stack.of(this).stackName;
    this.sourceId = source.id;
    this.secretName = secretNameFor(stackName, source.id);

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
    if (source.pipeline === 'shared') return;

    const pipeline = addIngestPipeline(this, {
      sourceId: source.id,
      description: `webhook source ${source.id}`,
      // Fixed, so the verifier's bundled sources can name it (decision 0002).
      queueName: queueNameFor(stackName, source.id),
      queueRetentionDays: source.queueRetentionDays,
      maxReceiveCount: source.maxReceiveCount,
      dedupeWindowDays: source.dedupeWindowDays,
      processor: source.processor,
      eventStore: props.eventStore,
      eventTopic: props.eventTopic,
      ...runtimeOf(props),
      ...(props.archive && { archive: { archive: props.archive, denyHeaders: source.archive.denyHeaders } }),
    });
    this.own = {
      queue: pipeline.queue.queue,
      deadLetterQueue: pipeline.queue.deadLetterQueue,
      ...(pipeline.queue.deadLetterAlarm && { deadLetterAlarm: pipeline.queue.deadLetterAlarm }),
      processor: pipeline.processor,
      eventSource: pipeline.eventSource,
    };
  }
}
