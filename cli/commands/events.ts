/**
 * `events list` and `events show`: read the local event records (the DynamoDB table of the local
 * stack), through the running `npm start` or straight from `.local-data/` when it is stopped; or, with
 * `--stack`, the deployed events table (cli/lib/deployed-events.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { OUTPUTS } from '../../lib/stack-outputs';
import { scanDeployedEvents } from '../lib/deployed-events';
import { deployedStack, STACK_FLAGS, STACK_USAGE } from '../lib/deployed-stack';
import type { EventRecord, EventStatus } from '../../lambdas/core/inbound/ports';
import { scanEvents } from '../../local/dynamo';
import { CommandError, UsageError, type CliIo, type Command } from '../command';
import { eventView, shownStatus, type EventView } from '../lib/event-view';
import { parseFlags } from '../lib/flags';
import { DATA_DIR_USAGE, dataDirFrom, openLocalStore } from '../lib/local-stack';
import { heading, printJson, table } from '../lib/output';

const DEFAULT_LIMIT = 20;

const USAGE = `Usage:
  npm run cli -- events list [--source S] [--status S] [--limit N] [--stack NAME [--region R]] [--json]
  npm run cli -- events show <source> <id> [--stack NAME [--region R]] [--json]

Reads the event records (one per event: status, type, attempts, times; never the payload), of the local
stack or, with --stack, of a deployed one. The deployed table has no index by time: list reads it with a
Scan (filtered on source and status) until it has found --limit records or read 10,000 items, and shows the
newest of those it read; show is one read.
Statuses: received, enqueued, processing, completed, failed; and stale: a processing record whose
lease has ended without completion recorded (shown as "processing (stale)", with the reason).

Options:
  --source S      only this source (default: every source)
  --status S      only this status (default: every status)
  --limit N       at most N records, newest first (default ${DEFAULT_LIMIT}; 0 for all)
  --json          JSON output: the table's rows (or the record), with the same field names; times are
                  ISO 8601 UTC, as in the table (default: a table)
${STACK_USAGE}
${DATA_DIR_USAGE}`;

const FLAGS = {
  source: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  ...STACK_FLAGS,
} as const;

const STATUSES: readonly EventStatus[] = ['received', 'enqueued', 'processing', 'completed', 'failed'];
/** `--status` also takes `stale`, which is derived, not stored. */
const FILTERS: readonly string[] = [...STATUSES, 'stale'];

export const command: Command = {
  name: 'events',
  summary: 'List or show the event records, local or --stack (events list | events show <source> <id>)',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'show') return show(rest, io);
    throw new UsageError(sub === undefined ? 'events: list or show?' : `Unknown subcommand "${sub}"`);
  },
};

async function list(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.status !== undefined && !FILTERS.includes(values.status)) {
    throw new UsageError(`--status must be one of ${FILTERS.join(', ')}`);
  }
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a whole number');

  const nowMs = Date.now();
  let note: string | undefined;
  let stored: EventRecord[];
  if (values.stack !== undefined) {
    const stack = await deployedStack(values.stack, values.region);
    const client = new DynamoDBClient({ region: stack.region });
    try {
      const found = await scanDeployedEvents(client, stack.output(OUTPUTS.eventsTableName), {
        ...(values.source !== undefined && { source: values.source }),
        ...(values.status !== undefined && { status: values.status === 'stale' ? 'processing' : values.status }),
        limit,
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
  const records = stored.sort((a, b) => b.receivedAt - a.receivedAt).map((r) => eventView(r, nowMs));
  const matchesStatus = (r: EventView) =>
    values.status === undefined || (values.status === 'stale' ? r.stale === true : r.status === values.status);
  const matching = records.filter(
    (r) => (values.source === undefined || r.source === values.source) && matchesStatus(r),
  );
  const shown = limit === 0 ? matching : matching.slice(0, limit);

  if (values.json) return printJson(io, shown);
  if (shown.length === 0) {
    io.out(
      records.length === 0 && values.stack === undefined
        ? 'No events yet. Send one: npm run cli -- send stripe'
        : 'No events match.',
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
    `${shown.length} of ${matching.length} shown${shown.length < matching.length ? ' (use --limit)' : ''}; ${byStatus.map(([s, n]) => `${n} ${s}`).join(', ')}${stale > 0 ? ` (${stale} stale)` : ''}.`,
  );
  if (stale > 0)
    io.out(`Stale: no one is processing them; see the reason with: npm run cli -- events show <source> <id>`);
  if (note) io.out(note);
  return 0;
}

async function show(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [source, id, ...extra] = positionals;
  if (!source || !id) throw new UsageError('events show needs <source> and <id>');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  let found: EventRecord | undefined;
  if (values.stack !== undefined) {
    const stack = await deployedStack(values.stack, values.region);
    const client = new DynamoDBClient({ region: stack.region });
    try {
      found = await new DynamoEventStore(client, stack.output(OUTPUTS.eventsTableName)).get(source, id);
    } finally {
      client.destroy();
    }
  } else {
    const access = await openLocalStore(dataDirFrom(values['data-dir']));
    try {
      found = await new DynamoEventStore(access.client, access.tableName).get(source, id);
    } finally {
      await access.close();
    }
  }
  const record: EventView | undefined = found && eventView(found, Date.now());
  if (!record) {
    throw new CommandError(
      'not_found',
      `No event ${id} from ${source}. List them with: npm run cli -- events list --source ${source}${values.stack === undefined ? '' : ` --stack ${values.stack}`}`,
    );
  }
  if (values.json) return printJson(io, record);
  const r = record;
  const after = (iso: string | undefined) =>
    iso === undefined ? undefined : `${iso}  (+${Date.parse(iso) - Date.parse(r.receivedAt)} ms)`;
  const lines: Array<[keyof EventView, string | number | undefined]> = [
    ['eventId', r.eventId],
    ['source', r.source],
    ['type', r.type],
    ['status', shownStatus(r)],
    ['staleReason', r.staleReason],
    ['attempts', r.attempts],
    ['receivedAt', r.receivedAt],
    ['enqueuedAt', after(r.enqueuedAt)],
    ['processedAt', r.processedAt],
    ['latencyMs', r.latencyMs],
    ['leaseUntil', r.leaseUntil],
    ['error', r.error],
    ['expiresAt', `${r.expiresAt}  (end of the dedupe window)`],
  ];
  for (const [field, value] of lines)
    if (value !== undefined) io.out(`${heading(field).toLowerCase().padEnd(12)} ${value}`);
  return 0;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
