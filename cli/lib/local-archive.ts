/**
 * The local archive as the CLI reads it: `<data dir>/archive`, the deployed bucket's layout (lambdas/core/archive/
 * layout.ts). Read straight from disk, so it works whether or not `npm start` is running.
 */
import { join } from 'node:path';
import { ARCHIVE_PREFIXES, dayOf, partitionPrefix } from '../../lambdas/core/archive/layout';
import { decodeRows, rowBodyBytes, type ArchiveRow } from '../../lambdas/core/archive/record';
import { FileObjectStore } from '../../local/object-store';

export function localArchive(dataDir: string): FileObjectStore {
  return new FileObjectStore(join(dataDir, 'archive'));
}

/**
 * Every archived attempt of one event, oldest first. With `receivedAt` (from its record) only that day's partition
 * is read; without it (the record has expired) every day of the source.
 */
export async function archivedRows(
  archive: FileObjectStore,
  source: string,
  id: string,
  receivedAt?: number,
): Promise<ArchiveRow[]> {
  const prefix =
    receivedAt === undefined
      ? `${ARCHIVE_PREFIXES.events}source=${source}/`
      : partitionPrefix('events', source, dayOf(receivedAt));
  const rows: ArchiveRow[] = [];
  for (const key of await archive.list(prefix)) {
    const object = await archive.get(key);
    if (object) rows.push(...decodeRows(object).rows.filter((r) => r.id === id));
  }
  return rows.sort((a, b) => a.archived_at.localeCompare(b.archived_at) || a.attempt - b.attempt);
}

/** The exact bytes the provider sent, inline or from the claim-check object. */
export async function bodyOf(archive: FileObjectStore, row: ArchiveRow): Promise<Uint8Array | undefined> {
  return row.body_ref !== undefined ? archive.get(row.body_ref) : rowBodyBytes(row);
}

/** Headers whose values are credentials or signatures: shown redacted by `events show --headers`. */
const SECRET_BEARING = /signature|token|secret|auth|api-key|apikey|hmac|x-hub|cookie/i;

export function redactedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, SECRET_BEARING.test(k) ? `[redacted, ${v.length} chars]` : v]),
  );
}
