/**
 * Processing: claim each queued event, run its handler, publish, and record the outcome.
 *
 * SQS delivers at least once; the claim (a conditional update) makes publishing effectively once:
 * a `completed` event is acknowledged without publishing, a live claim elsewhere is retried later.
 */
import { describe } from '../kernel/http';
import { parseEnvelope, type Envelope } from './envelope';
import type { Log } from '../kernel/log';
import type { EventStore } from './ports';
import type { Clock, PublishEntry, Topic } from '../kernel/ports';
import type { Router } from './routing';
import { ANY_SOURCE, eventAttributes } from '../../contract';

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
}

export interface ProcessDeps {
  /** The source whose queue this processor drains, or ANY_SOURCE for the shared pipeline. */
  readonly sourceId: string;
  readonly store: EventStore;
  readonly topic: Topic;
  readonly router: Router;
  readonly clock: Clock;
  /** How long a processing claim lasts; must exceed the processor's timeout. */
  readonly leaseMs: number;
  readonly dedupeSeconds: number;
  readonly newToken: () => string;
  /** Milliseconds left before the invocation is killed. */
  readonly remainingMs: () => number;
  /**
   * Below this much remaining time nothing more is published: a publish the invocation could not
   * record as `completed` before dying would be repeated on redelivery.
   */
  readonly publishSafetyMs: number;
  readonly log: Log;
  /** Waits between attempts at the `completed` write. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface BatchOutcome {
  /** Message ids to report as `batchItemFailures`: only these are retried. */
  readonly failedMessageIds: readonly string[];
  readonly published: number;
  readonly skipped: number;
  /**
   * Events published (or consumed) whose `completed` write failed after every retry: acknowledged,
   * so never published twice, but their records stay `processing` and read as stale once the lease
   * ends (see `staleness`). Logged as `completionUnrecorded` on the batch line, to count and alarm on.
   */
  readonly unrecorded: number;
}

interface Claimed {
  readonly messageId: string;
  readonly envelope: Envelope;
  readonly leaseToken: string;
  readonly entry: PublishEntry | undefined;
}

/** SNS PublishBatch limits: 10 entries and 256 KiB of messages plus attributes per call. */
const SNS_BATCH_ENTRIES = 10;
const SNS_BATCH_BYTES = 256 * 1024;

/** Splits entries into PublishBatch calls that respect both the entry-count and the total-size limit. */
export function publishChunks(entries: readonly PublishEntry[]): PublishEntry[][] {
  const chunks: PublishEntry[][] = [];
  let current: PublishEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryBytes(entry);
    if (current.length > 0 && (current.length === SNS_BATCH_ENTRIES || bytes + size > SNS_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function entryBytes(entry: PublishEntry): number {
  // SNS counts each attribute's name, data type ("String") and value towards the message size.
  let size = Buffer.byteLength(entry.message);
  for (const [name, value] of Object.entries(entry.attributes))
    size += Buffer.byteLength(name) + 6 + Buffer.byteLength(value);
  return size;
}

export async function processBatch(messages: readonly QueuedMessage[], deps: ProcessDeps): Promise<BatchOutcome> {
  const failed: string[] = [];
  let skipped = 0;
  const claimed: Claimed[] = [];

  for (const message of messages) {
    const envelope = parseEnvelope(message.body);
    if (!envelope || (deps.sourceId !== ANY_SOURCE && envelope.source !== deps.sourceId)) {
      // Poison: fail only this record; after maxReceiveCount SQS moves it to the DLQ for inspection.
      deps.log.error('unparseable message', { messageId: message.messageId, bytes: message.body.length });
      failed.push(message.messageId);
      continue;
    }
    const outcome = await claimAndHandle(message, envelope, deps);
    if (outcome === 'skip') skipped++;
    else if (outcome === 'retry') failed.push(message.messageId);
    else claimed.push(outcome);
  }

  const toPublish = claimed.filter((c) => c.entry !== undefined);
  const publishFailed = new Set<string>();
  if (toPublish.length > 0 && deps.remainingMs() < deps.publishSafetyMs) {
    deps.log.warn('too little time left to publish safely; retrying later', { count: toPublish.length });
    for (const c of toPublish) publishFailed.add(c.entry!.id);
  } else {
    for (const chunk of publishChunks(toPublish.map((c) => c.entry!))) {
      try {
        for (const id of await deps.topic.publishBatch(chunk)) publishFailed.add(id);
      } catch (cause) {
        deps.log.error('publish failed', { cause: describe(cause), count: chunk.length });
        for (const entry of chunk) publishFailed.add(entry.id);
      }
    }
  }

  let published = 0;
  let unrecorded = 0;
  // Concurrently: retries of one record's write must not use up the time the others need.
  await Promise.all(
    claimed.map(async (c) => {
      const { source, id } = c.envelope;
      if (c.entry && publishFailed.has(c.entry.id)) {
        failed.push(c.messageId);
        await deps.store.markFailed(source, id, c.leaseToken, 'publish failed', deps.clock()).catch(() => undefined);
        return;
      }
      if (c.entry) published++;
      // Published (or deliberately not): acknowledge even if recording `completed` fails, because a
      // redelivery would publish again.
      const recorded = await recordCompleted(source, id, c.leaseToken, deps);
      if (recorded === 'unrecorded') unrecorded++;
      if (recorded === 'lost') deps.log.warn('claim lost before completion was recorded', { source, id });
    }),
  );
  deps.log.info('batch processed', {
    received: messages.length,
    published,
    skipped,
    failed: failed.length,
    completionUnrecorded: unrecorded,
  });
  return { failedMessageIds: failed, published, skipped, unrecorded };
}

/** The first wait before retrying the `completed` write; it doubles up to the cap. */
const COMPLETION_RETRY_FIRST_MS = 50;
const COMPLETION_RETRY_CAP_MS = 1000;
/** Kept back for returning the batch response: no retry starts that would run into it. */
const COMPLETION_RETRY_RESERVE_MS = 500;

/**
 * Records `completed`, retrying a failed write with backoff for as long as the invocation has time.
 * A refused write (the claim was lost) is not retried. When every attempt fails, the record stays
 * `processing`; readers derive that it is stale from its lapsed lease (docs/decisions/0006).
 */
async function recordCompleted(
  source: string,
  id: string,
  leaseToken: string,
  deps: ProcessDeps,
): Promise<'recorded' | 'lost' | 'unrecorded'> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delay = COMPLETION_RETRY_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await deps.store.markCompleted(source, id, leaseToken, deps.clock())) ? 'recorded' : 'lost';
    } catch (cause) {
      if (deps.remainingMs() - delay < COMPLETION_RETRY_RESERVE_MS) {
        deps.log.error('published but could not record completion; the record will read as stale', {
          source,
          id,
          attempts: attempt,
          cause: describe(cause),
        });
        return 'unrecorded';
      }
      await sleep(delay);
      delay = Math.min(delay * 2, COMPLETION_RETRY_CAP_MS);
    }
  }
}

async function claimAndHandle(
  message: QueuedMessage,
  envelope: Envelope,
  deps: ProcessDeps,
): Promise<Claimed | 'skip' | 'retry'> {
  const { source, id, type } = envelope;
  const nowMs = deps.clock();
  const leaseToken = deps.newToken();
  let claim;
  try {
    claim = await deps.store.tryClaimProcessing({
      source,
      eventId: id,
      type,
      receivedAt: Date.parse(envelope.receivedAt),
      leaseToken,
      leaseUntil: nowMs + deps.leaseMs,
      expiresAt: Math.floor(nowMs / 1000) + deps.dedupeSeconds,
      nowMs,
    });
  } catch (cause) {
    deps.log.error('claim failed', { source, id, cause: describe(cause) });
    return 'retry';
  }
  if (!claim.claimed) {
    if (claim.existing?.status === 'completed') {
      deps.log.info('already completed; skipping redelivery', { source, id });
      return 'skip';
    }
    deps.log.info('claimed elsewhere; retrying later', { source, id, status: claim.existing?.status });
    return 'retry';
  }

  try {
    const result = await deps.router(source, type)(envelope, message.body);
    if (!result.publish) return { messageId: message.messageId, envelope, leaseToken, entry: undefined };
    return {
      messageId: message.messageId,
      envelope,
      leaseToken,
      entry: {
        id: message.messageId,
        message: result.message,
        attributes: { ...result.attributes, ...eventAttributes(source, type, id, envelope.tenant) },
      },
    };
  } catch (cause) {
    const error = describe(cause) ?? 'handler failed';
    deps.log.error('handler failed', { source, id, type, cause: error });
    await deps.store.markFailed(source, id, leaseToken, error, deps.clock()).catch(() => undefined);
    return 'retry';
  }
}
