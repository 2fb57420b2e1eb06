/**
 * One pipeline of the local stack: a journaled queue (with its DLQ) and the processor's local event source mapping,
 * with the deployed retry policy (lambdas/contract.ts) scaled to the local timeout. The same for a config source's
 * own pipeline and for the shared pipeline (a fair queue), as lib/constructs/ingest-pipeline.ts is deployed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ANY_SOURCE, retrySettings } from '../lambdas/contract';
import type { ObjectStore } from '../lambdas/core/archive/ports';
import type { EventStore } from '../lambdas/core/inbound/ports';
import type { Router } from '../lambdas/core/inbound/routing';
import type { Log } from '../lambdas/core/kernel/log';
import type { Topic } from '../lambdas/core/kernel/ports';
import { createProcessorHandler } from '../lambdas/processor/create-handler';
import type { Metrics } from '../lambdas/core/kernel/metrics';
import { SqsEventSource, type RecordOutcome } from './event-source';
import { freezable } from './faults';
import { SQS_FAIR_QUEUES } from './fair-queue';
import { LocalQueue, type ReceivedMessage } from './queue';
import type { SharedPipelineConfig, SourceConfig } from '../lib/config-schema';
import type { LocalStackOptions, PipelineConfig, PipelineRuntime, SourceRuntime, StackTiming } from './stack-types';

export interface PipelineOptions<C extends PipelineConfig> {
  /** The queue's name (`webhooks-<source>`, `webhooks-shared`), also its journal's file name. */
  readonly name: string;
  /** The source the processor takes, or ANY_SOURCE. */
  readonly sourceId: string;
  readonly config: C;
  /** A fair queue: the shared pipeline. */
  readonly fair?: boolean;
  readonly timing: StackTiming;
  readonly dataDir: string | undefined;
  readonly syncWrites: boolean | undefined;
  readonly store: EventStore;
  readonly topic: Topic;
  /** Where the processor archives each attempt, as deployed. */
  readonly archive: ObjectStore;
  /** The headers never archived, and the scheme recorded with each row (a source's own pipeline only). */
  readonly archiveSettings: { readonly denyHeaders: readonly string[]; readonly scheme?: string };
  readonly router: Router;
  readonly log: Log;
  /** What the processor counts, for `status`. @default none */
  readonly metrics?: Metrics;
  readonly onDeadLetter?: (message: ReceivedMessage) => void;
  readonly onRecord?: (record: RecordOutcome) => void;
}

/** Opens the pipeline's queue (restoring its journal) and builds its processor, not yet started. */
export async function openPipeline<C extends PipelineConfig>(o: PipelineOptions<C>): Promise<PipelineRuntime<C>> {
  const { config, timing, log } = o;
  const timeoutMs = timing.processorTimeoutMs ?? config.processor.timeoutSeconds * 1000;
  const retry = retrySettings(timeoutMs / 1000, config.maxReceiveCount);
  const leaseMs = timing.processorLeaseMs ?? retry.processorLeaseSeconds * 1000;
  const visibilityTimeoutMs = timing.visibilityTimeoutMs ?? retry.visibilityTimeoutSeconds * 1000;
  const queue = await LocalQueue.open(
    {
      name: o.name,
      visibilityTimeoutMs,
      maxReceiveCount: retry.maxReceiveCount,
      retentionMs: config.queueRetentionDays * 86_400_000,
      ...(o.fair && { fair: timing.fairQueue ?? SQS_FAIR_QUEUES }),
    },
    o.dataDir === undefined
      ? {}
      : {
          journalPath: join(o.dataDir, 'queues', `${o.name.replace(/^webhooks-/, '')}.jsonl`),
          sync: o.syncWrites ?? true,
        },
  );
  if (o.onDeadLetter) queue.on('dead-letter', o.onDeadLetter);
  const processor = new SqsEventSource({
    queue,
    functionName: `webhook-processor-${o.name.replace(/^webhooks-/, '')}`,
    batchSize: config.processor.batchSize,
    maxConcurrency: config.processor.maxConcurrency,
    batchingWindowMs: timing.batchingWindowMs ?? config.processor.maxBatchingWindowSeconds * 1000,
    timeoutMs,
    log,
    createHandler: (isFrozen) =>
      createProcessorHandler({
        sourceId: o.sourceId,
        store: freezable(o.store, isFrozen),
        topic: freezable(o.topic, isFrozen),
        router: o.router,
        clock: Date.now,
        leaseMs,
        dedupeSeconds: config.dedupeWindowDays * 86_400,
        newToken: randomUUID,
        publishSafetyMs: Math.min(timing.publishSafetyMs, Math.floor(timeoutMs / 3)),
        log,
        ...(o.metrics && { metrics: o.metrics }),
        archive: {
          store: freezable(o.archive, isFrozen),
          denyHeaders: [...o.archiveSettings.denyHeaders],
          ...(o.archiveSettings.scheme !== undefined && { scheme: o.archiveSettings.scheme }),
          newId: randomUUID,
        },
      }),
    ...(o.onRecord && { onRecord: o.onRecord }),
  });
  return { config, queue, processor, timeoutMs, leaseMs, visibilityTimeoutMs };
}

/** What every inbound pipeline of one stack shares: all but its name, source, config and hooks. */
export type SharedPipelineOptions = Omit<
  PipelineOptions<PipelineConfig>,
  'name' | 'sourceId' | 'config' | 'fair' | 'archiveSettings' | 'onDeadLetter' | 'onRecord'
>;

/**
 * The stack's inbound pipelines, not yet started: one per config source with `pipeline: 'own'` (queue
 * `webhooks-<id>`), and the shared one (`webhooks_shared`, a name no source id can take) for tenant sources and the
 * config sources on the shared pipeline. `opened` sees each as soon as its queue is open, so a later failure can
 * close it.
 */
export async function openInboundPipelines(
  configs: readonly SourceConfig[],
  sharedConfig: SharedPipelineConfig,
  common: SharedPipelineOptions,
  hooks: Pick<LocalStackOptions, 'onDeadLetter' | 'onRecord'>,
  opened: (runtime: PipelineRuntime) => void,
): Promise<{ sources: Map<string, SourceRuntime>; shared: PipelineRuntime<SharedPipelineConfig> }> {
  const { onDeadLetter, onRecord } = hooks;
  const sources = new Map<string, SourceRuntime>();
  for (const config of configs.filter((c) => c.pipeline === 'own')) {
    const runtime = await openPipeline({
      ...common,
      name: `webhooks-${config.id}`,
      sourceId: config.id,
      config,
      archiveSettings: { denyHeaders: config.archive.denyHeaders, scheme: config.scheme },
      ...(onDeadLetter && { onDeadLetter: (m: ReceivedMessage) => onDeadLetter(config.id, m) }),
      ...(onRecord && { onRecord: (r: RecordOutcome) => onRecord({ ...r, source: config.id }) }),
    });
    opened(runtime);
    sources.set(config.id, runtime);
  }
  const shared = await openPipeline({
    ...common,
    name: 'webhooks_shared',
    sourceId: ANY_SOURCE,
    config: sharedConfig,
    fair: true,
    // One processor for every shared source: each one's denied headers, and no single scheme to record.
    archiveSettings: {
      denyHeaders: [...new Set(configs.filter((c) => c.pipeline === 'shared').flatMap((c) => c.archive.denyHeaders))],
    },
    ...(onDeadLetter && { onDeadLetter: (m: ReceivedMessage) => onDeadLetter(m.attributes.source ?? '?', m) }),
    ...(onRecord && {
      onRecord: (r: RecordOutcome) => onRecord({ ...r, source: r.message.attributes.source ?? '?' }),
    }),
  });
  opened(shared);
  return { sources, shared };
}
