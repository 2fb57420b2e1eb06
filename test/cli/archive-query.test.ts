/**
 * `events query` on the local archive (DuckDB), with the table Athena has: the stack's named queries and the
 * documented query shapes run unchanged, counting events (not attempts) by type, with `source` and `day` read from
 * the partition path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryLocalArchive } from '../../cli/lib/archive-query';
import { writeRows } from '../../lambdas/core/archive/attempts';
import type { ArchiveRow } from '../../lambdas/core/archive/record';
import { namedQueries } from '../../lib/constructs/archive-queries';
import { FileObjectStore } from '../../local/object-store';

let dir: string;
const row = (id: string, type: string, status: ArchiveRow['status'], attempt = 1, day = '2026-12-01'): ArchiveRow => ({
  id,
  type,
  received_at: `${day}T10:00:00.000Z`,
  attempt,
  status,
  ...(status === 'failed' && { error: 'Error: boom' }),
  headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=ab' },
  body: `{"id":"${id}"}`,
  body_encoding: 'utf8',
  body_sha256: 'x',
  body_bytes: 10,
  secret_index: 0,
  archived_at: `${day}T10:00:0${attempt}.000Z`,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'archive-query-'));
  const store = new FileObjectStore(join(dir, 'archive'));
  let n = 0;
  const put = (source: string, rows: ArchiveRow[]) =>
    writeRows(source, rows, { store, newId: () => `b${n++}` }, Date.now());
  await put('stripe', [row('evt_1', 'invoice.paid', 'completed'), row('evt_2', 'invoice.paid', 'failed')]);
  await put('stripe', [row('evt_2', 'invoice.paid', 'failed', 2), row('evt_3', 'charge.refunded', 'completed')]);
  await put('stripe', [row('evt_4', 'invoice.paid', 'completed', 1, '2026-12-02')]);
  await put('github', [row('gh_1', 'push', 'completed')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('events query (local, DuckDB)', () => {
  it('counts events by type for one source and a range of days, reading the partitions from the path', async () => {
    const result = await queryLocalArchive(
      dir,
      "SELECT type, count(DISTINCT id) AS n FROM events WHERE source = 'stripe' AND day >= '2026-12-01' GROUP BY 1 ORDER BY 1",
    );
    expect(result.columns).toEqual(['type', 'n']);
    expect(result.rows).toEqual([
      ['charge.refunded', '1'],
      ['invoice.paid', '3'],
    ]);
  });

  it("runs the stack's named queries unchanged (events by type, by id, failed in a window)", async () => {
    const queries = namedQueries('stripe');
    expect((await queryLocalArchive(dir, queries['events-by-type']!.sql)).rows).toEqual([
      ['invoice.paid', '3'],
      ['charge.refunded', '1'],
    ]);
    expect((await queryLocalArchive(dir, queries['event-by-id']!.sql.replace('evt_123', 'evt_2'))).rows).toHaveLength(
      2,
    );
    const failed = await queryLocalArchive(dir, queries['failed-in-window']!.sql);
    expect(failed.rows.map((r) => [r[0], r[3]])).toEqual([['evt_2', 'Error: boom']]);
  });

  it('reads a header from the headers map as Athena does', async () => {
    const result = await queryLocalArchive(
      dir,
      "SELECT headers['stripe-signature'] AS sig FROM events WHERE source = 'github'",
    );
    expect(result.rows).toEqual([['t=1,v1=ab']]);
  });

  it('answers an empty result, not an error, before anything is archived', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'archive-empty-'));
    try {
      expect((await queryLocalArchive(empty, 'SELECT count(*) AS n FROM events')).rows).toEqual([['0']]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
