/**
 * Ingestion: verify a webhook and record + enqueue it exactly once. Pure logic over ports.
 *
 * Order of checks: source → address → size → signature over the raw bytes → content type → body.
 * Nothing is stored or enqueued until every check has passed.
 */
import {
  DependencyUnavailableError,
  EventInFlightError,
  ForbiddenSourceIpError,
  InvalidBodyError,
  InvalidSignatureError,
  PayloadTooLargeError,
  RateLimitedError,
  UnknownSourceError,
} from '../kernel/errors';
import { eventAttributes } from '../../contract';
import { contentTypeRule, parseBody } from './body';
import { challengeAnswer } from './handshake';
import type { HttpResponse } from '../kernel/http';
import {
  describeLocator,
  eventIdFor,
  eventIdProblem,
  eventTypeFor,
  locate,
  locateFrom,
  type OnUnusable,
} from './envelope';
import type { Log } from '../kernel/log';
import type { EventStore, Queue, SecretSource } from './ports';
import { queueMessageFor } from '../archive/claim-check';
import type { ObjectStore } from '../archive/ports';
import type { Clock } from '../kernel/ports';
import type { RateLimiter } from './rate-limit';
import { secretsOf, type PreparedSource } from './sources';
import type { Headers } from '../signatures/types';

export interface IncomingWebhook {
  readonly headers: Headers;
  /** Raw bytes, already base64-decoded when API Gateway encoded them. */
  readonly body: Uint8Array;
  readonly sourceIp: string;
  /** Full request URL, for schemes that sign it. */
  readonly url: string;
  /** The body as text when the transport already had it as text (saves decoding `body` again). */
  readonly text?: string | undefined;
}

export interface IngestDeps {
  readonly store: EventStore;
  readonly queue: Queue;
  readonly secrets: SecretSource;
  readonly clock: Clock;
  /** How long an ingestion attempt owns a new record; must exceed the verifier's timeout. */
  readonly leaseMs: number;
  readonly newToken: () => string;
  readonly log: Log;
  /** Enforces each source's `rateLimit` (in memory, per container). @default none: limits are not enforced */
  readonly rateLimiter?: RateLimiter;
  /** Where a body too large for the queue is stored before it is acknowledged (the archive). @default none: 413 */
  readonly archive?: ObjectStore;
}

export type IngestOutcome =
  | {
      readonly status: 'accepted' | 'duplicate';
      readonly id: string;
      /** How to answer: the JSON status, or 200 with an empty body (Slack shows bodies to users). */
      readonly acknowledge: 'status' | 'empty';
    }
  /** A provider's URL check, answered as is; nothing was recorded. */
  | { readonly status: 'handshake'; readonly response: HttpResponse };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export async function ingest(
  source: PreparedSource | undefined,
  request: IncomingWebhook,
  deps: IngestDeps,
): Promise<IngestOutcome> {
  if (!source) throw new UnknownSourceError();
  if (source.allows && !source.allows(request.sourceIp)) throw new ForbiddenSourceIpError();
  if (request.body.byteLength > source.maxBodyBytes) throw new PayloadTooLargeError(source.maxBodyBytes);

  let secrets: readonly string[];
  try {
    secrets = await secretsOf(source, deps.secrets, deps.clock());
  } catch (cause) {
    throw new DependencyUnavailableError('secrets', { cause });
  }
  const nowMs = deps.clock();
  const verdict = source.scheme.verify({
    body: request.body,
    headers: request.headers,
    url: request.url,
    secrets,
    nowSeconds: Math.floor(nowMs / 1000),
    toleranceSeconds: source.toleranceSeconds,
    options: source.options,
  });
  if (!verdict.valid) throw new InvalidSignatureError(verdict.reason);

  const { rule, parsed, payloadJson } = parseBody(
    contentTypeRule(source.scheme.contentTypes(source.options), request.headers['content-type']),
    bodyText(request),
  );
  const handshake = challengeAnswer(source.scheme.handshake, parsed, secrets[verdict.secretIndex] as string);
  if (handshake) {
    deps.log.info('handshake answered', { source: source.id });
    return { status: 'handshake', response: handshake };
  }
  const acknowledge = rule.acknowledge ?? 'status';
  // After the signature (a forged request spends no one's budget), before anything is written.
  const waitMs = source.rateLimit ? (deps.rateLimiter?.take(source.id, source.rateLimit, nowMs) ?? 0) : 0;
  if (waitMs > 0) throw new RateLimitedError(waitMs / 1000);
  const id = eventIdFor(source.id, providerEventId(source, request.headers, parsed, deps.log), request.body);
  const type = eventTypeFor(locate(source.eventType, request.headers, parsed));

  const leaseToken = deps.newToken();
  let claim;
  try {
    claim = await deps.store.tryReceive(
      {
        source: source.id,
        eventId: id,
        status: 'received',
        type,
        receivedAt: nowMs,
        leaseUntil: nowMs + deps.leaseMs,
        leaseToken,
        // Counts processing attempts; ingestion is not one.
        attempts: 0,
        expiresAt: Math.floor(nowMs / 1000) + source.dedupeSeconds,
      },
      nowMs,
    );
  } catch (cause) {
    throw new DependencyUnavailableError('event_store', { cause });
  }
  if (!claim.claimed) {
    const existing = claim.existing;
    if (!existing || existing.status === 'received') {
      // The first attempt is still in flight. If it dies, its lease lapses and the provider's retry gets in.
      const retryAfterMs = existing?.leaseUntil !== undefined ? existing.leaseUntil - nowMs : 1000;
      throw new EventInFlightError(id, retryAfterMs / 1000);
    }
    deps.log.info('duplicate delivery', { source: source.id, id, status: existing.status });
    return { status: 'duplicate', id, acknowledge };
  }

  const headers: Record<string, string> = {};
  for (const name of source.forwardedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  try {
    const message = await queueMessageFor(
      {
        meta: {
          id,
          source: source.id,
          tenant: source.tenant,
          type,
          receivedAt: new Date(nowMs).toISOString(),
          headers,
        },
        payloadJson,
        payloadIsBody: rule.media === 'application/json',
        body: request.body,
        requestHeaders: request.headers,
        secretIndex: verdict.secretIndex,
        url: request.url,
        attributes: eventAttributes(source.id, type, id, source.tenant),
        nowMs,
      },
      deps.archive,
    );
    // On the shared (fair) queue, the tenant's group: one tenant's burst does not hold up the others.
    await deps.queue.send(
      source.queueUrl,
      source.messageGroupId === undefined ? message : { ...message, groupId: source.messageGroupId },
    );
  } catch (cause) {
    // Not acknowledged: give the record back so the provider's retry starts over at once.
    // If the release fails too, the lease lapses and the retry gets in after it.
    await deps.store.release(source.id, id, leaseToken).catch((releaseError: unknown) => {
      deps.log.warn('release after failed enqueue failed; the lease will lapse', {
        source: source.id,
        id,
        cause: String(releaseError),
      });
    });
    // Too large for the queue with no claim check possible, or the claim check failed: said as such.
    if (cause instanceof PayloadTooLargeError || cause instanceof DependencyUnavailableError) throw cause;
    throw new DependencyUnavailableError('queue', { cause });
  }
  // The message is durable in the queue: the event is safe whatever happens next, so a failure to
  // record `enqueued` is logged, not returned (the processor accepts a `received` record too).
  await deps.store.markEnqueued(source.id, id, leaseToken, deps.clock()).catch((cause: unknown) => {
    deps.log.warn('could not mark enqueued; the processor will still claim it', {
      source: source.id,
      id,
      cause: String(cause),
    });
  });
  // DEBUG, not INFO: one line per accepted event is the largest log (and CloudWatch) cost of the
  // verifier; the API access log already records every request, and rejections stay at INFO.
  deps.log.debug('accepted', { source: source.id, id, type });
  return { status: 'accepted', id, acknowledge };
}

/**
 * The provider's event id, if any. One that cannot be used (too long, control characters, an integer
 * beyond 2^53) is replaced by a body hash, which still deduplicates identical retries but not a retry
 * whose body changed: so it is logged, naming the source and where the id was read, never the value.
 */
function providerEventId(source: PreparedSource, headers: Headers, parsed: unknown, log: Log): string | undefined {
  const warn: OnUnusable = (from, reason) =>
    log.warn('event id unusable; deduplicating on a hash of the body instead', {
      source: source.id,
      ...describeLocator(from),
      reason,
    });
  const located = locateFrom(source.eventId, headers, parsed, warn);
  const problem = located && eventIdProblem(located.value);
  if (located && problem) warn(located.from, problem);
  return located?.value;
}

function bodyText(request: IncomingWebhook): string {
  if (request.text !== undefined) return request.text;
  try {
    return utf8.decode(request.body);
  } catch {
    throw new InvalidBodyError('The body is not valid UTF-8.');
  }
}
