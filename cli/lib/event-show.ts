/** `events show`: one event's record and, from the archive, its attempts, exact body and headers. */
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { CommandError, UsageError, type CliIo, type Flags } from '../command';
import { eventView, shownStatus, type EventView } from './event-view';
import { parseFlags } from './flags';
import { archivedRows, bodyOf, localArchive, redactedHeaders } from './local-archive';
import { dataDirFrom, openLocalStore } from './local-stack';
import { heading, printJson } from './output';

export async function show(args: readonly string[], io: CliIo, flags: Flags): Promise<number> {
  const { values, positionals } = parseFlags(args, flags);
  const [source, id, ...extra] = positionals;
  if (!source || !id) throw new UsageError('events show needs <source> and <id>');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dataDir = dataDirFrom(values['data-dir'] as string | undefined);
  const access = await openLocalStore(dataDir);
  let found;
  try {
    found = await new DynamoEventStore(access.client, access.tableName).get(source, id);
  } finally {
    await access.close();
  }
  const record = found && eventView(found, Date.now());
  const archive = localArchive(dataDir);
  const rows = await archivedRows(archive, source, id, found?.receivedAt);
  if (values.payload) {
    const body = rows[0] && (await bodyOf(archive, rows[0]));
    if (!body)
      throw new CommandError(
        'not_archived',
        `Event ${id} from ${source} is ${record ? 'not archived yet (it is once a processor has taken it)' : 'not in the archive'}.`,
      );
    if (io.write) io.write(body);
    else io.out(Buffer.from(body).toString('utf8'));
    return 0;
  }
  if (!record && rows.length === 0)
    throw new CommandError(
      'not_found',
      `No event ${id} from ${source}. List them with: npm run cli -- events list --source ${source}`,
    );
  const headers = rows[0] && redactedHeaders(rows[0].headers);
  if (values.json) {
    const archived = rows.map(({ body: _b, headers: _h, ...r }) => r);
    return printJson(io, { ...record, archived, ...(values.headers && { headers }) });
  }
  if (record) printRecord(record, io);
  else io.out('(no record: its dedupe window has ended; from the archive)');
  for (const r of rows)
    io.out(
      `${'archived'.padEnd(12)} attempt ${r.attempt} ${r.status} at ${r.archived_at}${r.error ? ` (${r.error})` : ''}; body ${r.body_bytes} B, sha256 ${r.body_sha256.slice(0, 16)}…`,
    );
  if (rows.length === 0)
    io.out(`${'archived'.padEnd(12)} not yet (each attempt is archived once a processor has taken it)`);
  if (values.headers && headers)
    for (const [k, v] of Object.entries(headers)) io.out(`${'header'.padEnd(12)} ${k}: ${v}`);
  return 0;
}

function printRecord(r: EventView, io: CliIo): void {
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
}
