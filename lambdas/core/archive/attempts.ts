/**
 * The processor's side of the archive: put a claim-checked payload back, turn each processing attempt into a row,
 * write a batch's rows as one object per day, and offload published messages too large for SNS.
 *
 * One object per processor batch (not per event) is what keeps the archive's cost per event low
 * (docs/decisions/0019-archive-batching.md); a row per attempt is what lets the archive answer "what failed".
 */
import { EXTENDED_PAYLOAD_SIZE_ATTRIBUTE, PAYLOAD_LIMITS } from '../../contract';
import type { Envelope } from '../inbound/envelope';
import { payloadTextOf, withPayload } from '../inbound/envelope';
import type { PublishEntry } from '../kernel/ports';
import { messageBytes } from './claim-check';
import { archivedHeaders, sha256Hex, type ArchiveContext } from './context';
import { extendedPointer } from './extended-pointer';
import { dayOf, eventsObjectKey, messageKey } from './layout';
import type { ObjectStore } from './ports';
import { encodeBody, encodeRows, type ArchiveRow, type ArchiveStatus } from './record';

export interface ArchiveDeps {
  readonly store: ObjectStore;
  /** The source's deny list: headers never archived besides Authorization and Cookie. */
  readonly denyHeaders: readonly string[];
  /** The source's signature scheme, recorded with each row. */
  readonly scheme?: string;
  /** A random suffix for object keys. */
  readonly newId: () => string;
}

/** The envelope text with a claim-checked payload put back; undefined when the object is missing or altered. */
export async function resolveClaimCheck(
  text: string,
  envelope: Omit<Envelope, 'payload'>,
  context: ArchiveContext,
  store: ObjectStore,
): Promise<string | undefined> {
  if (context.ref === undefined) return text;
  const bytes = await store.get(context.ref);
  if (!bytes || sha256Hex(bytes) !== context.sha) return undefined;
  return withPayload(text, envelope, Buffer.from(bytes).toString('utf8'));
}

export interface Attempt {
  readonly envelope: Envelope;
  /** The envelope text (a claim check's payload already put back). */
  readonly text: string;
  readonly context: ArchiveContext | undefined;
  readonly attempt: number;
  readonly status: ArchiveStatus;
  readonly error?: string;
}

/** The row of one attempt. The body comes from the context when it carries it, else from the envelope's text. */
export function attemptRow(a: Attempt, deps: Pick<ArchiveDeps, 'denyHeaders' | 'scheme'>, nowMs: number): ArchiveRow {
  const c = a.context;
  const headers = archivedHeaders(c?.h ?? a.envelope.headers, deps.denyHeaders);
  let body: Pick<ArchiveRow, 'body' | 'body_encoding' | 'body_ref' | 'body_sha256' | 'body_bytes'>;
  if (c?.ref !== undefined) {
    body = { body_ref: c.ref, body_sha256: c.sha, body_bytes: c.n };
  } else {
    const bytes =
      c?.b !== undefined
        ? Buffer.from(c.b, 'base64')
        : Buffer.from(payloadTextOf(a.text, a.envelope) ?? JSON.stringify(a.envelope.payload), 'utf8');
    body = { ...encodeBody(bytes), body_sha256: sha256Hex(bytes), body_bytes: bytes.byteLength };
  }
  return {
    id: a.envelope.id,
    type: a.envelope.type,
    received_at: new Date(Date.parse(a.envelope.receivedAt)).toISOString(),
    attempt: a.attempt,
    status: a.status,
    ...(a.error !== undefined && { error: a.error.slice(0, 500) }),
    ...(headers['content-type'] !== undefined && { content_type: headers['content-type'] }),
    ...(c?.u !== undefined && { url: c.u }),
    headers,
    ...body,
    ...(deps.scheme !== undefined && { scheme: deps.scheme }),
    secret_index: c?.s ?? -1,
    archived_at: new Date(nowMs).toISOString(),
  };
}

/** Writes one source's rows: one gzip JSON-lines object per day of receipt (nearly always one). */
export async function writeRows(
  source: string,
  rows: readonly ArchiveRow[],
  deps: Pick<ArchiveDeps, 'store' | 'newId'>,
  nowMs: number,
): Promise<void> {
  const byDay = new Map<string, ArchiveRow[]>();
  for (const row of rows) {
    const day = dayOf(Date.parse(row.received_at));
    byDay.set(day, [...(byDay.get(day) ?? []), row]);
  }
  await Promise.all(
    [...byDay].map(([day, dayRows]) =>
      deps.store.put(eventsObjectKey(source, day, nowMs, deps.newId()), encodeRows(dayRows), {
        contentType: 'application/x-ndjson',
        contentEncoding: 'gzip',
      }),
    ),
  );
}

/**
 * Entries over SNS's 256 KiB, stored in the archive and replaced by an extended-client pointer with the
 * `ExtendedPayloadSize` attribute. Entries that fit are returned unchanged.
 */
export async function offloadLarge(
  entries: readonly PublishEntry[],
  source: string,
  deps: Pick<ArchiveDeps, 'store' | 'newId'>,
  nowMs: number,
): Promise<PublishEntry[]> {
  return Promise.all(
    entries.map(async (entry) => {
      if (messageBytes(entry.message, entry.attributes) <= PAYLOAD_LIMITS.snsMessageBytes) return entry;
      const key = messageKey(source, dayOf(nowMs), entry.attributes.eventId ?? entry.id, deps.newId());
      await deps.store.put(key, Buffer.from(entry.message, 'utf8'), { contentType: 'application/json' });
      return {
        ...entry,
        message: extendedPointer(deps.store.bucket, key),
        attributes: {
          ...entry.attributes,
          [EXTENDED_PAYLOAD_SIZE_ATTRIBUTE]: String(Buffer.byteLength(entry.message)),
        },
      };
    }),
  );
}
