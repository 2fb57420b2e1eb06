/**
 * The bytes of the log lines metrics and correlation add per event, measured from the code that writes them: the
 * real verifier and processor handlers, over ports that do nothing, with Powertools Metrics writing to a captured
 * stdout. `npm run cost` prices them (model.ts, `EventShape`).
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import { powertoolsMetrics } from '../../lambdas/adapters/powertools-metrics';
import { serializeEnvelope } from '../../lambdas/core/inbound/envelope';
import { createRouter } from '../../lambdas/core/inbound/routing';
import { silentLog } from '../../lambdas/core/kernel/log';
import { createProcessorHandler } from '../../lambdas/processor/create-handler';
import { createVerifierHandler } from '../../lambdas/verifier/create-handler';
import { apiGatewayEvent, prepared, runtimeSource, SECRET, signedWebhook } from '../../test/helpers/webhook';
import { ConstantSecrets, NullEventStore, NullQueue, NullTopic } from '../lib/null-ports';
import { stripeEvent } from '../lib/payloads';

export interface LineBytes {
  readonly verifierMetricLineBytes: number;
  readonly processorMetricLineBytes: number;
  readonly processorMetricBytesPerEvent: number;
  readonly eventIdLogBytes: number;
}

/** A Stripe-shaped event id, and an API Gateway request id, as long as real ones. */
const EVENT_ID = 'evt_1QxYzAbCdEfGhIjKlMnOpQrS';
const REQUEST_ID = 'Jf9q3iJIIAMEZ5g=';
const NOW_MS = Date.UTC(2026, 10, 23, 12);

async function captured(run: () => Promise<unknown>): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return bytes;
}

export async function measureLines(): Promise<LineBytes> {
  const metrics = powertoolsMetrics({ namespace: 'WebhookIngestion' });
  const source = runtimeSource();
  const verifier = createVerifierHandler({
    sources: prepared(source),
    store: new NullEventStore(),
    queue: new NullQueue(),
    secrets: new ConstantSecrets([SECRET]),
    clock: () => NOW_MS,
    leaseMs: 30_000,
    newToken: randomUUID,
    log: silentLog,
    metrics,
  });
  const event = apiGatewayEvent(
    source.id,
    signedWebhook('stripe', { body: stripeEvent(EVENT_ID, 1024), nowMs: NOW_MS }),
  );
  event.requestContext.requestId = REQUEST_ID;
  const context = { getRemainingTimeInMillis: () => 10_000 } as Context;
  const verifierBytes = await captured(() => verifier(event, context));

  const processor = createProcessorHandler({
    sourceId: source.id,
    store: new NullEventStore(),
    topic: new NullTopic(),
    router: createRouter([]),
    clock: () => NOW_MS + 1_234,
    leaseMs: 60_000,
    dedupeSeconds: 86_400,
    newToken: randomUUID,
    publishSafetyMs: 3_000,
    log: silentLog,
    metrics,
  });
  const batch = (n: number): SQSEvent => ({
    Records: Array.from({ length: n }, (_, i) => ({
      messageId: `m${i}`,
      body: serializeEnvelope(
        {
          id: `${EVENT_ID}${i}`,
          source: source.id,
          type: 'invoice.paid',
          receivedAt: new Date(NOW_MS).toISOString(),
          headers: {},
        },
        '{}',
      ),
      attributes: { ApproximateReceiveCount: '1' },
    })) as SQSEvent['Records'],
  });
  const one = await captured(() => processor(batch(1), context));
  const ten = await captured(() => processor(batch(10), context));
  const perEvent = (ten - one) / 9;
  return {
    verifierMetricLineBytes: verifierBytes,
    processorMetricLineBytes: Math.round(one - perEvent),
    processorMetricBytesPerEvent: Math.round(perEvent),
    eventIdLogBytes: Buffer.byteLength(JSON.stringify(EVENT_ID)) + 1,
  };
}
