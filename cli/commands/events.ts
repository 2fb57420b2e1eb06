/**
 * `events list` and `events show`: read the local event records (the DynamoDB table of the local
 * stack), through the running `npm start` or straight from `.local-data/` when it is stopped.
 */
import { parseArgs } from 'node:util';
import type { EventRecord, EventStatus } from '../../lambdas/core/inbound/ports';
import { scanEvents } from '../../local/dynamo';
import { UsageError, type CliIo, type Command } from '../command';
import { dataDirFrom, openLocalStore } from '../lib/local-stack';
import { formatResult, queryLocalArchive } from '../lib/archive-query';
import { queryAthena } from '../lib/athena-query';
import { showReplay, startReplay } from '../lib/archive-replay';
import { show, withStaleness, type Shown } from '../lib/event-show';
import { typeSelected } from '../../lambdas/core/archive/replay-request';

const USAGE = `Usage:
  npm run cli -- events list [--source S] [--type T] [--status S] [--since T1] [--until T2] [--limit N] [--cursor C] [--json]
  npm run cli -- events show <source> <id> [--payload] [--headers] [--json]
  npm run cli -- events query "<SQL>" [--athena --workgroup W --database D]
  npm run cli -- events replay --source S --since T1 [--until T2] [--type T…] [--subscription ID] [--rate N/s] [--dry-run] [--trust-archive] [--no-wait]
  npm run cli -- events redrive --source S --since T1 [--until T2] [--type T…]
  npm run cli -- events replays show <replay-id> [--wait] [--json]

list and show read the local event records (one per event: status, type, attempts, times); show --payload prints
the exact bytes the provider sent and --headers the request headers (secret-bearing ones redacted), from the archive.
query runs SQL over the archive (table "events", partitions source and day; DuckDB locally, Athena with --athena).
replay republishes archived events, each verified again, marked with the replayId attribute; redrive sends archived
events whose processing failed back to their queue. Both are jobs in the running stack (docs/archive.md).
Times are ISO 8601 (2026-12-01 or 2026-12-01T10:00:00Z).
Statuses: received, enqueued, processing, completed, failed; and stale: a processing record whose
lease has ended without completion recorded (shown as "processing (stale)", with the reason).

Options:
  --source S      only this source
  --type T        only this type (a prefix ending in * too)
  --status S      only this status
  --since/--until only events received in this window
  --limit N       at most N records a page, newest first (default 20 on a terminal; piped: all)
  --cursor C      the page after the one that printed this cursor
  --json          JSON output
  --data-dir DIR  the local stack's data directory (default .local-data)`;

const STATUSES: readonly EventStatus[] = ['received', 'enqueued', 'processing', 'completed', 'failed'];
/** `--status` also takes `stale`, which is derived, not stored. */
const FILTERS: readonly string[] = [...STATUSES, 'stale'];

export const command: Command = {
  name: 'events',
  summary: 'Event records and the archive: list, show (--payload), query (SQL), replay, redrive',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'show') return show(rest, io);
    if (sub === 'query') return query(rest, io);
    if (sub === 'replay') return startReplay(rest, io, 'publish');
    if (sub === 'redrive') return startReplay(rest, io, 'redrive');
    if (sub === 'replays') return showReplay(rest, io);
    throw new UsageError(
      sub === undefined ? 'events: list, show, query, replay, redrive or replays?' : `Unknown subcommand "${sub}"`,
    );
  },
};

async function list(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      source: { type: 'string' },
      type: { type: 'string' },
      status: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}`);
  const sinceMs = timeOption(values.since, 'since') ?? Number.NEGATIVE_INFINITY;
  const untilMs = timeOption(values.until, 'until') ?? Number.POSITIVE_INFINITY;
  const after = values.cursor === undefined ? undefined : decodeCursor(values.cursor);
  if (values.status !== undefined && !FILTERS.includes(values.status)) {
    throw new UsageError(`--status must be one of ${FILTERS.join(', ')}`);
  }
  const limit = values.limit === undefined ? (io.interactive ? 20 : 0) : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a whole number');

  const access = await openLocalStore(dataDirFrom(values['data-dir']));
  let records: Shown[];
  try {
    const nowMs = Date.now();
    records = (await scanEvents(access.client, access.tableName)).map((r) => withStaleness(r, nowMs));
  } finally {
    await access.close();
  }
  const matchesStatus = (r: Shown) =>
    values.status === undefined || (values.status === 'stale' ? r.stale === true : r.status === values.status);
  const matching = records
    .filter(
      (r) =>
        (values.source === undefined || r.source === values.source) &&
        (values.type === undefined || typeSelected([values.type], r.type)) &&
        r.receivedAt >= sinceMs &&
        r.receivedAt < untilMs &&
        matchesStatus(r),
    )
    .sort((a, b) => b.receivedAt - a.receivedAt || a.eventId.localeCompare(b.eventId));
  const from = after === undefined ? 0 : matching.findIndex((r) => isAfter(r, after));
  const page = from < 0 ? [] : matching.slice(from);
  const shown = limit === 0 ? page : page.slice(0, limit);
  const next = shown.length < page.length ? encodeCursor(shown[shown.length - 1]!) : undefined;

  if (values.json) {
    io.out(JSON.stringify(shown, null, 2));
    if (next) io.err(`More: --cursor ${next}`);
    return 0;
  }
  if (shown.length === 0) {
    io.out(records.length === 0 ? 'No events yet. Send one: npm run cli -- send stripe' : 'No events match.');
    return 0;
  }
  const rows = [
    ['RECEIVED', 'SOURCE', 'TYPE', 'STATUS', 'ATTEMPTS', 'LATENCY', 'ID'],
    ...shown.map((r) => [
      localTime(r.receivedAt),
      r.source,
      truncate(r.type, 32),
      r.stale ? `${r.status} (stale)` : r.status,
      String(r.attempts),
      r.processedAt !== undefined ? `${r.processedAt - r.receivedAt} ms` : '',
      r.eventId,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows)
    io.out(row.map((cell, c) => (c === rows[0]!.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
  const byStatus = STATUSES.map((s) => [s, matching.filter((r) => r.status === s).length] as const).filter(
    ([, n]) => n > 0,
  );
  const stale = matching.filter((r) => r.stale).length;
  io.out('');
  io.out(
    `${shown.length} of ${matching.length} shown${next ? ` (next page: --cursor ${next})` : ''}; ${byStatus.map(([s, n]) => `${n} ${s}`).join(', ')}${stale > 0 ? ` (${stale} stale)` : ''}.`,
  );
  if (stale > 0)
    io.out(`Stale: no one is processing them; see the reason with: npm run cli -- events show <source> <id>`);
  return 0;
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `--since 2026-12-01` → epoch ms. */
function timeOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} is not a time: use ISO 8601, e.g. 2026-12-01T00:00:00Z`);
  return ms;
}

/** A page cursor: the last record shown, as `receivedAt.eventId` in base64url. */
function encodeCursor(r: EventRecord): string {
  return Buffer.from(JSON.stringify([r.receivedAt, r.eventId])).toString('base64url');
}

function decodeCursor(cursor: string): readonly [number, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [number, string];
    if (typeof at === 'number' && typeof id === 'string') return [at, id];
  } catch {
    // reported below
  }
  throw new UsageError('--cursor is not one this command printed');
}

/** Whether `r` comes after the cursor in the listing's order (newest first, then by id). */
function isAfter(r: EventRecord, [at, id]: readonly [number, string]): boolean {
  return r.receivedAt < at || (r.receivedAt === at && r.eventId.localeCompare(id) > 0);
}

async function query(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      athena: { type: 'boolean' },
      workgroup: { type: 'string' },
      database: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    allowPositionals: true,
  });
  const [sql, ...extra] = positionals;
  if (sql === undefined || extra.length > 0) throw new UsageError('events query takes one SQL statement, quoted');
  if (values.athena && (values.workgroup === undefined || values.database === undefined))
    throw new UsageError(
      '--athena needs --workgroup and --database (the stack outputs ArchiveWorkGroup, ArchiveDatabase)',
    );
  const result = values.athena
    ? await queryAthena(sql, { workGroup: values.workgroup!, database: values.database! })
    : await queryLocalArchive(dataDirFrom(values['data-dir']), sql);
  for (const line of formatResult(result, io.interactive)) io.out(line);
  return 0;
}
