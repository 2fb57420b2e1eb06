/**
 * Outbound delivery in the local stack: the real API, worker and sweeper handlers wired to the same DynamoDB
 * adapters on the embedded dynalite, a durable local delivery queue (with SQS-like delays) polled by a local event
 * source mapping, a sweeper on a timer, the real HTTP sender, and an AES-GCM stand-in for KMS. Loopback receivers
 * are allowed by default (`127.0.0.0/8`, `::1/128`) so `npm run cli -- listen` works; the banner says so.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoEndpointStateStore } from '../lambdas/adapters/dynamo-endpoint-state';
import { DynamoDeliveryStore } from '../lambdas/adapters/dynamo-outbound-deliveries';
import { LogTopic } from '../lambdas/adapters/log-topic';
import { DynamoEndpointRepository, DynamoMessageStore } from '../lambdas/adapters/dynamo-outbound-endpoints';
import { DynamoRecoveryStore } from '../lambdas/adapters/dynamo-outbound-recovery';
import { createHttpSender, dnsResolver } from '../lambdas/adapters/http-sender';
import type { Log } from '../lambdas/core/kernel/log';
import type { OperationsSettings } from '../lambdas/core/outbound/admission';
import type { HttpSender, Resolver, WakeUpQueue } from '../lambdas/core/outbound/ports';
import { DEFAULT_RETENTION, type RetentionSettings } from '../lambdas/core/outbound/retention';
import { CombiningStateStore } from '../lambdas/core/outbound/combining-state-store';
import { encodeWakeUp } from '../lambdas/core/outbound/schedule';
import { CachingSecretCipher } from '../lambdas/core/outbound/secret-cache';
import { ssrfPolicy } from '../lambdas/core/outbound/ssrf';
import { createTransformer, type TransformRoute } from '../lambdas/core/outbound/transform';
import { createOutboundApiHandler } from '../lambdas/outbound/create-api-handler';
import { createSweeper } from '../lambdas/outbound/create-sweeper-handler';
import { createDeliveryWorker } from '../lambdas/outbound/create-worker-handler';
import { createQueueIntakeHandler, intakeRecord } from '../lambdas/outbound/create-queue-intake-handler';
import { transforms as userTransforms } from '../lambdas/outbound/transforms';
import { relays as configuredRelays } from '../config/outbound';
import { relayMessages, type RelayRule } from '../lambdas/core/outbound/relay';
import { submitMessage } from '../lambdas/core/outbound/submit';
import type { VerifierResult } from './api-gateway';
import type { LocalSubscriber } from './topic';
import { SqsEventSource } from './event-source';
import { verifierContext } from './local-http';
import { LocalSecretCipher } from './local-cipher';
import {
  ensureOutboundTable,
  LEGACY_LOCAL_OUTBOUND_TABLES,
  LOCAL_OUTBOUND_TABLE_NAME,
  migrateLegacyTable,
} from './outbound-table';
import { LocalQueue } from './queue';

export const LOCAL_ALLOWED_CIDRS = ['127.0.0.0/8', '::1/128'] as const;
/** The worker's timeout: the longest endpoint timeout (30 s) and room to record the attempt. */
export const WORKER_TIMEOUT_MS = 40_000;
/** The intake function's timeout, as deployed (lib/constructs/outbound-delivery.ts). */
export const INTAKE_TIMEOUT_MS = 30_000;

export interface OutboundOptions {
  /** Subnets deliveries may reach although the SSRF guard refuses them. @default LOCAL_ALLOWED_CIDRS */
  readonly allowedCidrs?: readonly string[];
  /** How often the sweeper runs. @default 10 s (60 s deployed; locally shorter, so long retries are seen sooner) */
  readonly sweepIntervalMs?: number;
  /** Lease of a queued or claimed wake-up. @default 15 min */
  readonly leaseMs?: number;
  readonly transforms?: readonly TransformRoute[];
  /** Tests: a resolver or sender stand-in. */
  readonly resolver?: Resolver;
  readonly sender?: HttpSender;
  readonly random?: () => number;
  /** The stack's circuit breaker and health settings; an endpoint's own override them. @default DEFAULT_OPERATIONS_SETTINGS (tests shorten the cool-down) */
  readonly operations?: OperationsSettings;
  /** Inbound events relayed to tenants' endpoints. @default the rules of config/outbound.ts */
  readonly relays?: readonly RelayRule[];
  /** How long outbound records are kept (the stack's TTL sweep deletes them after). @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
}

export interface LocalOutbound {
  readonly tableName: string;
  readonly queue: LocalQueue;
  readonly worker: SqsEventSource;
  /** The intake queue (attributes `tenant`, `type`, `id`; the body is the payload), as producers on AWS use it. */
  readonly intakeQueue: LocalQueue;
  readonly intake: SqsEventSource;
  readonly allowedCidrs: readonly string[];
  readonly deliveries: DynamoDeliveryStore;
  /** The topic subscriber that relays inbound events (config/outbound.ts) as outbound messages. */
  readonly relay: LocalSubscriber;
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
  const ssrf = ssrfPolicy(allowedCidrs);
  const resolver = options.resolver ?? dnsResolver;
  const leaseMs = options.leaseMs ?? 15 * 60_000;
  const endpoints = new DynamoEndpointRepository(client, LOCAL_OUTBOUND_TABLE_NAME);
  const messages = new DynamoMessageStore(client, LOCAL_OUTBOUND_TABLE_NAME);
  const retention = options.retention ?? DEFAULT_RETENTION;
  const deliveries = new DynamoDeliveryStore(client, LOCAL_OUTBOUND_TABLE_NAME, { leaseMs, retention });
  const cipher = LocalSecretCipher.open(
    options.dataDir === undefined ? undefined : join(options.dataDir, 'outbound-secrets.key'),
  );
  const queue = await LocalQueue.open(
    {
      name: 'outbound-deliveries',
      visibilityTimeoutMs: 6 * WORKER_TIMEOUT_MS,
      maxReceiveCount: 5,
      retentionMs: 4 * 86_400_000,
    },
    options.dataDir === undefined
      ? {}
      : { journalPath: join(options.dataDir, 'queues', 'outbound-deliveries.jsonl'), sync: options.syncWrites ?? true },
  );
  const wakeUps: WakeUpQueue = {
    async send(list) {
      for (const w of list) await queue.sendMessage({ body: encodeWakeUp(w), attributes: {} }, w.delaySeconds * 1000);
    },
  };
  const now = Date.now;
  const operations = {
    store: new DynamoEndpointStateStore(client, LOCAL_OUTBOUND_TABLE_NAME),
    notifications: new LogTopic(log),
    ...(options.operations && { settings: options.operations }),
  };
  const api = createOutboundApiHandler({
    operations,
    endpoints,
    messages,
    deliveries,
    recovery: new DynamoRecoveryStore(client, LOCAL_OUTBOUND_TABLE_NAME, { leaseMs }),
    wakeUps,
    cipher,
    resolver,
    ssrf,
    now,
    newId: () => `ep_${randomBytes(12).toString('base64url')}`,
    log,
    retention,
  });
  const workerDeps = {
    resolver,
    sender: options.sender ?? createHttpSender({ policy: ssrf, resolver }),
    cipher: new CachingSecretCipher(cipher), // as the deployed worker (decision 0013)
    deliveries,
    endpoints,
    messages,
    wakeUps,
    ssrf,
    transform: createTransformer(options.transforms ?? userTransforms),
    now,
    random: options.random ?? Math.random,
    log,
    retention,
    // Rate limit, circuit breaker and health on the same table; operator notifications as log lines.
    admission: { ...operations, newLeaseId: () => randomBytes(9).toString('base64url') },
  };
  const worker = new SqsEventSource({
    queue,
    functionName: 'outbound-delivery-worker',
    batchSize: 10,
    // Wake-ups arrive one by one, so batches are small: concurrency, not batch size, bounds throughput.
    maxConcurrency: 16,
    batchingWindowMs: 0,
    timeoutMs: WORKER_TIMEOUT_MS,
    log,
    // One combining state store per invocation, as each deployed container has its own.
    createHandler: () =>
      createDeliveryWorker({
        ...workerDeps,
        admission: { ...workerDeps.admission, store: new CombiningStateStore(operations.store) },
      }),
  });
  // The deployed intake queue's settings: a refused message is received 5 times, then dead-lettered.
  const intakeQueue = await LocalQueue.open(
    {
      name: 'outbound-intake',
      visibilityTimeoutMs: 6 * INTAKE_TIMEOUT_MS,
      maxReceiveCount: 5,
      retentionMs: 4 * 86_400_000,
    },
    options.dataDir === undefined
      ? {}
      : { journalPath: join(options.dataDir, 'queues', 'outbound-intake.jsonl'), sync: options.syncWrites ?? true },
  );
  const intake = new SqsEventSource({
    queue: intakeQueue,
    functionName: 'outbound-intake',
    batchSize: 10,
    maxConcurrency: 4,
    batchingWindowMs: 0,
    timeoutMs: INTAKE_TIMEOUT_MS,
    log,
    createHandler: () => createQueueIntakeHandler({ endpoints, deliveries, messages, wakeUps, now, log }, intakeRecord),
  });
  const sweeper = createSweeper({ due: deliveries, wakeUps, now, log });
  const sweep = async () => (await sweeper()).woken;
  let timer: NodeJS.Timeout | undefined;

  const relayRules = options.relays ?? configuredRelays;
  const relay: LocalSubscriber = {
    name: 'outbound-relay',
    async deliver(n) {
      const { source = '', type = '', eventId = '' } = n.attributes;
      for (const input of relayMessages({ source, type, eventId, message: n.message }, relayRules)) {
        await submitMessage(input, { endpoints, deliveries, messages, wakeUps, now, log, retention }).catch(
          (e: unknown) =>
            log.error('relaying an event failed', {
              source,
              eventId,
              tenantId: input.tenantId,
              cause: e instanceof Error ? e.name : 'unknown',
            }),
        );
      }
    },
  };

  return {
    tableName: LOCAL_OUTBOUND_TABLE_NAME,
    relay,
    queue,
    worker,
    intakeQueue,
    intake,
    allowedCidrs,
    deliveries,
    invoke: async (event) => api(event, verifierContext()),
    sweep,
    start() {
      worker.start();
      intake.start();
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
      await intake.stop();
      await intakeQueue.close();
      await worker.stop();
      await queue.close();
    },
  };
}
