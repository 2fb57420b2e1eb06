/**
 * The local stack as a library: the real verifier and processor handlers wired to local
 * implementations of the same ports — dynalite through the real DynamoDB adapter, journaled SQS-like
 * queues (the shared one fair), an SNS-like topic — behind a local API Gateway, with tenant sources
 * (tenant-sources.ts) and outbound delivery (outbound.ts). Used by `npm start` (local/main.ts), the
 * end-to-end tests (fresh in-memory stacks on port 0) and the load bench.
 *
 * @example
 * const stack = await startLocalStack({ port: 0, subscribers: [collector] });
 * await fetch(`${stack.url}/webhooks/stripe`, { method: 'POST', headers, body });
 * await stack.stop();
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localSources } from '../config/local';
import { DynamoEventStore } from '../lambdas/adapters/dynamo-event-store';
import { stackConfigSchema } from '../lib/config';
import { toRuntimeSource } from '../lib/config-schema';
import { parseRuntimeSources } from '../lambdas/core/inbound/source-schema';
import { formatIssues } from '../lambdas/core/kernel/config-parse';
import { ConfigError } from '../lambdas/core/kernel/errors';
import type { EventStore } from '../lambdas/core/inbound/ports';
import type { ObjectStore } from '../lambdas/core/archive/ports';
import { createRouter } from '../lambdas/core/inbound/routing';
import { prepareSources } from '../lambdas/core/inbound/sources';
import { memoryRateLimiter } from '../lambdas/core/inbound/rate-limit';
import { schemes } from '../lambdas/core/signatures/index';
import { routes as userRoutes } from '../config/routes';
import { createVerifierHandler } from '../lambdas/verifier/create-handler';
import { localRoute, outboundIntakeRoute, replayRoute } from './admin-routes';
import { localReplays } from './replay-wiring';
import { createApiServer, type VerifierResult } from './api-gateway';
import { localConsole } from './console-routes';
import { scanEvents, startEmbeddedDynamo, sweepExpired, type EmbeddedDynamo } from './dynamo';
import { NO_FAULTS, withProcessingFaults } from './fault-flags';
import { FaultInjector } from './faults';
import { closeServer, listen, verifierContext } from './local-http';
import { consoleLog } from './log';
import { openInboundPipelines } from './pipeline';
import { LocalQueues, localQueueUrl, type LocalQueue } from './queue';
import { localSecretSource, secretIdFor } from './secrets';
import { startLocalTenantSources } from './tenant-sources';
import { DEPLOYED_TIMING, type LocalStack, type LocalStackOptions, type StackTiming } from './stack-types';
import { LocalTopic } from './topic';
import { LocalMetrics } from './metrics';
import { outboundOverview } from './outbound-overview';
import { localStatus } from './status';
import { FileObjectStore, MemoryObjectStore } from './object-store';
import { startLocalOutbound } from './outbound';
import { OUTBOUND_TTL_SHAPE } from './outbound-table';

export { DEPLOYED_TIMING } from './stack-types';
export type { LocalStack, LocalStackOptions, SourceRuntime, StackTiming } from './stack-types';

/** Starts the local stack. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? consoleLog('local', 'warn');
  const localList = options.sources ?? localSources;
  const parsed = stackConfigSchema.safeParse({ sources: localList.map((s) => s.source), tenantSources: {} });
  if (!parsed.success) throw new ConfigError(`invalid local sources:\n${formatIssues(parsed.error)}`);
  const configs = parsed.data.sources;
  const sharedConfig = parsed.data.sharedPipeline;
  const timing: StackTiming = {
    verifierLeaseMs: DEPLOYED_TIMING.verifierLeaseSeconds * 1000,
    publishSafetyMs: DEPLOYED_TIMING.publishSafetyMs,
    sweepIntervalMs: 10 * 60_000,
    ...options.timing,
  };

  const secrets = localSecretSource(localList, options.env ?? {}, log);

  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const dynamo = await startEmbeddedDynamo(
    options.dataDir === undefined ? {} : { path: join(options.dataDir, 'dynamodb') },
  );
  const cleanup: Array<() => Promise<void>> = [() => dynamo.stop()];
  try {
    return await assemble();
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw error;
  }

  async function assemble(): Promise<LocalStack> {
    const metrics = new LocalMetrics();
    const storeFaults = new FaultInjector<EventStore>(new DynamoEventStore(dynamo.client, dynamo.tableName));
    const store = storeFaults.port;
    // The archive: the deployed bucket's layout under the data directory (or in memory).
    const archiveFaults = new FaultInjector<ObjectStore>(
      options.dataDir === undefined ? new MemoryObjectStore() : new FileObjectStore(join(options.dataDir, 'archive')),
    );
    const topicFaults = new FaultInjector(new LocalTopic(options.subscribers ?? [], log));
    cleanup.push(() => topicFaults.target.drain());
    const router = withProcessingFaults(
      createRouter(options.routes ?? userRoutes),
      options.processingFaults ?? NO_FAULTS,
      options.random,
    );
    const pipelineOptions = {
      timing,
      dataDir: options.dataDir,
      syncWrites: options.syncWrites,
      store,
      topic: topicFaults.port,
      archive: archiveFaults.port,
      router,
      log,
      metrics,
    };

    const { sources, shared } = await openInboundPipelines(configs, sharedConfig, pipelineOptions, options, (r) =>
      cleanup.push(() => r.queue.close()),
    );
    const pipelines = [...sources.values(), shared];
    const queueFaults = new FaultInjector(new LocalQueues(pipelines.map((r) => r.queue)));
    const tenantSources = await startLocalTenantSources(dynamo.client, {
      cache: { ttlMs: 30_000, missesPerSecond: 50, ...options.tenantSources },
      sharedQueueUrl: shared.queue.url,
      dataDir: options.dataDir,
      log,
    });

    const prepared = prepareSources(
      parseRuntimeSources(
        configs.map((c) =>
          toRuntimeSource(c, {
            ...(c.pipeline === 'own' && { queueName: `webhooks-${c.id}` }),
            secretId: secretIdFor(c.id),
          }),
        ),
      ),
      { urlPrefix: localQueueUrl(''), sharedUrl: shared.queue.url },
    );
    const verifier = createVerifierHandler({
      sources: prepared,
      tenantSources: tenantSources.resolver,
      store,
      queue: queueFaults.port,
      secrets,
      rateLimiter: memoryRateLimiter(),
      clock: Date.now,
      leaseMs: timing.verifierLeaseMs,
      newToken: randomUUID,
      log,
      metrics,
      archive: archiveFaults.port,
    });
    const invokeVerifier = async (event: APIGatewayProxyEventV2): Promise<VerifierResult> => {
      const result = await verifier(event, verifierContext());
      return result;
    };
    for (const r of pipelines) cleanup.push(() => r.processor.stop());

    const outbound = await startLocalOutbound(dynamo.client, {
      ...options.outbound,
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      log,
      metrics,
      ...(options.syncWrites !== undefined && { syncWrites: options.syncWrites }),
    });
    cleanup.push(() => outbound.stop());
    topicFaults.target.subscribe(outbound.relay);

    const replays = localReplays({
      dynamo: dynamo.client,
      tableName: dynamo.tableName,
      archive: archiveFaults.port,
      topic: topicFaults.port,
      queue: queueFaults.port,
      store,
      secrets,
      prepared,
      configs,
      router,
      log,
    });
    cleanup.push(() => replays.stop());

    // `queues` and `queues redrive` see the shared and outbound queues too, under names no source id can take (`:`).
    const adminQueues = new Map<string, { readonly queue: LocalQueue }>([
      ...sources,
      ['pipeline:shared', shared],
      ['outbound:intake', { queue: outbound.intakeQueue }],
      ['outbound:deliveries', { queue: outbound.queue }],
      ['outbound:relay', { queue: outbound.relayQueue }],
    ]);
    const status = async () =>
      localStatus({
        sources: configs.map((config) => ({ config, stats: sources.get(config.id)?.queue.stats() })),
        shared: { config: sharedConfig, stats: shared.queue.stats(), tenantSources: true },
        queues: [...adminQueues]
          .filter(([name]) => name.startsWith('outbound:'))
          .map(([queue, q]) => ({ queue, stats: q.queue.stats() })),
        outbound: await outboundOverview(dynamo.client, outbound.tableName, Date.now()),
        metrics,
        nowMs: Date.now(),
      });
    const operatorConsole = localConsole({ sources, queues: adminQueues, store: storeFaults.target, dynamo, outbound });
    outbound.attachConsole(operatorConsole.data);
    const server = createApiServer({
      invoke: invokeVerifier,
      outbound: outbound.invoke,
      sources: tenantSources.invoke,
      local: async (method, rawPath, body, query) =>
        (await localRoute(method, rawPath, adminQueues, { status, portal: outbound.portal })) ??
        (await operatorConsole.route(method, rawPath, query)) ??
        (await replayRoute(method, rawPath, body, replays, log)) ??
        outboundIntakeRoute(method, rawPath, body, query, outbound.intakeQueue),
      getSources: new Set(configs.filter((c) => schemes[c.scheme].handshake?.subscribe).map((c) => c.id)),
      onRequest: (entry) => {
        operatorConsole.tally.record(entry);
        options.onRequest?.(entry);
      },
      onError: (error) => log.error('local API error', { cause: String(error) }),
    });
    await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
    const port = (server.address() as AddressInfo).port;
    cleanup.push(() => closeServer(server));

    let sweeper: NodeJS.Timeout | undefined;
    if (timing.sweepIntervalMs > 0 && options.dataDir !== undefined) {
      // Both tables: the events' dedupe records, and every outbound item past its retention (retention.ts).
      const sweep = () =>
        void Promise.all([
          sweepExpired(dynamo.client, dynamo.tableName, Date.now()),
          sweepExpired(dynamo.client, outbound.tableName, Date.now(), OUTBOUND_TTL_SHAPE),
        ]).catch((e: unknown) => log.warn('TTL sweep failed', { cause: String(e) }));
      sweep();
      sweeper = setInterval(sweep, timing.sweepIntervalMs);
      sweeper.unref();
    }

    if (options.startProcessors ?? true) {
      for (const s of pipelines) s.processor.start();
      outbound.start();
      await replays.resume();
    }

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        clearInterval(sweeper);
        // Order matters: stop taking requests (in-flight ones finish), let processors finish their
        // batches, deliver what was published, then persist and close the queues and the store.
        await closeServer(server).catch((e: unknown) => log.warn('closing the API failed', { cause: String(e) }));
        await replays.stop();
        await Promise.all(pipelines.map((s) => s.processor.stop()));
        await topicFaults.target.drain();
        for (const s of pipelines)
          await s.queue.close().catch((e: unknown) => log.warn('closing a queue failed', { cause: String(e) }));
        await outbound
          .stop()
          .catch((e: unknown) => log.warn('stopping outbound delivery failed', { cause: String(e) }));
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
      shared,
      tenantSources,
      topic: topicFaults.target,
      faults: { store: storeFaults, queue: queueFaults, topic: topicFaults, archive: archiveFaults },
      archive: archiveFaults.target,
      replays,
      invokeVerifier,
      outbound,
      metrics,
      status,
      listEvents: () => scanEvents(dynamo.client, dynamo.tableName),
      getEvent: (source, eventId) => storeFaults.target.get(source, eventId),
      idle: async () => {
        for (;;) {
          await Promise.all(pipelines.map((s) => s.processor.idle()));
          const busy = pipelines.some((s) => {
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

export type { EmbeddedDynamo };
