/**
 * The shared pipeline: one queue and one processor for every tenant source and every config source with
 * `pipeline: 'shared'`. The queue is an SQS fair queue: a standard queue whose messages carry a MessageGroupId
 * (the tenant, or the config source's id, set by the verifier), so that when one group floods it, SQS hands the
 * processor the other groups' messages first (docs/sources.md, "Fairness").
 */
import { Construct } from 'constructs';
import { ANY_SOURCE } from '../../lambdas/contract';
import type { SharedPipelineConfig } from '../config-schema';
import type { DurableQueue } from './durable-queue';
import type { EventArchive } from './event-archive';
import type { EventStore } from './event-store';
import type { EventTopic } from './event-topic';
import { addIngestPipeline } from './ingest-pipeline';
import { runtimeOf, type FunctionRuntimeProps, type WebhookFunction } from './webhook-function';

export interface SharedPipelineProps extends FunctionRuntimeProps {
  readonly config: SharedPipelineConfig;
  readonly eventStore: EventStore;
  readonly eventTopic: EventTopic;
  /**
   * Where the processor archives each attempt, and the request headers it never archives: every header any shared
   * config source denies (one processor serves them all). @default - nothing archived
   */
  readonly archive?: { readonly archive: EventArchive; readonly denyHeaders: readonly string[] };
}

export class SharedPipeline extends Construct {
  public readonly queue: DurableQueue;
  public readonly processor: WebhookFunction;

  constructor(scope: Construct, id: string, props: SharedPipelineProps) {
    super(scope, id);
    const { config } = props;
    const pipeline = addIngestPipeline(this, {
      sourceId: ANY_SOURCE,
      description: 'the shared pipeline',
      queueRetentionDays: config.queueRetentionDays,
      maxReceiveCount: config.maxReceiveCount,
      dedupeWindowDays: config.dedupeWindowDays,
      processor: config.processor,
      eventStore: props.eventStore,
      eventTopic: props.eventTopic,
      ...runtimeOf(props),
      ...(props.archive && { archive: props.archive }),
    });
    this.queue = pipeline.queue;
    this.processor = pipeline.processor;
  }
}
