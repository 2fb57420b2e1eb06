/**
 * `queues` and `queues redrive <source>`: the running local stack's queues, and the local
 * equivalent of `aws sqs start-message-move-task` for a source's dead-letter queue.
 */
import type { QueueStats } from '../../local/queue';
import { CommandError, UsageError, type CliIo, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { DATA_DIR_USAGE, dataDirFrom, runningStack } from '../lib/local-stack';
import { isoTime, printJson, table } from '../lib/output';

const USAGE = `Usage:
  npm run cli -- queues [--json]                  each queue: waiting, in flight, dead letters, visible again
  npm run cli -- queues redrive <source> [--json] move the source's dead letters back to its queue

The shared pipeline's queue (tenant sources' events) and the outbound queues are listed too, as pipeline:shared,
outbound:intake and outbound:deliveries (redrive them by those names).

Dead-lettered events are those whose processing failed maxReceiveCount times (their records are
"failed"). Fix the cause, then redrive: the processor claims each one again and publishes it once.
In-flight messages are hidden for the visibility timeout; "visible again" says when the first one
is retried (after a crash or a kill, that is when the work of the dead process resumes).
Talks to the running \`npm start\` on the data directory.

Options:
  --json          JSON output: the table's rows, with the same field names (default: a table)
${DATA_DIR_USAGE}`;

const FLAGS = { json: { type: 'boolean' }, 'data-dir': { type: 'string' } } as const;

/** One queue as the table and `--json` show it. */
export interface QueueRow {
  readonly queue: string;
  readonly waiting: number;
  readonly inFlight: number;
  readonly deadLetters: number;
  /** When the first in-flight message becomes visible again, if one is in flight. */
  readonly visibleAgain?: string;
}

export const command: Command = {
  name: 'queues',
  summary: "Show the local queues, or move a source's dead letters back (queues redrive <source>)",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, source, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const dataDir = dataDirFrom(values['data-dir']);
    const stack = runningStack(dataDir);
    if (!stack) {
      throw new CommandError(
        'stack_not_running',
        `No local stack is running on ${dataDir}: start it with \`npm start\` (the queues live in that process).`,
      );
    }
    if (sub === undefined) return list(stack.url, values.json ?? false, io);
    if (sub === 'redrive') {
      if (source === undefined) throw new UsageError('queues redrive: which source?');
      return redrive(stack.url, source, values.json ?? false, io);
    }
    throw new UsageError(`Unknown subcommand "${sub}"`);
  },
};

/** The rows of the table, from the stack's queue statistics. */
export function queueRows(queues: Readonly<Record<string, QueueStats>>): QueueRow[] {
  return Object.entries(queues).map(([queue, q]) => ({
    queue,
    waiting: q.visible,
    inFlight: q.inFlight,
    deadLetters: q.deadLetters,
    ...(q.nextVisibleAt !== undefined && { visibleAgain: isoTime(q.nextVisibleAt) }),
  }));
}

async function list(baseUrl: string, json: boolean, io: CliIo): Promise<number> {
  const response = await fetch(`${baseUrl}/_local/queues`);
  if (!response.ok) return failed(response);
  const { queues } = (await response.json()) as { queues: Record<string, QueueStats> };
  const rows = queueRows(queues);
  if (json) return printJson(io, rows);
  const now = Date.now();
  const inSeconds = (iso: string) => Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
  const lines = table(rows, ['queue', 'waiting', 'inFlight', 'deadLetters', 'visibleAgain'], {
    visibleAgain: (r) => (r.visibleAgain === undefined ? '' : `${r.visibleAgain} (in ${inSeconds(r.visibleAgain)} s)`),
  });
  for (const line of lines) io.out(line);
  return 0;
}

async function redrive(baseUrl: string, source: string, json: boolean, io: CliIo): Promise<number> {
  const response = await fetch(`${baseUrl}/_local/queues/${encodeURIComponent(source)}/redrive`, { method: 'POST' });
  if (!response.ok) return failed(response);
  const result = (await response.json()) as { source: string; moved: number };
  if (json) return printJson(io, result);
  io.out(
    `${result.moved} dead-lettered message${result.moved === 1 ? '' : 's'} moved back to the ${result.source} queue`,
  );
  return 0;
}

async function failed(response: Response): Promise<never> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  throw new CommandError(
    body.error ?? `http_${response.status}`,
    `The local stack answered ${response.status}: ${body.message ?? response.statusText}`,
  );
}
