/**
 * The local stack's public shape: its options, its timing, and what `startLocalStack` returns
 * (stack.ts builds it). Kept apart so the wiring in stack.ts reads top to bottom.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LocalSource } from '../config/local';
import type { SharedPipelineConfig, SourceConfig } from '../lib/config-schema';
import type { Log } from '../lambdas/core/kernel/log';
import type { EventRecord, EventStore } from '../lambdas/core/inbound/ports';
import type { Route } from '../lambdas/core/inbound/routing';
import type { ObjectStore } from '../lambdas/core/archive/ports';
import type { LocalReplays } from './replays';
import { PUBLISH_SAFETY_MS, RETRY_POLICY, VERIFIER_LEASE_SECONDS } from '../lambdas/contract';
import type { RequestLog, VerifierResult } from './api-gateway';
import type { RecordOutcome } from './event-source';
import type { SqsEventSource } from './event-source';
import type { LocalTenantSources } from './tenant-sources';
import type { FaultInjector } from './faults';
import type { ProcessingFaults } from './fault-flags';
import type { FairSettings, LocalQueue, LocalQueues, ReceivedMessage } from './queue';
import type { LocalSubscriber, LocalTopic } from './topic';
import type { LocalOutbound, OutboundOptions } from './outbound';

/** The deployed stack's timing, from the one definition both use (lambdas/contract.ts). */
export const DEPLOYED_TIMING = {
  verifierLeaseSeconds: VERIFIER_LEASE_SECONDS,
  /** Queue visibility timeout = this × processor timeout. */
  visibilityTimeoutFactor: RETRY_POLICY.visibilityTimeoutFactor,
  /** Processor lease = processor timeout + this. */
  processorLeaseMarginSeconds: RETRY_POLICY.processorLeaseMarginSeconds,
  publishSafetyMs: PUBLISH_SAFETY_MS,
} as const;

export interface StackTiming {
  readonly verifierLeaseMs: number;
  /** Overrides every source's `processor.timeoutSeconds`. */
  readonly processorTimeoutMs?: number;
  readonly processorLeaseMs?: number;
  readonly visibilityTimeoutMs?: number;
  /** Overrides every source's `processor.maxBatchingWindowSeconds` (tests use 0). */
  readonly batchingWindowMs?: number;
  readonly publishSafetyMs: number;
  /** How often expired records are swept (DynamoDB TTL's job). 0 disables. */
  readonly sweepIntervalMs: number;
  /** The shared queue's noisy-neighbour thresholds. @default SQS_FAIR_QUEUES (10 %, 30 in flight) */
  readonly fairQueue?: FairSettings;
}

export interface LocalStackOptions {
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** Directory for the store and the queues; omitted means everything is in memory. */
  readonly dataDir?: string;
  /** @default the sample sources of config/local.ts */
  readonly sources?: readonly LocalSource[];
  /** Where `WEBHOOK_SECRET_<ID>` overrides are read from. @default {} (only the configured secrets) */
  readonly env?: NodeJS.ProcessEnv;
  readonly subscribers?: readonly LocalSubscriber[];
  /** Processor routes. @default the user's routes in config/routes.ts */
  readonly routes?: readonly Route[];
  readonly timing?: Partial<StackTiming>;
  /** Make sources' processing fail or wait (`npm start -- --fail-rate …`, `--slow …`). @default none */
  readonly processingFaults?: ProcessingFaults;
  /** Decides which attempts the processing faults hit. @default Math.random */
  readonly random?: () => number;
  /** @default a logger at `warn` on stderr */
  readonly log?: Log;
  /** Whether processors start polling at once. @default true */
  readonly startProcessors?: boolean;
  /** fdatasync each queue journal write. @default true */
  readonly syncWrites?: boolean;
  readonly onRequest?: (entry: RequestLog) => void;
  readonly onRecord?: (record: RecordOutcome & { readonly source: string }) => void;
  readonly onDeadLetter?: (source: string, message: ReceivedMessage) => void;
  /** Outbound delivery: the `/v1/…` API, delivery worker and sweeper. @default {} (on, loopback allowed) */
  readonly outbound?: OutboundOptions;
  /** Tenant sources: the verifier's cache. @default 30 s, 50 lookups a second (the deployed defaults) */
  readonly tenantSources?: { readonly ttlMs?: number; readonly missesPerSecond?: number };
}

/** What a pipeline is built from: a config source's settings, or the shared pipeline's (the same fields). */
export type PipelineConfig = Pick<
  SharedPipelineConfig,
  'processor' | 'maxReceiveCount' | 'queueRetentionDays' | 'dedupeWindowDays'
>;

/** A pipeline of the local stack (pipeline.ts): its queue and its processor's event source. */
export interface PipelineRuntime<C extends PipelineConfig = PipelineConfig> {
  readonly config: C;
  readonly queue: LocalQueue;
  readonly processor: SqsEventSource;
  readonly timeoutMs: number;
  readonly leaseMs: number;
  readonly visibilityTimeoutMs: number;
}

/** A config source with its own pipeline: its queue and processor. */
export type SourceRuntime = PipelineRuntime<SourceConfig>;

export interface LocalStack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly dynamo: DynamoDBClient;
  /** The event store as the handlers see it (fault-injectable). */
  readonly store: EventStore;
  /** The config sources' own queues, by source id. */
  readonly queues: ReadonlyMap<string, LocalQueue>;
  /** The config sources with their own pipeline. */
  readonly sources: ReadonlyMap<string, SourceRuntime>;
  /** The shared pipeline (a fair queue): tenant sources, and config sources with `pipeline: 'shared'`. */
  readonly shared: PipelineRuntime<SharedPipelineConfig>;
  /** Tenant sources: their table, the API and the verifier's resolver. */
  readonly tenantSources: LocalTenantSources;
  readonly topic: LocalTopic;
  /** Port wrappers: `faults.queue.failNext('send')`, `faults.store.hangNext('tryClaimProcessing')`… */
  readonly faults: {
    readonly store: FaultInjector<EventStore>;
    readonly queue: FaultInjector<LocalQueues>;
    readonly topic: FaultInjector<LocalTopic>;
    readonly archive: FaultInjector<ObjectStore>;
  };
  /** The archive (`<data dir>/archive`, or memory): the deployed bucket's layout. */
  readonly archive: ObjectStore;
  /** Replay jobs (`/_local/replays`). */
  readonly replays: LocalReplays;
  /** The verifier handler, for requests the HTTP server would never produce (e.g. a lying isBase64Encoded). */
  invokeVerifier(event: APIGatewayProxyEventV2): Promise<VerifierResult>;
  /** Every event record (a Scan). */
  listEvents(): Promise<EventRecord[]>;
  getEvent(source: string, eventId: string): Promise<EventRecord | undefined>;
  /** Outbound delivery: its table, delivery queue, worker and sweeper. */
  readonly outbound: LocalOutbound;
  /** Resolves when every queue is empty (DLQs aside) and no processor is running. */
  idle(): Promise<void>;
  /** Drains in-flight work and releases everything: HTTP, processors, deliveries, store, journals. */
  stop(): Promise<void>;
}
