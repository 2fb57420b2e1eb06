/**
 * The local stack as a library: the real verifier and processor handlers wired to local
 * implementations of the same ports — dynalite through the real DynamoDB adapter, journaled SQS-like
 * queues, an SNS-like topic — behind a local API Gateway. Used by `npm start` (local/main.ts), the
 * end-to-end tests (fresh in-memory stacks on port 0) and the load bench.
 *
 * @example
 * const stack = await startLocalStack({ port: 0, subscribers: [collector] });
 * await fetch(`${stack.url}/webhooks/stripe`, { method: 'POST', headers, body });
 * await stack.stop();
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { localSources, type LocalSource } from '../config/local';
import { DynamoEventStore } from '../lambdas/adapters/dynamo-event-store';
import { stackConfigSchema, formatIssues, toRuntimeSource, type SourceConfig } from '../lambdas/core/config-schema';
import { ConfigError } from '../lambdas/core/errors';
import type { Log } from '../lambdas/core/log';
import type { EventRecord, EventStore } from '../lambdas/core/ports';
import { createRouter, type Route } from '../lambdas/core/routing';
import { prepareSources } from '../lambdas/core/sources';
import { schemes } from '../lambdas/core/signatures/index';
import { createProcessorHandler } from '../lambdas/processor/create-handler';
import { routes as userRoutes } from '../lambdas/processor/routes';
import { createVerifierHandler } from '../lambdas/verifier/create-handler';
import { createApiServer, type RequestLog, type VerifierResult } from './api-gateway';
import { scanEvents, startEmbeddedDynamo, sweepExpired, type EmbeddedDynamo } from './dynamo';
import { SqsEventSource, type RecordOutcome } from './event-source';
import { FaultInjector, freezable } from './faults';
import { PROCESSOR_LEASE_MARGIN_SECONDS, PUBLISH_SAFETY_MS, VERIFIER_LEASE_SECONDS, VISIBILITY_TIMEOUT_FACTOR } from '../lambdas/core/timing';
import { consoleLog } from './log';
import { LocalQueue, LocalQueues, type ReceivedMessage } from './queue';
import { resolveSecrets, resolveVerifyToken, StaticSecretSource } from './secrets';
import { LocalTopic, type LocalSubscriber } from './topic';

/** The deployed stack's timing, from the one definition both use (lambdas/core/timing.ts). */
export const DEPLOYED_TIMING = {
  verifierLeaseSeconds: VERIFIER_LEASE_SECONDS,
  /** Queue visibility timeout = this × processor timeout. */
  visibilityTimeoutFactor: VISIBILITY_TIMEOUT_FACTOR,
  /** Processor lease = processor timeout + this. */
  processorLeaseMarginSeconds: PROCESSOR_LEASE_MARGIN_SECONDS,
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
  /** Processor routes. @default the user's routes in lambdas/processor/routes.ts */
  readonly routes?: readonly Route[];
  readonly timing?: Partial<StackTiming>;
  /** @default a logger at `warn` on stderr */
  readonly log?: Log;
  /** Whether processors start polling at once. @default true */
  readonly startProcessors?: boolean;
  /** fdatasync each queue journal write. @default true */
  readonly syncWrites?: boolean;
  readonly onRequest?: (entry: RequestLog) => void;
  readonly onRecord?: (record: RecordOutcome & { readonly source: string }) => void;
  readonly onDeadLetter?: (source: string, message: ReceivedMessage) => void;
}

export interface SourceRuntime {
  readonly config: SourceConfig;
  readonly queue: LocalQueue;
  readonly processor: SqsEventSource;
  readonly timeoutMs: number;
  readonly leaseMs: number;
  readonly visibilityTimeoutMs: number;
}

export interface LocalStack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly dynamo: DynamoDBClient;
  /** The event store as the handlers see it (fault-injectable). */
  readonly store: EventStore;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  readonly sources: ReadonlyMap<string, SourceRuntime>;
  readonly topic: LocalTopic;
  /** Port wrappers: `faults.queue.failNext('send')`, `faults.store.hangNext('tryClaimProcessing')`… */
  readonly faults: {
    readonly store: FaultInjector<EventStore>;
    readonly queue: FaultInjector<LocalQueues>;
    readonly topic: FaultInjector<LocalTopic>;
  };
  /** The verifier handler, for requests the HTTP server would never produce (e.g. a lying isBase64Encoded). */
  invokeVerifier(event: APIGatewayProxyEventV2): Promise<VerifierResult>;
  /** Every event record (a Scan). */
  listEvents(): Promise<EventRecord[]>;
  getEvent(source: string, eventId: string): Promise<EventRecord | undefined>;
  /** Resolves when every queue is empty (DLQs aside) and no processor is running. */
  idle(): Promise<void>;
  /** Drains in-flight work and releases everything: HTTP, processors, deliveries, store, journals. */
  stop(): Promise<void>;
}

/** Starts the local stack. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? consoleLog('local', 'warn');
  const localList = options.sources ?? localSources;
  const parsed = stackConfigSchema.safeParse({ sources: localList.map((s) => s.source) });
  if (!parsed.success) throw new ConfigError(`invalid local sources:\n${formatIssues(parsed.error)}`);
  const configs = parsed.data.sources;
  const timing: StackTiming = {
    verifierLeaseMs: DEPLOYED_TIMING.verifierLeaseSeconds * 1000,
    publishSafetyMs: DEPLOYED_TIMING.publishSafetyMs,
    sweepIntervalMs: 10 * 60_000,
    ...options.timing,
  };

  const env = options.env ?? {};
  const secretEntries = localList.map((s) => {
    const secrets = resolveSecrets(s.source.id, s.secret, env);
    for (const secret of secrets) {
      const problem = schemes[s.source.scheme].checkSecret(secret);
      if (problem) log.warn('local secret looks wrong for its scheme', { source: s.source.id, problem });
    }
    return [secretIdFor(s.source.id), secrets] as const;
  });
  const verifyTokens = localList.flatMap((s) => {
    const token = resolveVerifyToken(s.source.id, s.verifyToken, env);
    return token === undefined ? [] : [[secretIdFor(s.source.id), token] as const];
  });
  const secrets = new StaticSecretSource(secretEntries, verifyTokens);

  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const dynamo = await startEmbeddedDynamo(options.dataDir === undefined ? {} : { path: join(options.dataDir, 'dynamodb') });
  const cleanup: Array<() => Promise<void>> = [() => dynamo.stop()];
  try {
    return await assemble();
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw error;
  }

  async function assemble(): Promise<LocalStack> {
    const storeFaults = new FaultInjector<EventStore>(new DynamoEventStore(dynamo.client, dynamo.tableName));
    const store = storeFaults.port;

    const runtimes = new Map<string, Omit<SourceRuntime, 'processor'>>();
    for (const config of configs) {
      const timeoutMs = timing.processorTimeoutMs ?? config.processor.timeoutSeconds * 1000;
      const leaseMs = timing.processorLeaseMs ?? timeoutMs + DEPLOYED_TIMING.processorLeaseMarginSeconds * 1000;
      const visibilityTimeoutMs = timing.visibilityTimeoutMs ?? timeoutMs * DEPLOYED_TIMING.visibilityTimeoutFactor;
      const queue = await LocalQueue.open(
        { name: `webhooks-${config.id}`, visibilityTimeoutMs, maxReceiveCount: config.maxReceiveCount, retentionMs: config.queueRetentionDays * 86_400_000 },
        options.dataDir === undefined ? {} : { journalPath: join(options.dataDir, 'queues', `${config.id}.jsonl`), sync: options.syncWrites ?? true },
      );
      cleanup.push(() => queue.close());
      if (options.onDeadLetter) queue.on('dead-letter', (m) => options.onDeadLetter?.(config.id, m));
      runtimes.set(config.id, { config, queue, timeoutMs, leaseMs, visibilityTimeoutMs });
    }
    const queueFaults = new FaultInjector(new LocalQueues([...runtimes.values()].map((r) => r.queue)));
    const topicFaults = new FaultInjector(new LocalTopic(options.subscribers ?? [], log));
    cleanup.push(() => topicFaults.target.drain());

    const verifier = createVerifierHandler({
      sources: prepareSources(configs.map((c) => toRuntimeSource(c, { queueUrl: runtimes.get(c.id)!.queue.url, secretId: secretIdFor(c.id) }))),
      store,
      queue: queueFaults.port,
      secrets,
      clock: Date.now,
      leaseMs: timing.verifierLeaseMs,
      newToken: randomUUID,
      log,
    });
    const invokeVerifier = async (event: APIGatewayProxyEventV2): Promise<VerifierResult> => {
      const result = await verifier(event, verifierContext());
      return result;
    };

    const router = createRouter(options.routes ?? userRoutes);
    const sources = new Map<string, SourceRuntime>();
    for (const [id, r] of runtimes) {
      const processor = new SqsEventSource({
        queue: r.queue,
        functionName: `webhook-processor-${id}`,
        batchSize: r.config.processor.batchSize,
        maxConcurrency: r.config.processor.maxConcurrency,
        batchingWindowMs: timing.batchingWindowMs ?? r.config.processor.maxBatchingWindowSeconds * 1000,
        timeoutMs: r.timeoutMs,
        log,
        createHandler: (isFrozen) =>
          createProcessorHandler({
            sourceId: id,
            store: freezable(store, isFrozen),
            topic: freezable(topicFaults.port, isFrozen),
            router,
            clock: Date.now,
            leaseMs: r.leaseMs,
            dedupeSeconds: r.config.dedupeWindowDays * 86_400,
            newToken: randomUUID,
            publishSafetyMs: Math.min(timing.publishSafetyMs, Math.floor(r.timeoutMs / 3)),
            log,
          }),
        ...(options.onRecord && { onRecord: (record: RecordOutcome) => options.onRecord?.({ ...record, source: id }) }),
      });
      sources.set(id, { ...r, processor });
      cleanup.push(() => processor.stop());
    }

    const server = createApiServer({
      invoke: invokeVerifier,
      local: (method, rawPath) => localRoute(method, rawPath, sources),
      getSources: new Set(configs.filter((c) => schemes[c.scheme].handshake?.subscribe).map((c) => c.id)),
      ...(options.onRequest && { onRequest: options.onRequest }),
      onError: (error) => log.error('local API error', { cause: String(error) }),
    });
    await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
    const port = (server.address() as AddressInfo).port;
    cleanup.push(() => closeServer(server));

    let sweeper: NodeJS.Timeout | undefined;
    if (timing.sweepIntervalMs > 0 && options.dataDir !== undefined) {
      const sweep = () => void sweepExpired(dynamo.client, dynamo.tableName, Date.now()).catch((e: unknown) => log.warn('TTL sweep failed', { cause: String(e) }));
      sweep();
      sweeper = setInterval(sweep, timing.sweepIntervalMs);
      sweeper.unref();
    }

    if (options.startProcessors ?? true) for (const s of sources.values()) s.processor.start();

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        clearInterval(sweeper);
        // Order matters: stop taking requests (in-flight ones finish), let processors finish their
        // batches, deliver what was published, then persist and close the queues and the store.
        await closeServer(server).catch((e: unknown) => log.warn('closing the API failed', { cause: String(e) }));
        await Promise.all([...sources.values()].map((s) => s.processor.stop()));
        await topicFaults.target.drain();
        for (const s of sources.values()) await s.queue.close().catch((e: unknown) => log.warn('closing a queue failed', { cause: String(e) }));
        await dynamo.stop();
      })());

    return {
      url: `http://${options.host ?? '127.0.0.1'}:${port}`,
      port,
      dynamoEndpoint: dynamo.endpoint,
      tableName: dynamo.tableName,
      dynamo: dynamo.client,
      store,
      queues: new Map([...sources].map(([id, s]) => [id, s.queue])),
      sources,
      topic: topicFaults.target,
      faults: { store: storeFaults, queue: queueFaults, topic: topicFaults },
      invokeVerifier,
      listEvents: () => scanEvents(dynamo.client, dynamo.tableName),
      getEvent: (source, eventId) => storeFaults.target.get(source, eventId),
      idle: async () => {
        for (;;) {
          await Promise.all([...sources.values()].map((s) => s.processor.idle()));
          const busy = [...sources.values()].some((s) => {
            const st = s.queue.stats();
            return st.visible > 0 || st.inFlight > 0 || s.processor.busy > 0;
          });
          if (!busy) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      stop,
    };
  }
}

export function secretIdFor(sourceId: string): string {
  return `local/webhooks/${sourceId}`;
}

function verifierContext(): Context {
  const deadline = Date.now() + 10_000;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported by async handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'webhook-verifier',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:webhook-verifier',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/webhook-verifier',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // Idle keep-alive sockets would hold close() open; requests in progress finish, and their
    // sockets are closed as soon as they turn idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    server.close((error) => {
      clearInterval(sweep);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

export type { EmbeddedDynamo };

/**
 * The local stack's own routes, for the CLI (`npm run cli -- queues`):
 * - `GET /_local/queues`: each source queue's depth, in-flight count and dead letters;
 * - `POST /_local/queues/<source>/redrive`: moves that source's dead letters back to its queue, as
 *   `aws sqs start-message-move-task` does for a deployed stack.
 */
async function localRoute(
  method: string,
  rawPath: string,
  sources: ReadonlyMap<string, { readonly queue: LocalQueue }>,
): Promise<{ status: number; body: unknown } | undefined> {
  if (method === 'GET' && rawPath === '/_local/queues') {
    return { status: 200, body: { queues: Object.fromEntries([...sources].map(([id, s]) => [id, s.queue.stats()])) } };
  }
  const redrive = /^\/_local\/queues\/([^/]+)\/redrive$/.exec(rawPath);
  if (method === 'POST' && redrive) {
    let id: string;
    try {
      id = decodeURIComponent(redrive[1]!);
    } catch {
      return { status: 400, body: { error: 'bad_request', message: 'The source id is not valid percent-encoding' } };
    }
    const source = sources.get(id);
    if (!source) return { status: 404, body: { error: 'unknown_source', message: `No local source "${id}"` } };
    return { status: 200, body: { source: id, moved: await source.queue.redrive() } };
  }
  return undefined;
}
