/**
 * The delivery worker's AWS edge: an SQS batch of wake-ups in, partial batch response out. For each wake-up it
 * loads the delivery, its endpoint and its message, runs the batch through the core (each delivery behind its
 * endpoint's admission gate, `deliverAdmitted`, and an exhausted delivery notified to operators,
 * `deliverNotifying`), and queues the next wake-up itself when the retry, the parked delivery's next probe time
 * or the throttled delivery's turn is within SQS's 900 s delay (longer retries are in the sweep; a longer park or
 * throttle hops through the queue at the longest delay). A wake-up that finds nothing to do (final, not due, or
 * claimed by another worker) is acknowledged; a step that throws, or whose next wake-up could not be queued, is
 * reported so SQS delivers it again (a wake-up is acknowledged only once what follows it is durable).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Metrics } from '../core/kernel/metrics';
import { countAttempts } from '../core/outbound/metrics';
import type { AdmittedDeps } from '../core/outbound/delivery/gated-attempt';
import type { DeliveryJob } from '../core/outbound/delivery/attempt';
import { runBatch } from '../core/outbound/delivery/batch';
import { claimState, unknownAttempt } from '../core/outbound/delivery/claim';
import { deliverNotifying } from '../core/outbound/delivery/worker-step';
import type { Endpoint } from '../core/outbound/model';
import type { DeliveryReader, EndpointRepository, MessageReader, WakeUpQueue } from '../core/outbound/ports';
import {
  MAX_QUEUE_DELAY_SECONDS,
  parseWakeUp,
  queueDelaySeconds,
  type DelayedWakeUp,
} from '../core/outbound/delivery/wake-up';

export interface WorkerDeps extends AdmittedDeps {
  readonly endpoints: EndpointRepository;
  readonly deliveries: AdmittedDeps['deliveries'] & DeliveryReader;
  readonly messages: MessageReader;
  readonly wakeUps: WakeUpQueue;
  /** Counts attempts by outcome and their latency. @default none */
  readonly metrics?: Metrics;
}

export function createDeliveryWorker(deps: WorkerDeps) {
  return async (event: SQSEvent, _context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const failures = new Set<string>();
    const recordOf = new Map<string, string[]>();
    const jobs = new Map<string, DeliveryJob>();
    const later: Array<DelayedWakeUp & { readonly records: readonly string[] }> = [];
    // Each endpoint is read once per batch: its deliveries share the read (and then its gate's combined state).
    const endpoints = new Map<string, Promise<Endpoint | undefined>>();
    const endpointOf = (tenantId: string, endpointId: string) => {
      const key = JSON.stringify([tenantId, endpointId]);
      if (!endpoints.has(key)) endpoints.set(key, deps.endpoints.get(tenantId, endpointId));
      return endpoints.get(key)!;
    };

    await Promise.all(
      event.Records.map(async (record) => {
        const wake = parseWakeUp(record.body);
        if (!wake)
          return deps.log.error('dropping a delivery queue message that is not a wake-up', {
            messageId: record.messageId,
          });
        recordOf.set(wake.deliveryId, [...(recordOf.get(wake.deliveryId) ?? []), record.messageId]);
        if (jobs.has(wake.deliveryId)) return; // two wake-ups for one delivery in a batch: one attempt
        try {
          const job = await loadJob(wake.tenantId, wake.deliveryId, deps, endpointOf);
          if (job) jobs.set(wake.deliveryId, job);
        } catch (error) {
          failures.add(record.messageId);
          deps.log.error('loading a delivery failed; it will be retried', {
            deliveryId: wake.deliveryId,
            cause: error instanceof Error ? error.name : 'unknown',
          });
        }
      }),
    );

    const { results, failed } = await runBatch([...jobs.values()], deps, deliverNotifying);
    for (const id of failed) for (const messageId of recordOf.get(id) ?? []) failures.add(messageId);
    if (deps.metrics) countAttempts(deps.metrics, results);
    const now = deps.now();
    for (const r of results) {
      const tenantId = jobs.get(r.deliveryId)!.delivery.tenantId;
      const dueAt =
        r.outcome === 'failed'
          ? r.nextAttemptAt
          : r.outcome === 'not_due'
            ? jobs.get(r.deliveryId)!.delivery.nextAttemptAt
            : r.outcome === 'parked'
              ? r.until
              : r.outcome === 'throttled'
                ? now + r.retryAfterMs
                : undefined;
      if (dueAt === undefined) continue;
      // A failed attempt's retry beyond a queue delay is in the sweep; a longer park or throttle hops.
      const delaySeconds =
        queueDelaySeconds(dueAt, now) ?? (r.outcome === 'failed' ? undefined : MAX_QUEUE_DELAY_SECONDS);
      if (delaySeconds !== undefined)
        later.push({ tenantId, deliveryId: r.deliveryId, delaySeconds, records: recordOf.get(r.deliveryId) ?? [] });
    }
    if (later.length > 0) {
      try {
        await deps.wakeUps.send(
          later.map(({ tenantId, deliveryId, delaySeconds }) => ({ tenantId, deliveryId, delaySeconds })),
        );
      } catch (error) {
        // Nothing else would wake them: fail their wake-ups, which SQS brings back to queue the next one.
        for (const w of later) for (const messageId of w.records) failures.add(messageId);
        deps.log.warn('next wake-ups not sent; their wake-ups will be retried', {
          count: later.length,
          cause: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** The delivery with its endpoint and message; undefined (after recording why) when there is nothing to attempt. */
async function loadJob(
  tenantId: string,
  deliveryId: string,
  deps: WorkerDeps,
  endpointOf: (tenantId: string, endpointId: string) => Promise<Endpoint | undefined>,
): Promise<DeliveryJob | undefined> {
  const delivery = await deps.deliveries.get(tenantId, deliveryId);
  if (!delivery) return undefined;
  const [endpoint, message] = await Promise.all([
    endpointOf(tenantId, delivery.endpointId),
    deps.messages.get(tenantId, delivery.messageId),
  ]);
  if (!endpoint || !message) {
    const reason = endpoint ? 'message_expired' : 'endpoint_deleted';
    const now = deps.now();
    // A live claim is its holder's to settle; a dead worker's claim is logged as an attempt of unknown outcome.
    const stale =
      delivery.claim && claimState(delivery, now) === 'expired'
        ? { token: delivery.claim.token, attempt: unknownAttempt({ ...delivery, claim: delivery.claim }) }
        : undefined;
    await deps.deliveries.markSkipped(tenantId, deliveryId, reason, now, stale);
    deps.log.warn('delivery skipped', { tenantId, deliveryId, messageId: delivery.messageId, reason });
    return undefined;
  }
  return { delivery, endpoint, message };
}
