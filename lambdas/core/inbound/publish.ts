/**
 * Publishing a batch's events: large messages offloaded to the archive first, then PublishBatch calls that respect
 * SNS's limits. Returns the ids of the entries that failed, so only those are retried.
 */
import { describe } from '../kernel/http';
import type { Log } from '../kernel/log';
import type { Clock, PublishEntry, Topic } from '../kernel/ports';
import { offloadLarge, type ArchiveDeps } from '../archive/attempts';

export interface PublishDeps {
  readonly sourceId: string;
  readonly topic: Topic;
  readonly clock: Clock;
  readonly remainingMs: () => number;
  readonly publishSafetyMs: number;
  readonly log: Log;
  readonly archive?: ArchiveDeps;
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

/** Publishes the entries (large ones offloaded to the archive first); returns the ids that failed. */
export async function publishAll(entries: PublishEntry[], deps: PublishDeps): Promise<Set<string>> {
  const publishFailed = new Set<string>();
  if (entries.length === 0) return publishFailed;
  if (deps.remainingMs() < deps.publishSafetyMs) {
    deps.log.warn('too little time left to publish safely; retrying later', { count: entries.length });
    for (const e of entries) publishFailed.add(e.id);
    return publishFailed;
  }
  let ready = entries;
  if (deps.archive) {
    try {
      ready = await offloadLarge(entries, deps.sourceId, deps.archive, deps.clock());
    } catch (cause) {
      deps.log.error('offloading a large message failed', { cause: describe(cause), count: entries.length });
      for (const e of entries) publishFailed.add(e.id);
      return publishFailed;
    }
  }
  for (const chunk of publishChunks(ready)) {
    try {
      for (const id of await deps.topic.publishBatch(chunk)) publishFailed.add(id);
    } catch (cause) {
      deps.log.error('publish failed', { cause: describe(cause), count: chunk.length });
      for (const entry of chunk) publishFailed.add(entry.id);
    }
  }
  return publishFailed;
}
