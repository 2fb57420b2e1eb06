/**
 * Outbound delivery in the local stack: the real API, worker and sweeper handlers wired to the same DynamoDB
 * adapters on the embedded dynalite, a durable local delivery queue (with SQS-like delays) polled by a local event
 * source mapping, a sweeper on a timer, the real HTTP sender, and an AES-GCM stand-in for KMS. Loopback receivers
 * are allowed by default (`127.0.0.0/8`, `::1/128`) so `npm run cli -- listen` works; the banner says so.
 */
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LogTopic } from '../lambdas/adapters/log-topic';
import type { DynamoDeliveryStore } from '../lambdas/adapters/dynamo-outbound-deliveries';
import { outboundQueueSettings } from '../lambdas/contract';
import type { Log } from '../lambdas/core/kernel/log';
import type { Metrics } from '../lambdas/core/kernel/metrics';
import type { OperationsSettings } from '../lambdas/core/outbound/admission/settings';
import { encodeWakeUp } from '../lambdas/core/outbound/delivery/wake-up';
import type { TransformRoute } from '../lambdas/core/outbound/delivery/transform';
import { relayFilterPolicy, type RelayRule } from '../lambdas/core/outbound/intake/relay';
import type { HttpSender, Resolver, WakeUpQueue } from '../lambdas/core/outbound/ports';
import { DEFAULT_RETENTION, type RetentionSettings } from '../lambdas/core/outbound/retention';
import type { EventTypeCatalog } from '../lambdas/core/outbound/event-types';
import type { PortalSettings } from '../lambdas/core/portal/settings';
import { createSweeper } from '../lambdas/delivery-sweeper/create-handler';
import { createDeliveryWorker } from '../lambdas/delivery-worker/create-handler';
import { createOutboundApiHandler } from '../lambdas/outbound-api/create-handler';
import { createQueueIntakeHandler, intakeRecord, relayRecord } from '../lambdas/outbound-intake/create-handler';
import { composeOutbound } from '../lambdas/wiring/outbound';
import { relays as configuredRelays } from '../config/relays';
import { transforms as userTransforms } from '../config/transforms';
import type { VerifierResult } from './api-gateway';
import type { LocalSubscriber } from './topic';
import { SqsEventSource } from './event-source';
import { verifierContext } from './local-http';
import { matchesFilterPolicy, type FilterPolicy } from './filter-policy';
import { LocalSecretCipher } from './local-cipher';
import { LocalPayloadFiles } from './payload-files';
import {
  ensureOutboundTable,
  LEGACY_LOCAL_OUTBOUND_TABLES,
  LOCAL_OUTBOUND_TABLE_NAME,
  migrateLegacyTable,
} from './outbound-table';
import { startLocalPortal, type LocalPortal } from './portal';
import { LocalQueue } from './queue';
import type { ConsoleData } from '../lambdas/core/console/ports';
import { NotFoundError } from '../lambdas/core/outbound/errors';

export const LOCAL_ALLOWED_CIDRS = ['127.0.0.0/8', '::1/128'] as const;
/** The worker's and the intake's queues and event sources, as deployed (lambdas/contract.ts). */
const WORKER = outboundQueueSettings('worker');
const INTAKE = outboundQueueSettings('intake');

export interface OutboundOptions {
  /** Subnets deliveries may reach although the SSRF guard refuses them. @default LOCAL_ALLOWED_CIDRS */
  readonly allowedCidrs?: readonly string[];
  /** How often the sweeper runs. @default 10 s (60 s deployed; locally shorter, so long retries are seen sooner) */
  readonly sweepIntervalMs?: number;
  /** Lease of a queued or claimed wake-up. @default 15 min */
  readonly leaseMs?: number;
  /**
   * Lease of a worker's claim on a delivery attempt (decision 0027). @default as deployed (70 s). Tests shorten it,
   * with `deliveryVisibilityTimeoutMs`, to see a dead worker's claim settled in seconds.
   */
  readonly claimLeaseMs?: number;
  /** How long a received wake-up stays hidden before it comes back. @default as deployed (240 s) */
  readonly deliveryVisibilityTimeoutMs?: number;
  /** The worker's batching window (bench:outbound compares). @default as deployed (contract.ts) */
  readonly deliveryBatchingWindowMs?: number;
  readonly transforms?: readonly TransformRoute[];
  /** Tests: a resolver or sender stand-in. */
  readonly resolver?: Resolver;
  readonly sender?: HttpSender;
  readonly random?: () => number;
  /** The stack's circuit breaker and health settings; an endpoint's own override them. @default DEFAULT_OPERATIONS_SETTINGS (tests shorten the cool-down) */
  readonly operations?: OperationsSettings;
  /** Inbound events relayed to tenants' endpoints. @default the rules of config/relays.ts */
  readonly relays?: readonly RelayRule[];
  /** How long outbound records are kept (the stack's TTL sweep deletes them after). @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
  /** What the functions count, for `status`. @default none */
  readonly metrics?: Metrics;
  /** The event types catalog intake checks payloads against. @default none (`npm start` passes config/event-types.ts) */
  readonly eventTypes?: EventTypeCatalog;
  /** The portal's settings. @default config/portal.ts */
  readonly portal?: PortalSettings;
}

export interface LocalOutbound {
  readonly tableName: string;
  readonly queue: LocalQueue;
  readonly worker: SqsEventSource;
  /** The intake queue (attributes `tenant`, `type`, `id`; the body is the payload), as producers on AWS use it. */
  readonly intakeQueue: LocalQueue;
  readonly intake: SqsEventSource;
  /** The relay queue: the topic's events of the relayed sources (raw delivery), as deployed. */
  readonly relayQueue: LocalQueue;
  readonly allowedCidrs: readonly string[];
  readonly deliveries: DynamoDeliveryStore;
  /** The topic subscriber that relays inbound events (config/relays.ts) as outbound messages. */
  readonly relay: LocalSubscriber;
  /** The tenant portal: its key (rotatable), settings and built pages. */
  readonly portal: LocalPortal;
  /** Gives the API function's `/console` routes the stack's console data (local/console-data.ts). */
  attachConsole(data: ConsoleData): void;
  invoke(event: APIGatewayProxyEventV2): Promise<VerifierResult>;
  /** One sweeper run now; resolves with how many deliveries it woke. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export async function startLocalOutbound(
  client: DynamoDBClient,
  options: OutboundOptions & { dataDir?: string; log: Log; syncWrites?: boolean },
): Promise<LocalOutbound> {
  const { log } = options;
  await ensureOutboundTable(client, LOCAL_OUTBOUND_TABLE_NAME);
  for (const legacy of LEGACY_LOCAL_OUTBOUND_TABLES) {
    const copied = await migrateLegacyTable(client, legacy, LOCAL_OUTBOUND_TABLE_NAME);
    if (copied > 0)
      log.info('outbound table upgraded: items copied from the previous version', { from: legacy, items: copied });
  }
  const allowedCidrs = options.allowedCidrs ?? LOCAL_ALLOWED_CIDRS;
  const journal = (name: string) =>
    options.dataDir === undefined
      ? {}
      : { journalPath: join(options.dataDir, 'queues', `${name}.jsonl`), sync: options.syncWrites ?? true };
  const queue = await LocalQueue.open(
    {
      name: 'outbound-deliveries',
      ...localQueueSettings(WORKER),
      ...(options.deliveryVisibilityTimeoutMs !== undefined && {
        visibilityTimeoutMs: options.deliveryVisibilityTimeoutMs,
      }),
    },
    journal('outbound-deliveries'),
  );
  const wakeUps: WakeUpQueue = {
    async send(list) {
      for (const w of list) await queue.sendMessage({ body: encodeWakeUp(w), attributes: {} }, w.delaySeconds * 1000);
    },
  };
  const payloads = new LocalPayloadFiles(options.dataDir === undefined ? undefined : join(options.dataDir, 'payloads'));
  // The bucket's lifecycle: a payload is kept a day longer than its message.
  await payloads.expire(((options.retention ?? DEFAULT_RETENTION).messagesDays + 1) * 86_400_000);
  const portal = await startLocalPortal({
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    ...(options.portal && { settings: options.portal }),
  });
  const outbound = composeOutbound({
    dynamo: client,
    payloads,
    tableName: LOCAL_OUTBOUND_TABLE_NAME,
    cipher: LocalSecretCipher.open(
      options.dataDir === undefined ? undefined : join(options.dataDir, 'outbound-secrets.key'),
    ),
    wakeUps,
    // Operator notifications as log lines.
    notifications: new LogTopic(log),
    log,
    allowedCidrs,
    transforms: options.transforms ?? userTransforms,
    ...(options.retention && { retention: options.retention }),
    ...(options.operations && { operations: options.operations }),
    ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }),
    ...(options.claimLeaseMs !== undefined && { claimLeaseMs: options.claimLeaseMs }),
    ...(options.resolver && { resolver: options.resolver }),
    ...(options.sender && { sender: options.sender }),
    ...(options.random && { random: options.random }),
    ...(options.metrics && { metrics: options.metrics }),
    ...(options.eventTypes && { eventTypes: options.eventTypes }),
    portal,
  });
  // The operator console's data is the whole stack's (inbound too): attached once the stack has built it.
  let consoleData: ConsoleData | undefined;
  const attached = (): ConsoleData => {
    if (!consoleData) throw new NotFoundError('route');
    return consoleData;
  };
  const lateConsole: ConsoleData = {
    overview: () => attached().overview(),
    events: (filter) => attached().events(filter),
    event: (source, eventId) => attached().event(source, eventId),
    deadLetters: (queue) => attached().deadLetters(queue),
    endpoints: () => attached().endpoints(),
    redrive: (queue) => attached().redrive(queue),
  };
  const api = createOutboundApiHandler({ ...outbound.api, console: { data: lateConsole } });
  const worker = new SqsEventSource({
    queue,
    functionName: 'outbound-delivery-worker',
    ...eventSourceSettings(WORKER),
    ...(options.deliveryBatchingWindowMs !== undefined && { batchingWindowMs: options.deliveryBatchingWindowMs }),
    log,
    // A worker per invocation: each deployed container combines its own endpoint-state updates.
    createHandler: () => createDeliveryWorker(outbound.worker()),
  });
  const intakeQueue = await LocalQueue.open(
    { name: 'outbound-intake', ...localQueueSettings(INTAKE) },
    journal('outbound-intake'),
  );
  const intake = new SqsEventSource({
    queue: intakeQueue,
    functionName: 'outbound-intake',
    ...eventSourceSettings(INTAKE),
    log,
    createHandler: () => createQueueIntakeHandler(outbound.intake, intakeRecord),
  });
  const sweeper = createSweeper(outbound.sweeper);
  const sweep = async () => (await sweeper()).woken;
  let timer: NodeJS.Timeout | undefined;

  // The relay as deployed: the topic → a queue (raw delivery: the event is the body, its attributes stay) → the
  // relay function, filtered with the SNS subscription's own filter policy (relayFilterPolicy).
  const relayRules = options.relays ?? configuredRelays;
  // No rule, no relay: an empty policy would let everything through.
  const relayFilter = (relayFilterPolicy(relayRules) ?? { source: [] }) as FilterPolicy;
  const relayQueue = await LocalQueue.open(
    { name: 'outbound-relay', ...localQueueSettings(INTAKE) },
    journal('outbound-relay'),
  );
  const relayConsumer = new SqsEventSource({
    queue: relayQueue,
    functionName: 'outbound-relay',
    ...eventSourceSettings(INTAKE),
    log,
    // A provider's event, verified by its signature: not checked against the platform's catalog (as deployed).
    createHandler: () =>
      createQueueIntakeHandler({ ...outbound.intake, eventTypes: undefined }, relayRecord(relayRules)),
  });
  const relay: LocalSubscriber = {
    name: 'outbound-relay',
    async deliver(n) {
      if (!matchesFilterPolicy(relayFilter, n.attributes)) return;
      await relayQueue.sendMessage({ body: n.message, attributes: n.attributes });
    },
  };
  const deliveries = outbound.stores.deliveries;

  return {
    tableName: LOCAL_OUTBOUND_TABLE_NAME,
    relay,
    portal,
    queue,
    worker,
    intakeQueue,
    intake,
    relayQueue,
    allowedCidrs,
    deliveries,
    invoke: async (event) => api(event, verifierContext()),
    attachConsole(data) {
      consoleData = data;
    },
    sweep,
    start() {
      worker.start();
      intake.start();
      relayConsumer.start();
      const interval = options.sweepIntervalMs ?? 10_000;
      if (interval > 0) {
        timer = setInterval(
          () => void sweep().catch((e: unknown) => log.warn('outbound sweep failed', { cause: String(e) })),
          interval,
        );
        timer.unref();
      }
    },
    async stop() {
      clearInterval(timer);
      await relayConsumer.stop();
      await relayQueue.close();
      await intake.stop();
      await intakeQueue.close();
      await worker.stop();
      await queue.close();
    },
  };
}

type QueueSettings = ReturnType<typeof outboundQueueSettings>;

function localQueueSettings(q: QueueSettings) {
  return {
    visibilityTimeoutMs: q.visibilityTimeoutSeconds * 1000,
    maxReceiveCount: q.maxReceiveCount,
    retentionMs: q.retentionSeconds * 1000,
  };
}

function eventSourceSettings(q: QueueSettings) {
  return {
    batchSize: q.batchSize,
    maxConcurrency: q.maxConcurrency,
    batchingWindowMs: q.maxBatchingWindowSeconds * 1000,
    timeoutMs: q.timeoutSeconds * 1000,
  };
}
