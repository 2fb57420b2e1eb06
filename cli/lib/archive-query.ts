/**
 * `events query`: SQL over the archive. Locally with DuckDB (the `@duckdb/node-api` package, embedded), over
 * `<data dir>/archive/events/**` as a view named `events` with the same columns (lambdas/core/archive/layout.ts) and
 * the same string partitions `source` and `day` as the Glue table Athena reads, so a query written locally runs
 * unchanged on Athena (`--athena`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE_COLUMNS, ARCHIVE_PREFIXES, ARCHIVE_TABLE } from '../../lambdas/core/archive/layout';

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

/** Athena (Hive) types as DuckDB types. */
function duckType(hive: string): string {
  if (hive === 'map<string,string>') return 'MAP(VARCHAR, VARCHAR)';
  return { string: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT' }[hive] ?? 'VARCHAR';
}

/** Runs `sql` against the local archive under `dataDir`. */
export async function queryLocalArchive(dataDir: string, sql: string): Promise<QueryResult> {
  const root = join(dataDir, 'archive', ARCHIVE_PREFIXES.events);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const columns = ARCHIVE_COLUMNS.map(([name, type]) => `'${name}': '${duckType(type)}'`).join(', ');
    const source = existsSync(root)
      ? `read_json('${join(root, '**', '*.json.gz').replaceAll("'", "''")}', format = 'newline_delimited', ` +
        `columns = {${columns}}, hive_partitioning = true, hive_types = {'source': VARCHAR, 'day': VARCHAR})`
      : // No archive yet: an empty table of the same shape, so a query still runs (and finds nothing).
        `(SELECT ${ARCHIVE_COLUMNS.map(([name, type]) => `NULL::${duckType(type)} AS "${name}"`).join(', ')}, ` +
        `NULL::VARCHAR AS source, NULL::VARCHAR AS day WHERE false)`;
    await connection.run(`CREATE VIEW ${ARCHIVE_TABLE} AS SELECT * FROM ${source}`);
    const reader = await connection.runAndReadAll(sql);
    const rows = reader
      .getRowsJson()
      .map((row) => row.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))));
    return { columns: reader.columnNames(), rows };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** A table for the terminal, or tab-separated lines when piped. */
export function formatResult(result: QueryResult, table: boolean): string[] {
  const cells = [result.columns, ...result.rows.map((r) => r.map((v) => v ?? ''))];
  if (!table) return cells.map((r) => r.join('\t'));
  const widths = result.columns.map((_, c) => Math.max(...cells.map((r) => String(r[c]).length)));
  return cells.map((r) =>
    r
      .map((v, c) => String(v).padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}
