/**
 * One delivery step: claim the delivery's next attempt, send it, record it, decide what next.
 *
 * In order: skip final deliveries (a redelivered queue message is a no-op) and deliveries not yet due (a stale
 * wake-up for an attempt already made must not send the next one early); leave a delivery another worker holds a
 * live claim on (its own wake-up comes back if it dies); skip a disabled endpoint; build the body (transform hook);
 * take the claim on the attempt (claim.ts: one conditional write; a lost race sends nothing); check the URL against
 * the SSRF guard again (a refusal is an attempt with error kind `blocked`, and nothing is signed); decrypt the live
 * secrets and sign; send; record the attempt (status or error kind, latency, the start of the response body, never
 * a request header) and the delivery's next state in one write conditional on the claim; on 410 Gone disable the
 * endpoint.
 */
import type { Clock } from '../../kernel/ports';
import type { Log } from '../../kernel/log';
import type { Attempt, Delivery, Endpoint, MessageRecord } from '../model';
import { FINAL_STATUSES } from '../model';
import type {
  DeliveryStore,
  EndpointStore,
  HttpSender,
  Resolver,
  SecretCipher,
  SendResult,
  StaleClaim,
} from '../ports';
import { afterStale, claimState, settleStale } from './claim';
import { toAttempt } from './response';
import { nextStep, type Random } from './retry-schedule';
import { openHeaders } from './sealed-headers';
import { openSigningSecrets, signRequest } from './signing';
import { checkUrl, type SsrfPolicy } from './ssrf';
import type { Transformer } from './transform';

export interface DeliverDeps {
  readonly resolver: Resolver;
  readonly sender: HttpSender;
  readonly cipher: SecretCipher;
  readonly deliveries: DeliveryStore;
  readonly endpoints: EndpointStore;
  readonly ssrf: SsrfPolicy;
  readonly transform: Transformer;
  readonly now: Clock;
  readonly random: Random;
  readonly log: Log;
  /** How long a claim is held: longer than the worker can run (contract.ts `outboundClaimLeaseSeconds`). */
  readonly claimLeaseMs: number;
  /** A fresh unique claim token per call. */
  readonly newClaimToken: () => string;
}

export interface DeliveryJob {
  readonly delivery: Delivery;
  readonly endpoint: Endpoint;
  readonly message: MessageRecord;
}

export type DeliverResult =
  | { readonly deliveryId: string; readonly outcome: 'delivered' | 'exhausted'; readonly attempt: Attempt }
  | {
      readonly deliveryId: string;
      readonly outcome: 'failed';
      readonly attempt: Attempt;
      readonly nextAttemptAt: number;
    }
  | { readonly deliveryId: string; readonly outcome: 'skipped'; readonly reason: 'endpoint_disabled' | 'transform' }
  /**
   * Nothing sent: the delivery was final or not yet due, another worker holds a live claim on it (`claimed`) or
   * took the claim first (`lost_race`), or the claim was lost while sending (`lost_claim`: held past its lease,
   * and its attempt logged as unknown by the worker that took over).
   */
  | {
      readonly deliveryId: string;
      readonly outcome: 'already_final' | 'not_due' | 'claimed' | 'lost_race' | 'lost_claim';
    };

/** A wake-up may arrive this much before `nextAttemptAt` (clock skew between the sweeper and the worker). */
export const EARLY_TOLERANCE_MS = 1000;

/**
 * Makes one attempt for `job` (or skips it) and records it. With `probe` the attempt is the circuit's probe: it
 * is logged (flagged `probe`), but unless it succeeds or gets 410 Gone the delivery keeps its retry schedule and
 * the attempt does not count toward exhaustion.
 */
export async function deliver(
  job: DeliveryJob,
  deps: DeliverDeps,
  options: { readonly probe?: boolean } = {},
): Promise<DeliverResult> {
  const { endpoint, message } = job;
  const { deliveryId, tenantId } = job.delivery;
  if (FINAL_STATUSES.has(job.delivery.status)) return { deliveryId, outcome: 'already_final' };
  if (
    endpoint.tenantId !== tenantId ||
    endpoint.endpointId !== job.delivery.endpointId ||
    message.id !== job.delivery.messageId
  ) {
    throw new TypeError(`delivery ${deliveryId} was given another endpoint or message`);
  }

  const startedAt = deps.now();
  if (job.delivery.nextAttemptAt !== undefined && job.delivery.nextAttemptAt > startedAt + EARLY_TOLERANCE_MS)
    return { deliveryId, outcome: 'not_due' };
  const held = claimState(job.delivery, startedAt);
  if (held === 'live') return { deliveryId, outcome: 'claimed' };
  const stale =
    held === 'expired' && job.delivery.claim
      ? settleStale({ ...job.delivery, claim: job.delivery.claim }, endpoint, startedAt, deps.random)
      : undefined;
  if (!endpoint.enabled) {
    await deps.deliveries.markSkipped(tenantId, deliveryId, 'endpoint_disabled', startedAt, stale);
    return { deliveryId, outcome: 'skipped', reason: 'endpoint_disabled' };
  }
  const body = deps.transform({ tenantId, endpointId: endpoint.endpointId, message });
  if (body === undefined) {
    await deps.deliveries.markSkipped(tenantId, deliveryId, 'transform', startedAt, stale);
    return { deliveryId, outcome: 'skipped', reason: 'transform' };
  }

  const delivery = afterStale(job.delivery, stale);
  const number = delivery.attemptCount + 1;
  const token = deps.newClaimToken();
  const claim =
    stale?.update.status === 'exhausted'
      ? undefined
      : {
          attempt: number,
          token,
          at: startedAt,
          until: startedAt + deps.claimLeaseMs,
          ...(options.probe && { probe: true as const }),
        };
  const claimed = await deps.deliveries.claim(
    {
      tenantId,
      deliveryId,
      expectedAttemptCount: job.delivery.attemptCount,
      ...(stale && { stale }),
      ...(claim && { claim }),
    },
    startedAt,
  );
  const ids = { tenantId, deliveryId, endpointId: endpoint.endpointId, messageId: message.id };
  if (!claimed) {
    deps.log.info('delivery claimed by another worker first: nothing sent', ids);
    return { deliveryId, outcome: 'lost_race' };
  }
  if (stale) logUnknown(stale, deps);
  if (claim === undefined) return { deliveryId, outcome: 'exhausted', attempt: stale!.attempt };

  const result = await attempt(job, body, startedAt, deps);
  const finishedAt = deps.now();
  const probes = delivery.probes ?? 0;
  const scheduled = nextStep({
    outcome:
      result.kind === 'response'
        ? { kind: 'response', status: result.status, retryAfter: result.retryAfter }
        : { kind: 'error', error: result.error },
    attemptNumber: number - probes - (delivery.scheduleBase ?? 0),
    delaysSeconds: endpoint.retryDelaysSeconds,
    nowMs: finishedAt,
    random: deps.random,
  });
  // A failed probe leaves the schedule as it was: still due, so the gate parks it until the next probe time.
  const keepSchedule = options.probe === true && scheduled.status !== 'delivered' && !scheduled.disableEndpoint;
  const step = keepSchedule
    ? ({
        status: 'failed',
        nextAttemptAt: Math.min(delivery.nextAttemptAt ?? finishedAt, finishedAt),
        disableEndpoint: false,
      } as const)
    : scheduled;

  const record = { ...toAttempt(ids, number, startedAt, result), ...(options.probe && { probe: true as const }) };
  const nextAttemptAt = step.status === 'failed' ? step.nextAttemptAt : undefined;
  const recorded = await deps.deliveries.recordAttempt(
    record,
    {
      status: step.status,
      attemptCount: number,
      nextAttemptAt,
      updatedAt: finishedAt,
      ...(options.probe && { probes: probes + 1 }),
    },
    token,
  );
  const summary = {
    ...ids,
    attempt: number,
    ...(options.probe && { probe: true }),
    ...(record.status === undefined ? { error: record.error, detail: record.errorDetail } : { status: record.status }),
    latencyMs: record.latencyMs,
    next: step.status,
    nextAttemptAt,
  };
  if (!recorded) {
    // The claim outlived its lease: the worker that took it over logged this attempt as one of unknown outcome.
    deps.log.error('delivery attempt not recorded: its claim expired while it was sent', summary);
    return { deliveryId, outcome: 'lost_claim' };
  }
  deps.log.info('delivery attempt', summary);

  if (step.disableEndpoint) {
    await deps.endpoints.disable(tenantId, endpoint.endpointId, '410 Gone', finishedAt);
    deps.log.warn('endpoint disabled: it answered 410 Gone', { tenantId, endpointId: endpoint.endpointId, deliveryId });
  }
  return step.status === 'failed'
    ? { deliveryId, outcome: 'failed', attempt: record, nextAttemptAt: step.nextAttemptAt }
    : { deliveryId, outcome: step.status, attempt: record };
}

function logUnknown(stale: StaleClaim, deps: Pick<DeliverDeps, 'log'>): void {
  const { tenantId, deliveryId, endpointId, messageId, number, at } = stale.attempt;
  deps.log.warn('attempt of unknown outcome logged: its worker died holding the claim', {
    tenantId,
    deliveryId,
    endpointId,
    messageId,
    attempt: number,
    claimedAt: at,
    next: stale.update.status,
  });
}

/** SSRF check, sign, send. A refused URL is never signed nor sent. */
async function attempt(job: DeliveryJob, body: string, nowMs: number, deps: DeliverDeps): Promise<SendResult> {
  const { endpoint, message } = job;
  const checked = await checkUrl(endpoint.url, deps.resolver, deps.ssrf);
  if (!checked.ok) return { kind: 'error', error: checked.error, detail: checked.reason, latencyMs: 0 };

  const context = { tenantId: endpoint.tenantId, endpointId: endpoint.endpointId };
  const secrets = await openSigningSecrets(endpoint.secrets, deps.cipher, context, nowMs);
  const bytes = Buffer.from(body, 'utf8');
  const signature = signRequest({
    signing: endpoint.signing,
    secrets,
    messageId: message.id,
    timestampSeconds: Math.floor(nowMs / 1000),
    body: bytes,
    url: endpoint.url,
  });
  // Signature headers last: a stored extra header can never replace them.
  const headers = { ...(await openHeaders(endpoint, deps.cipher)), 'content-type': 'application/json', ...signature };
  return deps.sender.send({ url: endpoint.url, headers, body: bytes, timeoutMs: endpoint.timeoutSeconds * 1000 });
}
