/**
 * `events list` and `events show`: read the local event records (the DynamoDB table of the local
 * stack), through the running `npm start` or straight from `.local-data/` when it is stopped.
 */
import { parseArgs } from 'node:util';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import type { EventRecord, EventStatus } from '../../lambdas/core/inbound/ports';
import { staleness } from '../../lambdas/core/inbound/staleness';
import { scanEvents } from '../../local/dynamo';
import { UsageError, type CliIo, type Command } from '../command';
import { dataDirFrom, openLocalStore } from '../lib/local-stack';

const USAGE = `Usage:
  npm run cli -- events list [--source S] [--status S] [--limit N] [--json]
  npm run cli -- events show <source> <id> [--json]

Reads the local event records (one per event: status, type, attempts, times; never the payload).
Statuses: received, enqueued, processing, completed, failed; and stale: a processing record whose
lease has ended without completion recorded (shown as "processing (stale)", with the reason).

Options:
  --source S      only this source
  --status S      only this status
  --limit N       at most N records, newest first (default 20; 0 for all)
  --json          JSON output
  --data-dir DIR  the local stack's data directory (default .local-data)`;

const STATUSES: readonly EventStatus[] = ['received', 'enqueued', 'processing', 'completed', 'failed'];
/** `--status` also takes `stale`, which is derived, not stored. */
const FILTERS: readonly string[] = [...STATUSES, 'stale'];

/** A record as the CLI shows it: with `stale` and its reason when its processing lease has ended. */
type Shown = EventRecord & { readonly stale?: true; readonly staleReason?: string };

function withStaleness(record: EventRecord, nowMs: number): Shown {
  const s = staleness(record, nowMs);
  return s ? { ...record, stale: true, staleReason: s.reason } : record;
}

export const command: Command = {
  name: 'events',
  summary: 'List or show the local event records (events list | events show <source> <id>)',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'show') return show(rest, io);
    throw new UsageError(sub === undefined ? 'events: list or show?' : `Unknown subcommand "${sub}"`);
  },
};

async function list(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      source: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}`);
  if (values.status !== undefined && !FILTERS.includes(values.status)) {
    throw new UsageError(`--status must be one of ${FILTERS.join(', ')}`);
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
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
    .filter((r) => (values.source === undefined || r.source === values.source) && matchesStatus(r))
    .sort((a, b) => b.receivedAt - a.receivedAt);
  const shown = limit === 0 ? matching : matching.slice(0, limit);

  if (values.json) {
    io.out(JSON.stringify(shown, null, 2));
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
    `${shown.length} of ${matching.length} shown${shown.length < matching.length ? ' (use --limit)' : ''}; ${byStatus.map(([s, n]) => `${n} ${s}`).join(', ')}${stale > 0 ? ` (${stale} stale)` : ''}.`,
  );
  if (stale > 0)
    io.out(`Stale: no one is processing them; see the reason with: npm run cli -- events show <source> <id>`);
  return 0;
}

async function show(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' } },
    allowPositionals: true,
  });
  const [source, id, ...extra] = positionals;
  if (!source || !id) throw new UsageError('events show needs <source> and <id>');
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${extra[0]}`);
  const access = await openLocalStore(dataDirFrom(values['data-dir']));
  let record: Shown | undefined;
  try {
    const found = await new DynamoEventStore(access.client, access.tableName).get(source, id);
    record = found && withStaleness(found, Date.now());
  } finally {
    await access.close();
  }
  if (!record) {
    io.err(`No event ${id} from ${source}. List them with: npm run cli -- events list --source ${source}`);
    return 1;
  }
  if (values.json) {
    io.out(JSON.stringify(record, null, 2));
    return 0;
  }
  const lines: Array<[string, string | undefined]> = [
    ['source', record.source],
    ['id', record.eventId],
    ['type', record.type],
    ['status', record.stale ? `${record.status} (stale)` : record.status],
    ['stale', record.staleReason],
    ['attempts', String(record.attempts)],
    ['received', isoWithLocal(record.receivedAt)],
    [
      'enqueued',
      record.enqueuedAt !== undefined
        ? `${isoWithLocal(record.enqueuedAt)}  (+${record.enqueuedAt - record.receivedAt} ms)`
        : undefined,
    ],
    [
      'processed',
      record.processedAt !== undefined
        ? `${isoWithLocal(record.processedAt)}  (+${record.processedAt - record.receivedAt} ms)`
        : undefined,
    ],
    ['lease until', record.leaseUntil !== undefined ? isoWithLocal(record.leaseUntil) : undefined],
    ['error', record.error],
    ['expires', `${new Date(record.expiresAt * 1000).toISOString()}  (end of the dedupe window)`],
  ];
  for (const [k, v] of lines) if (v !== undefined) io.out(`${k.padEnd(12)} ${v}`);
  return 0;
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function isoWithLocal(ms: number): string {
  return new Date(ms).toISOString();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
