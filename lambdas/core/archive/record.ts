/** What the archive keeps of one processing attempt of one accepted request: a row, and the objects rows live in. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ARCHIVE_COLUMNS } from './layout';

export type ArchiveStatus = 'completed' | 'failed' | 'consumed';

/** One row of an events object: one processing attempt of one event (the columns of ARCHIVE_COLUMNS). */
export interface ArchiveRow {
  readonly id: string;
  readonly type: string;
  readonly received_at: string;
  readonly attempt: number;
  readonly status: ArchiveStatus;
  readonly error?: string;
  readonly content_type?: string;
  readonly url?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly body_encoding?: 'utf8' | 'base64';
  readonly body_ref?: string;
  readonly body_sha256: string;
  readonly body_bytes: number;
  readonly scheme?: string;
  readonly secret_index: number;
  readonly archived_at: string;
}

/** The body as a row stores it: text when the bytes are exactly that text's UTF-8, else base64. */
export function encodeBody(bytes: Uint8Array): { body: string; body_encoding: 'utf8' | 'base64' } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes)
    ? { body: text, body_encoding: 'utf8' }
    : { body: Buffer.from(bytes).toString('base64'), body_encoding: 'base64' };
}

/** The exact bytes of an inline row body (a `body_ref` row's bytes are read from its payload object). */
export function rowBodyBytes(row: Pick<ArchiveRow, 'body' | 'body_encoding'>): Uint8Array | undefined {
  if (row.body === undefined) return undefined;
  return Buffer.from(row.body, row.body_encoding === 'base64' ? 'base64' : 'utf8');
}

/** One events object: the rows as JSON lines, gzipped. */
export function encodeRows(rows: readonly ArchiveRow[]): Uint8Array {
  return gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Reads an events object back; a line that is not a row is reported, not thrown (one bad line spoils nothing else). */
export function decodeRows(object: Uint8Array): { rows: ArchiveRow[]; unreadable: number } {
  const rows: ArchiveRow[] = [];
  let unreadable = 0;
  let text: string;
  try {
    text = gunzipSync(object).toString('utf8');
  } catch {
    return { rows, unreadable: 1 };
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const row = JSON.parse(line) as ArchiveRow;
      if (typeof row.id === 'string' && typeof row.received_at === 'string') rows.push(row);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { rows, unreadable };
}

/** The column names, for the readers that want them in order. */
export const ARCHIVE_COLUMN_NAMES: readonly string[] = ARCHIVE_COLUMNS.map(([name]) => name);
