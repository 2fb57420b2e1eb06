/**
 * Where archived things live in the archive bucket (deployed) or the archive directory (local): one layout,
 * read by the adapters, the stack's lifecycle rules and Glue table, and the CLI's embedded query engine.
 *
 *   events/source=<source>/day=<yyyy-mm-dd>/<archived at>-<random>.json.gz   one object per processor batch and day:
 *                                                                              gzip JSON lines, one row per attempt
 *   payloads/source=<source>/day=<yyyy-mm-dd>/<sha256>                       a body too large for the queue (claim check)
 *   messages/source=<source>/day=<yyyy-mm-dd>/<event id hash>-<random>.json  a published message over SNS's limit
 *
 * `source` and `day` (of the time the event was received, UTC) are Hive-style partitions: Athena's partition
 * projection and DuckDB's `hive_partitioning` both read them from the key, and lifecycle rules expire a source's
 * prefixes after its retention.
 */
import { createHash } from 'node:crypto';

export const ARCHIVE_PREFIXES = { events: 'events/', payloads: 'payloads/', messages: 'messages/' } as const;
export type ArchiveKind = keyof typeof ARCHIVE_PREFIXES;

/** The Glue database's table and the embedded engine's view: `SELECT … FROM events`. */
export const ARCHIVE_TABLE = 'events';

/**
 * The columns of an archived row, in order, with their Athena (Hive) types: the Glue table and the local DuckDB
 * view are both built from this list, so a query written against one is valid on the other. `source` and `day`
 * are the partitions, not columns.
 */
export const ARCHIVE_COLUMNS = [
  ['id', 'string'],
  ['type', 'string'],
  /** ISO 8601 (UTC, milliseconds): compares as text in both engines. */
  ['received_at', 'string'],
  /** The processing attempt this row records (1 for the first), and its outcome. */
  ['attempt', 'int'],
  ['status', 'string'],
  ['error', 'string'],
  ['content_type', 'string'],
  /** The URL the request was sent to (some schemes sign it). */
  ['url', 'string'],
  /** The request headers, names lower-cased, minus Authorization, Cookie and the source's deny list. */
  ['headers', 'map<string,string>'],
  /** The exact body: UTF-8 text, or base64 when the bytes are not text that survives a round trip. */
  ['body', 'string'],
  ['body_encoding', 'string'],
  /** Instead of `body`, the key of the payload object (claim check) for a body too large to inline. */
  ['body_ref', 'string'],
  ['body_sha256', 'string'],
  ['body_bytes', 'bigint'],
  ['scheme', 'string'],
  /** Which secret verified the signature on receipt: 0 the current one, 1 the previous one. */
  ['secret_index', 'int'],
  ['archived_at', 'string'],
] as const;

export const ARCHIVE_PARTITIONS = ['source', 'day'] as const;

/** `2026-12-01` for an epoch-ms time (UTC). */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** `events/source=stripe/day=2026-12-01/`: the prefix of one partition. */
export function partitionPrefix(kind: ArchiveKind, source: string, day: string): string {
  return `${ARCHIVE_PREFIXES[kind]}source=${source}/day=${day}/`;
}

/** The prefix of every partition of a source (what lifecycle rules expire). */
export function sourcePrefix(kind: ArchiveKind, source: string): string {
  return `${ARCHIVE_PREFIXES[kind]}source=${source}/`;
}

/** The key of one batch object: sortable by archive time within its partition. */
export function eventsObjectKey(source: string, day: string, archivedAtMs: number, random: string): string {
  const stamp = new Date(archivedAtMs).toISOString().replace(/[-:.]/g, '');
  return `${partitionPrefix('events', source, day)}${stamp}-${random}.json.gz`;
}

/** The claim-check key: content-addressed, so a retried request writes the same object. */
export function payloadKey(source: string, day: string, sha256: string): string {
  return `${partitionPrefix('payloads', source, day)}${sha256}`;
}

/** The key a large published message is offloaded to. */
export function messageKey(source: string, day: string, eventId: string, random: string): string {
  const hash = createHash('sha256').update(eventId).digest('hex').slice(0, 32);
  return `${partitionPrefix('messages', source, day)}${hash}-${random}.json`;
}

/** Every day from `sinceMs` to `untilMs` (exclusive), UTC: the partitions a time window reads. */
export function daysBetween(sinceMs: number, untilMs: number): string[] {
  const days: string[] = [];
  const start = Date.parse(`${dayOf(sinceMs)}T00:00:00.000Z`);
  for (let t = start; t < untilMs; t += 86_400_000) days.push(dayOf(t));
  return days;
}
