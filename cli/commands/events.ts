/**
 * `events list` and `events show`: read the local event records (the DynamoDB table of the local
 * stack), through the running `npm start` or straight from `.local-data/` when it is stopped, or with `--stack` the
 * deployed events table (cli/lib/deployed-events.ts); `events query`, `replay`, `redrive` and `replays show`: the
 * archive (#19, docs/archive.md).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventRecord, EventStatus } from '../../lambdas/core/inbound/ports';
import { OUTPUTS } from '../../lib/stack-outputs';
import { typeSelected } from '../../lambdas/core/archive/replay-request';
import { scanDeployedEvents } from '../../lambdas/adapters/dynamo-event-scan';
import { deployedStack, STACK_FLAGS, STACK_USAGE } from '../lib/deployed-stack';
import { scanEvents } from '../../local/dynamo';
import { UsageError, type CliIo, type Command } from '../command';
import { formatResult, queryLocalArchive } from '../lib/archive-query';
import { REPLAY_FLAGS, showReplay, startReplay } from '../lib/archive-replay';
import { queryAthena } from '../lib/athena-query';
import { show } from '../lib/event-show';
import { eventView, shownStatus, type EventView } from '../lib/event-view';
import { parseFlags } from '../lib/flags';
import { DATA_DIR_USAGE, dataDirFrom, openLocalStore } from '../lib/local-stack';
import { printJson, table } from '../lib/output';

const DEFAULT_LIMIT = 20;

const USAGE = `Usage:
  npm run cli -- events list [--source S] [--type T] [--status S] [--since T1] [--until T2] [--limit N] [--cursor C] [--stack NAME [--region R]] [--json]
  npm run cli -- events show <source> <id> [--payload] [--headers] [--stack NAME [--region R]] [--json]
  npm run cli -- events query "<SQL>" [--athena (--stack NAME | --workgroup W --database D)]
  npm run cli -- events replay --source S --since T1 [--until T2] [--type T…] [--subscription ID] [--rate N/s] [--dry-run] [--trust-archive] [--no-wait]
  npm run cli -- events redrive --source S --since T1 [--until T2] [--type T…]
  npm run cli -- events replays show <replay-id> [--wait] [--json]

list and show read the event records (one per event: status, type, attempts, times) of the local stack or, with
--stack, of a deployed one (list: a Scan of at most 10,000 items, the newest of those read; show: one read, the
record only). Locally, show --payload prints the exact bytes the provider sent and --headers the request headers
(secret-bearing ones redacted), from the archive.
query runs SQL over the archive (table "events", partitions source and day; DuckDB locally, Athena with --athena).
replay republishes archived events, each verified again, marked with the replayId attribute; redrive sends archived
events whose processing failed back to their queue. Both are jobs in the running stack (docs/archive.md).
Times are ISO 8601 (2026-12-01 or 2026-12-01T10:00:00Z).
Statuses: received, enqueued, processing, completed, failed; and stale: a processing record whose
lease has ended without completion recorded (shown as "processing (stale)", with the reason).

Options:
  --source S      only this source (default: every source; replay and redrive: required)
  --type T        only this type, or a prefix ending in * (default: every type; replay: repeatable)
  --status S      only this status (default: every status)
  --since T1      events received at or after T1 (default: any time; replay and redrive: required)
  --until T2      events received before T2 (default: now)
  --limit N       at most N records a page, newest first (default ${DEFAULT_LIMIT} on a terminal or with --stack, all when
                  piped; 0 for all)
  --cursor C      the page after the one that printed this cursor (default: the first page)
  --payload       show: the exact body from the archive, nothing added (pipe it to a file or sha256sum)
  --headers       show: the archived request headers, secret-bearing ones redacted
  --athena        query: run on the deployed archive (default: the local one, with DuckDB)
  --workgroup W   query --athena: the stack output ArchiveWorkGroup (default: read from --stack)
  --database D    query --athena: the stack output ArchiveDatabase (default: read from --stack)
  --subscription ID  replay: to this subscription only (locally console or forward; default: every subscriber)
  --rate N/s      replay: at most N events a second (default: as fast as the topic takes them)
  --dry-run       replay: count what would be published, publish nothing
  --trust-archive replay: publish without verifying signatures again, on the archive's integrity (docs/archive.md)
  --no-wait       replay: print the replay id and return (default: follow it with a progress bar)
  --wait          replays show: follow the replay until it ends
  --json          JSON output: the table's rows (or the record), with the same field names; times are
                  ISO 8601 UTC, as in the table (default: a table)
${STACK_USAGE}
${DATA_DIR_USAGE}`;

const FLAGS = {
  source: { type: 'string' },
  type: { type: 'string', multiple: true },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  payload: { type: 'boolean' },
  headers: { type: 'boolean' },
  athena: { type: 'boolean' },
  workgroup: { type: 'string' },
  database: { type: 'string' },
  ...REPLAY_FLAGS,
  wait: { type: 'boolean' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  ...STACK_FLAGS,
} as const;

const STATUSES: readonly EventStatus[] = ['received', 'enqueued', 'processing', 'completed', 'failed'];
/** `--status` also takes `stale`, which is derived, not stored. */
const FILTERS: readonly string[] = [...STATUSES, 'stale'];

export const command: Command = {
  name: 'events',
  summary: 'Event records and the archive (local or --stack): list, show (--payload), query (SQL), replay, redrive',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'show') return show(rest, io, FLAGS);
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
  const { values, positionals } = parseFlags(args, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.status !== undefined && !FILTERS.includes(values.status)) {
    throw new UsageError(`--status must be one of ${FILTERS.join(', ')}`);
  }
  const limit = values.limit === undefined ? (io.interactive ? DEFAULT_LIMIT : 0) : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a whole number');
  const sinceMs = timeOption(values.since, 'since') ?? Number.NEGATIVE_INFINITY;
  const untilMs = timeOption(values.until, 'until') ?? Number.POSITIVE_INFINITY;
  const after = values.cursor === undefined ? undefined : decodeCursor(values.cursor);

  const deployed = values.stack !== undefined;
  let stored: EventRecord[];
  let note: string | undefined;
  if (deployed) {
    const stack = await deployedStack(values.stack!, values.region);
    const client = new DynamoDBClient({ region: stack.region });
    try {
      const found = await scanDeployedEvents(client, stack.output(OUTPUTS.eventsTableName), {
        ...(values.source !== undefined && { source: values.source }),
        ...(values.status !== undefined && { status: values.status === 'stale' ? 'processing' : values.status }),
        ...(values.type !== undefined && { types: values.type }),
        sinceMs,
        // A cursor names the last record shown: the next page is at or before it.
        untilMs: after === undefined ? untilMs : Math.min(untilMs, Date.parse(after[0]) + 1),
        // The Scan stops after this many matches: the table has no order by time to page through.
        limit: values.limit === undefined ? DEFAULT_LIMIT : limit,
      });
      stored = found.records;
      if (!found.complete) note = `Read ${found.scanned} items of ${stack.name}'s table (not all): newest of those.`;
    } finally {
      client.destroy();
    }
  } else {
    const access = await openLocalStore(dataDirFrom(values['data-dir']));
    try {
      stored = await scanEvents(access.client, access.tableName);
    } finally {
      await access.close();
    }
  }
  const nowMs = Date.now();
  const records = stored
    .filter((r) => r.receivedAt >= sinceMs && r.receivedAt < untilMs)
    .sort((a, b) => b.receivedAt - a.receivedAt || a.eventId.localeCompare(b.eventId))
    .map((r) => eventView(r, nowMs));
  const matchesStatus = (r: EventView) =>
    values.status === undefined || (values.status === 'stale' ? r.stale === true : r.status === values.status);
  const matching = records.filter(
    (r) =>
      (values.source === undefined || r.source === values.source) &&
      (values.type === undefined || typeSelected(values.type, r.type)) &&
      matchesStatus(r),
  );
  const from = after === undefined ? 0 : matching.findIndex((r) => isAfter(r, after));
  const page = from < 0 ? [] : matching.slice(from);
  const shown = limit === 0 ? page : page.slice(0, limit);
  const next = shown.length < page.length ? encodeCursor(shown[shown.length - 1]!) : undefined;

  if (values.json) {
    if (next) io.err(`More: --cursor ${next}`);
    return printJson(io, shown);
  }
  if (shown.length === 0) {
    io.out(
      records.length === 0 && !deployed ? 'No events yet. Send one: npm run cli -- send stripe' : 'No events match.',
    );
    return 0;
  }
  const lines = table(shown, ['receivedAt', 'source', 'type', 'status', 'attempts', 'latencyMs', 'eventId'], {
    type: (r) => truncate(r.type, 32),
    status: shownStatus,
  });
  for (const line of lines) io.out(line);
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
  if (note) io.out(note);
  return 0;
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

/** A page cursor: the last record shown, as its receive time and id in base64url. */
function encodeCursor(r: EventView): string {
  return Buffer.from(JSON.stringify([r.receivedAt, r.eventId])).toString('base64url');
}

function decodeCursor(cursor: string): readonly [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at === 'string' && typeof id === 'string') return [at, id];
  } catch {
    // reported below
  }
  throw new UsageError('--cursor is not one this command printed');
}

/** Whether `r` comes after the cursor in the listing's order (newest first, then by id). */
function isAfter(r: EventView, [at, id]: readonly [string, string]): boolean {
  return r.receivedAt < at || (r.receivedAt === at && r.eventId.localeCompare(id) > 0);
}

async function query(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [sql, ...extra] = positionals;
  if (sql === undefined || extra.length > 0) throw new UsageError('events query takes one SQL statement, quoted');
  const stack =
    values.athena && values.stack !== undefined ? await deployedStack(values.stack, values.region) : undefined;
  const workGroup = values.workgroup ?? stack?.output(OUTPUTS.archiveWorkGroup);
  const database = values.database ?? stack?.output(OUTPUTS.archiveDatabase);
  if (values.athena && (workGroup === undefined || database === undefined))
    throw new UsageError(
      '--athena needs --stack, or --workgroup and --database (the stack outputs ArchiveWorkGroup, ArchiveDatabase)',
    );
  const result = values.athena
    ? await queryAthena(
        sql,
        { workGroup: workGroup!, database: database! },
        new AthenaClient(stack ? { region: stack.region } : {}),
      )
    : await queryLocalArchive(dataDirFrom(values['data-dir']), sql);
  if (values.json) return printJson(io, result);
  for (const line of formatResult(result, io.interactive)) io.out(line);
  return 0;
}
