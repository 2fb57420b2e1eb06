/**
 * Processing: claim each queued event, run its handler, publish, and record the outcome.
 *
 * SQS delivers at least once; the claim (a conditional update) makes publishing effectively once:
 * a `completed` event is acknowledged without publishing, a live claim elsewhere is retried later.
 */
import { describe } from '../kernel/http';
import type { Log } from '../kernel/log';
import type { EventStore } from './ports';
import type { Clock, Topic } from '../kernel/ports';
import type { Router } from './routing';
import { eventAttributes } from '../../contract';
import type { ArchiveDeps } from '../archive/attempts';
import {
  archiveAttempts,
  readMessage,
  type Claimed,
  type HandlerFailed,
  type QueuedMessage,
  type Read,
} from './process-archive';
import { publishAll } from './publish';

export type { QueuedMessage } from './process-archive';
export { publishChunks } from './publish';

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
  /**
   * The archive: every attempt is written there before its message is acknowledged (one object per batch), and
   * published messages over SNS's limit are offloaded to it. @default none (nothing archived: tests and benches)
   */
  readonly archive?: ArchiveDeps;
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

export async function processBatch(messages: readonly QueuedMessage[], deps: ProcessDeps): Promise<BatchOutcome> {
  const failed: string[] = [];
  let skipped = 0;
  const claimed: Array<Claimed & { readonly read: Read }> = [];
  const handlerFailed: Array<HandlerFailed & { readonly read: Read }> = [];
  /** Completed by an earlier attempt whose archive write failed: archived now, then acknowledged. */
  const unarchived: Read[] = [];

  for (const message of messages) {
    const read = await readMessage(message, deps);
    if (!read) {
      failed.push(message.messageId);
      continue;
    }
    const outcome = await claimAndHandle(read, deps);
    if (outcome === 'retry') failed.push(message.messageId);
    else if (outcome === 'skip') skipped++;
    else if (outcome === 'unarchived') unarchived.push(read);
    else if ('failed' in outcome) handlerFailed.push({ ...outcome, read });
    else claimed.push({ ...outcome, read });
  }

  const toPublish = claimed.filter((c) => c.entry !== undefined);
  const publishFailed = await publishAll(
    toPublish.map((c) => c.entry!),
    deps,
  );

  // Every attempt is archived before its message is acknowledged: a crash before this point redelivers it.
  const archived = await archiveAttempts(claimed, handlerFailed, unarchived, publishFailed, deps);
  const archiveHolds = archived || deps.archive === undefined;

  let published = 0;
  let unrecorded = 0;
  // Concurrently: retries of one record's write must not use up the time the others need.
  await Promise.all([
    ...claimed.map(async (c) => {
      const { source, id } = c.envelope;
      if (c.entry && publishFailed.has(c.entry.id)) {
        failed.push(c.messageId);
        await deps.store
          .markFailed(source, id, c.leaseToken, 'publish failed', deps.clock(), archived)
          .catch(() => undefined);
        return;
      }
      if (c.entry) published++;
      // Published (or deliberately not): recorded `completed` even if the archive write failed, because a
      // redelivery must not publish again; it finds the event completed but not archived, and archives it.
      const recorded = await recordCompleted(source, id, c.leaseToken, archived, deps);
      if (recorded === 'unrecorded') unrecorded++;
      if (recorded === 'lost') deps.log.warn('claim lost before completion was recorded', { source, id });
      if (!archiveHolds) failed.push(c.messageId);
    }),
    ...handlerFailed.map(async (f) => {
      failed.push(f.read.message.messageId);
      // Recorded `failed` as soon as the handler threw (claimAndHandle); now only that the attempt is archived.
      if (archived)
        await deps.store.markArchived(f.read.envelope.source, f.read.envelope.id, deps.clock()).catch(() => undefined);
    }),
    ...unarchived.map(async (u) => {
      if (!archived) return void failed.push(u.message.messageId);
      skipped++;
      await deps.store.markArchived(u.envelope.source, u.envelope.id, deps.clock()).catch(() => undefined);
    }),
  ]);
  deps.log.info('batch processed', {
    received: messages.length,
    published,
    skipped,
    failed: failed.length,
    completionUnrecorded: unrecorded,
    ...(deps.archive && { archived }),
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
  archived: boolean,
  deps: ProcessDeps,
): Promise<'recorded' | 'lost' | 'unrecorded'> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delay = COMPLETION_RETRY_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await deps.store.markCompleted(source, id, leaseToken, deps.clock(), archived)) ? 'recorded' : 'lost';
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
  read: Read,
  deps: ProcessDeps,
): Promise<Claimed | HandlerFailed | 'skip' | 'unarchived' | 'retry'> {
  const { message, envelope } = read;
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
      if (deps.archive && claim.existing.archivedAt === undefined) return 'unarchived';
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
    // At once, as before the archive: a redelivery must find the claim given up, not a live lease.
    await deps.store.markFailed(source, id, leaseToken, error, deps.clock()).catch(() => undefined);
    return { failed: error, leaseToken };
  }
}
