/**
 * `npm run bench:handler`: the warm per-invocation cost of the real verifier and processor handlers
 * (`createVerifierHandler`, `createProcessorHandler`, middy and all), with the ports backed by
 * zero-latency in-memory fakes, next to the floor for the same input:
 * - verifier floor: the Stripe signature check over the body bytes + `JSON.parse` of the body;
 * - processor floor: `JSON.parse` of each queued message (nothing to verify there).
 *
 * Logging is real: a Powertools `Logger` at INFO (as deployed) writing to the process's stdout. The
 * measuring runs in a child process whose stdout is /dev/null (a synchronous fd write per line, as a
 * pipe is on Lambda's Linux), so formatting, serializing and writing every log line is counted.
 *
 * Method: warm up, then rounds of [handler batch, floor batch] in alternating order; each batch runs
 * the same pool of distinct signed events back to back; the figure is the median of per-batch means.
 * The fakes are cleared between batches (outside the timing) so every delivery is new, not a duplicate.
 *
 * Which fakes: the timed handler's ports do no work at all (bench/lib/null-ports.ts: each call
 * answers at once and counts), so the figure is the handler's own cost. The stateful test fakes
 * (test/helpers/fakes.ts) spend about 2 µs per event on their own maps and copies; every run first
 * checks the handlers against them (each delivery accepted, queued and marked `enqueued`; each record
 * published and `completed`), then times them too, in the "with test fakes" column.
 *
 * Usage: `npm run bench:handler -- [--rounds 61]`.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../lambdas/adapters/powertools-log';
import { powertoolsMetrics } from '../lambdas/adapters/powertools-metrics';
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { serializeEnvelope } from '../lambdas/core/inbound/envelope';
import { createRouter } from '../lambdas/core/inbound/routing';
import { stripe } from '../lambdas/core/signatures/schemes/stripe';
import { createProcessorHandler } from '../lambdas/processor/create-handler';
import { routes } from '../config/routes';
import { createVerifierHandler } from '../lambdas/verifier/create-handler';
import { FakeEventStore, FakeQueue, FakeSecrets, FakeTopic } from '../test/helpers/fakes';
import { ConstantSecrets, NullEventStore, NullQueue, NullTopic } from './lib/null-ports';
import { apiGatewayEvent, prepared, runtimeSource, SECRET, signedWebhook } from '../test/helpers/webhook';
import { machineHeader } from './lib/machine';
import { stripeEvent } from './lib/payloads';
import { ratio, table } from './lib/stats';
import { timeBatches } from './lib/timing';

const SIZES = [1024, 8 * 1024, 64 * 1024] as const;
/** Invocations per timed batch: enough that one batch takes milliseconds, not microseconds. */
const VERIFIER_BATCH: Record<number, number> = { 1024: 400, 8192: 200, 65536: 50 };
/** Records per SQS event: the stack's default `batchSize`. */
const SQS_BATCH = 10;
const PROCESSOR_EVENTS_PER_BATCH: Record<number, number> = { 1024: 20, 8192: 10, 65536: 4 };
const NOW_MS = Date.UTC(2026, 10, 23, 12, 0, 0);
const LEASE_MS = 30_000;

interface Row {
  readonly fn: 'verifier' | 'processor';
  readonly bytes: number;
  readonly handlerUs: number;
  readonly floorUs: number;
  /** The same handler with the stateful test fakes behind its ports. */
  readonly withFakesUs: number;
}

type Message = { readonly rows: Row[] };

// ------------------------------------------------------------------------------------------------
// The measuring child.

let sink = 0;

async function benchVerifier(bytes: number, rounds: number): Promise<Row> {
  const source = runtimeSource();
  const log = powertoolsLog(new Logger({ serviceName: 'webhook-verifier' }));
  const sources = prepared(source);
  const common = { sources, clock: () => NOW_MS, leaseMs: LEASE_MS, newToken: randomUUID, log };
  const store = new FakeEventStore();
  const queue = new FakeQueue();
  const withFakes = createVerifierHandler({
    ...common,
    store,
    queue,
    secrets: new FakeSecrets({ [source.secretId]: [SECRET] }),
  });
  const nullStore = new NullEventStore();
  const nullQueue = new NullQueue();
  // As deployed: each request also writes its metrics line (Powertools Metrics, to the child's stdout).
  const handler = createVerifierHandler({
    ...common,
    store: nullStore,
    queue: nullQueue,
    secrets: new ConstantSecrets([SECRET]),
    metrics: powertoolsMetrics({ namespace: 'WebhookIngestion' }),
  });

  const count = VERIFIER_BATCH[bytes]!;
  const events: APIGatewayProxyEventV2[] = [];
  for (let i = 0; i < count; i++) {
    events.push(
      apiGatewayEvent(
        source.id,
        signedWebhook('stripe', { body: stripeEvent(`evt_${i.toString().padStart(8, '0')}`, bytes), nowMs: NOW_MS }),
      ),
    );
  }
  const context = { getRemainingTimeInMillis: () => 10_000 } as Context;
  const reset = () => {
    store.records.clear();
    queue.sent.length = 0;
  };

  // Correctness first, against the stateful fakes: every delivery is accepted, queued once and marked.
  for (const event of events) {
    const response = await withFakes(event, context);
    if (response.statusCode !== 202) throw new Error(`verifier answered ${response.statusCode}: ${response.body}`);
  }
  if (queue.sent.length !== count || [...store.records.values()].some((r) => r.status !== 'enqueued')) {
    throw new Error('verifier did not queue and mark every delivery');
  }
  reset();
  // And the null-port handler takes the same path: one put, one send, one mark per delivery.
  for (const event of events) {
    const response = await handler(event, context);
    if (response.statusCode !== 202)
      throw new Error(`verifier (null ports) answered ${response.statusCode}: ${response.body}`);
  }
  if (nullQueue.sent !== count || nullStore.calls !== 2 * count)
    throw new Error('verifier (null ports) skipped a port call');

  const floor = (event: APIGatewayProxyEventV2) => {
    const body = Buffer.from(event.body!, 'utf8');
    const verdict = stripe.verify({
      body,
      headers: event.headers,
      url: '',
      secrets: [SECRET],
      nowSeconds: NOW_MS / 1000,
      options: {},
    });
    if (!verdict.valid) throw new Error('floor: invalid signature');
    sink += (JSON.parse(event.body!) as { id: string }).id.length;
  };
  const [handlerUs, floorUs, withFakesUs] = await timeBatches(rounds, [
    {
      per: count,
      run: async () => {
        for (const event of events) await handler(event, context);
      },
    },
    {
      per: count,
      run: () => {
        for (const event of events) floor(event);
      },
    },
    {
      per: count,
      run: async () => {
        for (const event of events) await withFakes(event, context);
      },
      after: reset,
    },
  ]);
  return {
    fn: 'verifier',
    bytes: Buffer.byteLength(events[0]!.body!),
    handlerUs: handlerUs!,
    floorUs: floorUs!,
    withFakesUs: withFakesUs!,
  };
}

async function benchProcessor(bytes: number, rounds: number): Promise<Row> {
  const common = {
    sourceId: 'stripe',
    router: createRouter(routes),
    clock: () => NOW_MS,
    leaseMs: LEASE_MS,
    dedupeSeconds: 7 * 86_400,
    newToken: randomUUID,
    publishSafetyMs: 3000,
    log: powertoolsLog(new Logger({ serviceName: 'webhook-processor' })),
  };
  const store = new FakeEventStore();
  const topic = new FakeTopic();
  const withFakes = createProcessorHandler({ ...common, store, topic });
  const nullStore = new NullEventStore();
  const nullTopic = new NullTopic();
  const handler = createProcessorHandler({
    ...common,
    store: nullStore,
    topic: nullTopic,
    metrics: powertoolsMetrics({ namespace: 'WebhookIngestion' }),
  });

  const sqsEvents: SQSEvent[] = [];
  const perBatch = PROCESSOR_EVENTS_PER_BATCH[bytes]!;
  for (let b = 0; b < perBatch; b++) {
    const records: SQSRecord[] = [];
    for (let r = 0; r < SQS_BATCH; r++) {
      const id = `evt_${(b * SQS_BATCH + r).toString().padStart(8, '0')}`;
      const payload = stripeEvent(id, bytes);
      const body = serializeEnvelope(
        {
          id,
          source: 'stripe',
          type: 'invoice.paid',
          receivedAt: new Date(NOW_MS).toISOString(),
          headers: { 'content-type': 'application/json', 'user-agent': 'Stripe/1.0' },
        },
        payload,
      );
      records.push({ messageId: randomUUID(), body } as SQSRecord);
    }
    sqsEvents.push({ Records: records });
  }
  const context = { getRemainingTimeInMillis: () => 30_000 };
  const reset = () => {
    store.records.clear();
    topic.published.length = 0;
  };
  const messages = perBatch * SQS_BATCH;

  // Correctness first, against the stateful fakes: every record is published once and completed.
  for (const event of sqsEvents) {
    const out = await withFakes(event, context);
    if (out.batchItemFailures.length > 0) throw new Error(`processor failed ${out.batchItemFailures.length} records`);
  }
  if (topic.published.length !== messages || [...store.records.values()].some((r) => r.status !== 'completed')) {
    throw new Error('processor did not publish and complete every record');
  }
  reset();
  for (const event of sqsEvents) {
    const out = await handler(event, context);
    if (out.batchItemFailures.length > 0)
      throw new Error(`processor (null ports) failed ${out.batchItemFailures.length} records`);
  }
  if (nullTopic.published !== messages || nullStore.calls !== 2 * messages)
    throw new Error('processor (null ports) skipped a port call');

  const [handlerUs, floorUs, withFakesUs] = await timeBatches(rounds, [
    {
      per: messages,
      run: async () => {
        for (const event of sqsEvents) await handler(event, context);
      },
    },
    {
      per: messages,
      run: () => {
        for (const event of sqsEvents)
          for (const record of event.Records) sink += (JSON.parse(record.body) as { id: string }).id.length;
      },
    },
    {
      per: messages,
      run: async () => {
        for (const event of sqsEvents) await withFakes(event, context);
      },
      after: reset,
    },
  ]);
  return {
    fn: 'processor',
    bytes: Buffer.byteLength(stripeEvent('evt_00000000', bytes)),
    handlerUs: handlerUs!,
    floorUs: floorUs!,
    withFakesUs: withFakesUs!,
  };
}

async function child(rounds: number): Promise<void> {
  const rows: Row[] = [];
  for (const bytes of SIZES) rows.push(await benchVerifier(bytes, rounds));
  for (const bytes of SIZES) rows.push(await benchProcessor(bytes, rounds));
  if (sink === 42) console.error('');
  process.send!({ rows } satisfies Message);
}

// ------------------------------------------------------------------------------------------------
// The parent: starts the child with stdout on /dev/null and prints what it reports.

function parent(rounds: number): void {
  const devNull = openSync('/dev/null', 'w');
  const worker = fork(fileURLToPath(import.meta.url), ['--child', '--rounds', String(rounds)], {
    stdio: ['ignore', devNull, 'inherit', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      TZ: 'UTC',
    },
  });
  worker.on('message', (message: Message) => {
    console.log(machineHeader('bench:handler — warm per-invocation cost vs the floor'));
    console.log(
      `# median of ${rounds} per-batch means after warm-up; ports that answer at once and do no work (bench/lib/null-ports.ts); Powertools Logger at INFO writing to /dev/null`,
    );
    console.log(
      '# "with test fakes": the same handler over the stateful test fakes (test/helpers/fakes.ts), whose own maps and copies are counted there',
    );
    console.log(
      '# verifier: one API Gateway v2 event per invocation, Stripe signature; floor = stripe.verify(body bytes) + JSON.parse(body)',
    );
    console.log(`# processor: SQS events of ${SQS_BATCH} records, cost per record; floor = JSON.parse(record body)`);
    console.log('');
    console.log(
      table([
        ['function', 'payload', 'handler', 'floor', 'overhead', 'ratio', 'with test fakes'],
        ...message.rows.map((r) => [
          r.fn,
          `${(r.bytes / 1024).toFixed(1)} KiB`,
          `${r.handlerUs.toFixed(1)} us`,
          `${r.floorUs.toFixed(1)} us`,
          `${(r.handlerUs - r.floorUs).toFixed(1)} us`,
          ratio(r.handlerUs, r.floorUs),
          `${r.withFakesUs.toFixed(1)} us (${ratio(r.withFakesUs, r.floorUs)})`,
        ]),
      ]),
    );
    const v = (bytes: number) =>
      message.rows.find((r) => r.fn === 'verifier' && r.bytes >= bytes && r.bytes < bytes * 1.5)!;
    const p = (bytes: number) =>
      message.rows.find((r) => r.fn === 'processor' && r.bytes >= bytes && r.bytes < bytes * 1.5)!;
    const r = (row: Row) => (row.handlerUs / row.floorUs).toFixed(2);
    console.log(
      `ratios: verifier 1 KiB ${r(v(1024))}x (target <=2) | 8 KiB ${r(v(8192))}x | 64 KiB ${r(v(65536))}x (target <=1.3) | ` +
        `processor 1 KiB ${r(p(1024))}x | 8 KiB ${r(p(8192))}x | 64 KiB ${r(p(65536))}x`,
    );
  });
  worker.on('exit', (code) => {
    if (code !== 0) process.exitCode = code ?? 1;
  });
}

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : 61;
if (process.argv.includes('--child')) await child(rounds);
else parent(rounds);
