/**
 * The processor's reading and archiving of a batch: each message's envelope with a claim-checked payload put back,
 * and one archive row per attempt, written before any message of the batch is acknowledged.
 */
import { ANY_SOURCE, ARCHIVE_CONTEXT_ATTRIBUTE } from '../../contract';
import { attemptRow, resolveClaimCheck, writeRows, type ArchiveDeps, type Attempt } from '../archive/attempts';
import { parseArchiveContext, type ArchiveContext } from '../archive/context';
import type { ArchiveStatus } from '../archive/record';
import { describe } from '../kernel/http';
import type { Log } from '../kernel/log';
import type { Clock, PublishEntry } from '../kernel/ports';
import { parseEnvelope, type Envelope } from './envelope';

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  /** The message's String attributes (the `archive` context among them). */
  readonly attributes?: Readonly<Record<string, string>>;
  /** SQS's ApproximateReceiveCount: the attempt an archived row records. @default 1 */
  readonly receiveCount?: number;
}

export interface BatchArchiveDeps {
  readonly sourceId: string;
  readonly clock: Clock;
  readonly log: Log;
  readonly archive?: ArchiveDeps;
}

export interface Claimed {
  readonly messageId: string;
  readonly envelope: Envelope;
  readonly leaseToken: string;
  readonly entry: PublishEntry | undefined;
}

/** A message as the batch saw it: its envelope, full text and archive context. */
export interface Read {
  readonly message: QueuedMessage;
  readonly envelope: Envelope;
  readonly text: string;
  readonly context: ArchiveContext | undefined;
}

/** The handler threw: recorded `failed` once the attempt is archived. */
export interface HandlerFailed {
  readonly failed: string;
  readonly leaseToken: string;
}

/** Parses the envelope and puts a claim-checked payload back; undefined (retried, then dead-lettered) when it cannot. */
export async function readMessage(message: QueuedMessage, deps: BatchArchiveDeps): Promise<Read | undefined> {
  const envelope = parseEnvelope(message.body);
  if (!envelope || (deps.sourceId !== ANY_SOURCE && envelope.source !== deps.sourceId)) {
    // Poison: fail only this record; after maxReceiveCount SQS moves it to the DLQ for inspection.
    deps.log.error('unparseable message', { messageId: message.messageId, bytes: message.body.length });
    return undefined;
  }
  const context = parseArchiveContext(message.attributes?.[ARCHIVE_CONTEXT_ATTRIBUTE]);
  if (context?.ref === undefined) return { message, envelope, text: message.body, context };
  const text =
    deps.archive &&
    (await resolveClaimCheck(message.body, envelope, context, deps.archive.store).catch((cause: unknown) => {
      deps.log.error('claim check unreadable', { id: envelope.id, cause: describe(cause) });
      return undefined;
    }));
  const full = text === undefined ? undefined : parseEnvelope(text);
  if (text === undefined || !full) {
    deps.log.error('claim-checked payload missing or altered', { source: envelope.source, id: envelope.id });
    return undefined;
  }
  return { message: { ...message, body: text }, envelope: full, text, context };
}

/** Writes one row per attempt of this batch; false when the write failed (nothing is acknowledged then). */
export async function archiveAttempts(
  claimed: ReadonlyArray<Claimed & { readonly read: Read }>,
  handlerFailed: ReadonlyArray<HandlerFailed & { readonly read: Read }>,
  unarchived: readonly Read[],
  publishFailed: ReadonlySet<string>,
  deps: BatchArchiveDeps,
): Promise<boolean> {
  const archive = deps.archive;
  if (!archive) return false;
  const attempt = (read: Read, status: ArchiveStatus, error?: string): Attempt => ({
    envelope: read.envelope,
    text: read.text,
    context: read.context,
    attempt: read.message.receiveCount ?? 1,
    status,
    ...(error !== undefined && { error }),
  });
  const attempts = [
    ...claimed.map((c) =>
      !c.entry
        ? attempt(c.read, 'consumed')
        : publishFailed.has(c.entry.id)
          ? attempt(c.read, 'failed', 'publish failed')
          : attempt(c.read, 'completed'),
    ),
    ...handlerFailed.map((f) => attempt(f.read, 'failed', f.failed)),
    ...unarchived.map((u) => attempt(u, 'completed')),
  ];
  if (attempts.length === 0) return true;
  const nowMs = deps.clock();
  // One source's rows under its own partition: the shared pipeline's batch mixes sources.
  const bySource = new Map<string, Attempt[]>();
  for (const a of attempts) bySource.set(a.envelope.source, [...(bySource.get(a.envelope.source) ?? []), a]);
  try {
    for (const [source, rows] of bySource)
      await writeRows(
        source,
        rows.map((a) => attemptRow(a, archive, nowMs)),
        archive,
        nowMs,
      );
    return true;
  } catch (cause) {
    deps.log.error('archive write failed; the batch is retried', { cause: describe(cause), count: attempts.length });
    return false;
  }
}
