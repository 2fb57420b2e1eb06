/** `events show`: one event's record and, from the archive, its attempts, exact body and headers. */
import { parseArgs } from 'node:util';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import type { EventRecord } from '../../lambdas/core/inbound/ports';
import { staleness } from '../../lambdas/core/inbound/staleness';
import { UsageError, type CliIo } from '../command';
import { dataDirFrom, openLocalStore } from './local-stack';
import { archivedRows, bodyOf, localArchive, redactedHeaders } from './local-archive';

/** A record as the CLI shows it: with `stale` and its reason when its processing lease has ended. */
export type Shown = EventRecord & { readonly stale?: true; readonly staleReason?: string };

export function withStaleness(record: EventRecord, nowMs: number): Shown {
  const s = staleness(record, nowMs);
  return s ? { ...record, stale: true, staleReason: s.reason } : record;
}

export async function show(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      json: { type: 'boolean' },
      payload: { type: 'boolean' },
      headers: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    allowPositionals: true,
  });
  const [source, id, ...extra] = positionals;
  if (!source || !id) throw new UsageError('events show needs <source> and <id>');
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${extra[0]}`);
  const dataDir = dataDirFrom(values['data-dir']);
  const access = await openLocalStore(dataDir);
  let record: Shown | undefined;
  try {
    const found = await new DynamoEventStore(access.client, access.tableName).get(source, id);
    record = found && withStaleness(found, Date.now());
  } finally {
    await access.close();
  }
  const archive = localArchive(dataDir);
  const rows = await archivedRows(archive, source, id, record?.receivedAt);
  if (values.payload) {
    const body = rows[0] && (await bodyOf(archive, rows[0]));
    if (!body) {
      io.err(
        `Event ${id} from ${source} is ${record ? 'not archived yet (it is once processed)' : 'not in the archive'}.`,
      );
      return 1;
    }
    if (io.write) io.write(body);
    else io.out(Buffer.from(body).toString('utf8'));
    return 0;
  }
  if (!record && rows.length === 0) {
    io.err(`No event ${id} from ${source}. List them with: npm run cli -- events list --source ${source}`);
    return 1;
  }
  const headers = rows[0] && redactedHeaders(rows[0].headers);
  if (values.json) {
    const history = rows.map(({ body: _b, headers: _h, ...r }) => r);
    io.out(JSON.stringify({ ...record, archive: history, ...(values.headers && { headers }) }, null, 2));
    return 0;
  }
  if (!record) io.out(`(no record: its dedupe window has ended; from the archive)`);
  if (record) for (const [k, v] of recordLines(record)) if (v !== undefined) io.out(`${k.padEnd(12)} ${v}`);
  for (const r of rows)
    io.out(
      `${'archived'.padEnd(12)} attempt ${r.attempt} ${r.status} at ${r.archived_at}${r.error ? ` (${r.error})` : ''}; body ${r.body_bytes} B sha256 ${r.body_sha256.slice(0, 16)}…`,
    );
  if (rows.length === 0) io.out(`${'archived'.padEnd(12)} not yet (each attempt is archived once processed)`);
  if (values.headers && headers)
    for (const [k, v] of Object.entries(headers)) io.out(`${'header'.padEnd(12)} ${k}: ${v}`);
  return 0;
}

function recordLines(record: Shown): Array<[string, string | undefined]> {
  return [
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
}

function isoWithLocal(ms: number): string {
  return new Date(ms).toISOString();
}
