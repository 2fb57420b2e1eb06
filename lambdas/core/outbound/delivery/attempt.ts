/**
 * One delivery step: attempt to send a message to an endpoint, record the attempt, decide what next.
 *
 * In order: skip final deliveries (a redelivered queue message is a no-op) and deliveries not yet due (a stale
 * wake-up for an attempt already made must not send the next one early); skip a disabled endpoint;
 * build the body (transform hook); check the URL against the SSRF guard again (a refusal is an attempt
 * with error kind `blocked`, and nothing is signed); decrypt the live secrets and sign; send; record the
 * attempt (status or error kind, latency, at most 4 KiB of the response body, never a request header) and
 * the delivery's next state in one conditional write; on 410 Gone disable the endpoint.
 *
 * A batch runs concurrently; an unexpected error in one item (a store outage, a throwing transform) is
 * reported for that item only, so the queue retries it and the others are not sent twice.
 */
import type { Clock } from '../../kernel/ports';
import type { Log } from '../../kernel/log';
import type { Attempt, Delivery, Endpoint, MessageRecord } from '../model';
import { FINAL_STATUSES } from '../model';
import type { DeliveryStore, EndpointStore, HttpSender, Resolver, SecretCipher, SendResult } from '../ports';
import { MAX_RESPONSE_BODY_BYTES } from '../ports';
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
  /** Nothing done: the delivery was final, not yet due, or another worker recorded this attempt first. */
  | { readonly deliveryId: string; readonly outcome: 'already_final' | 'not_due' | 'lost_race' };

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
  const { delivery, endpoint, message } = job;
  const { deliveryId, tenantId } = delivery;
  if (FINAL_STATUSES.has(delivery.status)) return { deliveryId, outcome: 'already_final' };
  if (
    endpoint.tenantId !== tenantId ||
    endpoint.endpointId !== delivery.endpointId ||
    message.id !== delivery.messageId
  ) {
    throw new TypeError(`delivery ${deliveryId} was given another endpoint or message`);
  }

  const startedAt = deps.now();
  if (delivery.nextAttemptAt !== undefined && delivery.nextAttemptAt > startedAt + EARLY_TOLERANCE_MS)
    return { deliveryId, outcome: 'not_due' };
  if (!endpoint.enabled) {
    await deps.deliveries.markSkipped(tenantId, deliveryId, 'endpoint_disabled', startedAt);
    return { deliveryId, outcome: 'skipped', reason: 'endpoint_disabled' };
  }
  const body = deps.transform({ tenantId, endpointId: endpoint.endpointId, message });
  if (body === undefined) {
    await deps.deliveries.markSkipped(tenantId, deliveryId, 'transform', startedAt);
    return { deliveryId, outcome: 'skipped', reason: 'transform' };
  }

  const result = await attempt(job, body, startedAt, deps);
  const finishedAt = deps.now();
  const number = delivery.attemptCount + 1;
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

  const record = { ...toAttempt(job, number, startedAt, result), ...(options.probe && { probe: true as const }) };
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
    delivery.attemptCount,
  );
  const summary = {
    tenantId,
    deliveryId,
    endpointId: endpoint.endpointId,
    messageId: message.id,
    attempt: number,
    ...(options.probe && { probe: true }),
    ...(record.status === undefined ? { error: record.error, detail: record.errorDetail } : { status: record.status }),
    latencyMs: record.latencyMs,
    next: step.status,
    nextAttemptAt,
  };
  if (!recorded) {
    deps.log.warn('delivery attempt not recorded: another worker recorded this attempt first', summary);
    return { deliveryId, outcome: 'lost_race' };
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

function toAttempt(job: DeliveryJob, number: number, at: number, result: SendResult): Attempt {
  const base = {
    tenantId: job.delivery.tenantId,
    deliveryId: job.delivery.deliveryId,
    endpointId: job.endpoint.endpointId,
    messageId: job.message.id,
    number,
    at,
    latencyMs: Math.max(0, Math.round(result.latencyMs)),
  };
  if (result.kind === 'error') return { ...base, error: result.error, errorDetail: result.detail.slice(0, 256) };
  const body = truncateUtf8(result.body, MAX_RESPONSE_BODY_BYTES);
  return {
    ...base,
    status: result.status,
    responseBody: body.text,
    responseBodyTruncated: result.bodyTruncated || body.truncated,
  };
}

/** The longest prefix of `text` that is at most `maxBytes` in UTF-8, cut between characters. */
export function truncateUtf8(text: string, maxBytes: number): { readonly text: string; readonly truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // back off to the start of a character
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

export interface BatchResult {
  readonly results: readonly DeliverResult[];
  /** Deliveries whose step threw: report them as batch item failures so the queue retries them. */
  readonly failed: readonly string[];
}

/** Runs every job of a batch concurrently. */
export function deliverBatch(jobs: readonly DeliveryJob[], deps: DeliverDeps): Promise<BatchResult> {
  return runBatch(jobs, deps, deliver);
}

/** Runs `step` over every job of a batch concurrently; a step that throws is reported for its delivery only. */
export async function runBatch<D extends DeliverDeps, R extends { readonly deliveryId: string }>(
  jobs: readonly DeliveryJob[],
  deps: D,
  step: (job: DeliveryJob, deps: D) => Promise<R>,
): Promise<{ readonly results: readonly R[]; readonly failed: readonly string[] }> {
  const settled = await Promise.allSettled(jobs.map((job) => step(job, deps)));
  const results: R[] = [];
  const failed: string[] = [];
  settled.forEach((s, i) => {
    const deliveryId = jobs[i]!.delivery.deliveryId;
    if (s.status === 'fulfilled') results.push(s.value);
    else {
      failed.push(deliveryId);
      deps.log.error('delivery step failed; it will be retried', {
        deliveryId,
        tenantId: jobs[i]!.delivery.tenantId,
        error: errorSummary(s.reason),
      });
    }
  });
  return { results, failed };
}

/**
 * What the log may say about an unexpected error: its name and code, never its message. A message can quote
 * what the step was handling: Node's `JSON.parse` errors quote the text they failed on (a transform parsing the
 * payload), and an SDK or KMS error can echo its input.
 */
export function errorSummary(error: unknown): { readonly name: string; readonly code?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === 'string' && { code }) };
}
