/**
 * `queues` and `queues redrive <source>`: the running local stack's queues, and the local
 * equivalent of `aws sqs start-message-move-task` for a source's dead-letter queue.
 */
import { parseArgs } from 'node:util';
import type { QueueStats } from '../../local/queue';
import { UsageError, type CliIo, type Command } from '../command';
import { dataDirFrom, runningStack } from '../lib/local-stack';

const USAGE = `Usage:
  npm run cli -- queues [--json]                  each source queue: waiting, in flight, dead letters
  npm run cli -- queues redrive <source> [--json] move the source's dead letters back to its queue

The outbound queues are listed too, as outbound:intake and outbound:deliveries (redrive them by those names).

Dead-lettered events are those whose processing failed maxReceiveCount times (their records are
"failed"). Fix the cause, then redrive: the processor claims each one again and publishes it once.
In-flight messages are hidden for the visibility timeout; "visible again" says when the first one
is retried (after a crash or a kill, that is when the work of the dead process resumes).
Talks to the running \`npm start\` on the data directory.

Options:
  --json          JSON output
  --data-dir DIR  the local stack's data directory (default .local-data)`;

export const command: Command = {
  name: 'queues',
  summary: "Show the local queues, or move a source's dead letters back (queues redrive <source>)",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
    });
    const [sub, source, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument ${extra[0]}`);
    const dataDir = dataDirFrom(values['data-dir']);
    const stack = runningStack(dataDir);
    if (!stack) {
      io.err(`No local stack is running on ${dataDir}: start it with \`npm start\` (the queues live in that process).`);
      return 1;
    }
    if (sub === undefined) return list(stack.url, values.json ?? false, io);
    if (sub === 'redrive') {
      if (source === undefined) throw new UsageError('queues redrive: which source?');
      return redrive(stack.url, source, values.json ?? false, io);
    }
    throw new UsageError(`Unknown subcommand "${sub}"`);
  },
};

async function list(baseUrl: string, json: boolean, io: CliIo): Promise<number> {
  const response = await fetch(`${baseUrl}/_local/queues`);
  if (!response.ok) return failed(response, io);
  const { queues } = (await response.json()) as { queues: Record<string, QueueStats> };
  if (json) {
    io.out(JSON.stringify(queues));
    return 0;
  }
  const width = Math.max(6, ...Object.keys(queues).map((id) => id.length));
  const now = Date.now();
  io.out(`${'source'.padEnd(width)}  waiting  in flight  dead letters  visible again`);
  for (const [id, q] of Object.entries(queues)) {
    const again =
      q.nextVisibleAt === undefined
        ? ''
        : `in ${Math.max(0, Math.ceil((q.nextVisibleAt - now) / 1000))} s (${new Date(q.nextVisibleAt).toISOString().slice(11, 19)} UTC)`;
    io.out(
      `${id.padEnd(width)}  ${String(q.visible).padStart(7)}  ${String(q.inFlight).padStart(9)}  ${String(q.deadLetters).padStart(12)}  ${again}`.trimEnd(),
    );
  }
  return 0;
}

async function redrive(baseUrl: string, source: string, json: boolean, io: CliIo): Promise<number> {
  const response = await fetch(`${baseUrl}/_local/queues/${encodeURIComponent(source)}/redrive`, { method: 'POST' });
  if (!response.ok) return failed(response, io);
  const result = (await response.json()) as { source: string; moved: number };
  io.out(
    json
      ? JSON.stringify(result)
      : `${result.moved} dead-lettered message${result.moved === 1 ? '' : 's'} moved back to the ${result.source} queue`,
  );
  return 0;
}

async function failed(response: Response, io: CliIo): Promise<number> {
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  io.err(`The local stack answered ${response.status}: ${body.message ?? response.statusText}`);
  return 1;
}
