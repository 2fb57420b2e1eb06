/**
 * `queues` and `queues redrive <source>`: the running local stack's queues, and the local
 * equivalent of `aws sqs start-message-move-task` for a source's dead-letter queue; with `--stack`, a deployed
 * stack's queues (SQS attributes) and SQS's own dead-letter move task, followed to its end
 * (cli/lib/deployed-queues.ts).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueStats } from '../../local/queue';
import { queueDepth, redriveDeadLetters, type MoveTask } from '../../lambdas/adapters/console/sqs-queue-admin';
import { deployedQueues, findQueue } from '../lib/deployed-queues';
import { deployedStack, STACK_FLAGS, STACK_USAGE, type DeployedStack } from '../lib/deployed-stack';
import { CommandError, UsageError, type CliIo, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { DATA_DIR_USAGE, dataDirFrom, runningStack } from '../lib/local-stack';
import { isoTime, printJson, table } from '../lib/output';
import { sqsClient } from '../lib/aws-clients';

const USAGE = `Usage:
  npm run cli -- queues [--json]                  each queue: waiting, in flight, dead letters, visible again
  npm run cli -- queues redrive <source> [--json] move the source's dead letters back to its queue
  npm run cli -- queues [redrive <source>] --stack NAME [--region R] [--json]   the same on a deployed stack

The shared pipeline's queue (tenant sources' events) and the outbound queues are listed too, as pipeline:shared,
outbound:intake and outbound:deliveries (redrive them by those names).

Dead-lettered events are those whose processing failed maxReceiveCount times (their records are
"failed"). Fix the cause, then redrive: the processor claims each one again and publishes it once.
In-flight messages are hidden for the visibility timeout; "visible again" says when the first one
is retried (after a crash or a kill, that is when the work of the dead process resumes).
Talks to the running \`npm start\` on the data directory. With --stack, reads each queue's SQS attributes, and
redrive starts SQS's dead-letter move task (StartMessageMoveTask: back to the queue the messages came from)
and follows it (ListMessageMoveTasks) until it ends; Ctrl-C stops following, not the task.

Options:
  --json          JSON output: the table's rows, with the same field names (default: a table)
${STACK_USAGE}
${DATA_DIR_USAGE}`;

const FLAGS = { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, ...STACK_FLAGS } as const;

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
  summary: "Show the queues, or move a source's dead letters back (queues redrive <source>); local or --stack",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, source, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (sub !== undefined && sub !== 'redrive') throw new UsageError(`Unknown subcommand "${sub}"`);
    if (sub === 'redrive' && source === undefined) throw new UsageError('queues redrive: which source?');
    if (values.stack !== undefined) {
      const stack = await deployedStack(values.stack, values.region);
      const sqs = sqsClient(stack.region);
      try {
        return sub === undefined
          ? await listDeployed(stack, sqs, values.json ?? false, io)
          : await redriveDeployed(stack, sqs, source!, values.json ?? false, io);
      } finally {
        sqs.destroy();
      }
    }
    const dataDir = dataDirFrom(values['data-dir']);
    const stack = runningStack(dataDir);
    if (!stack) {
      throw new CommandError(
        'stack_not_running',
        `No local stack is running on ${dataDir}: start it with \`npm start\` (the queues live in that process).`,
      );
    }
    if (sub === undefined) return list(stack.url, values.json ?? false, io);
    return redrive(stack.url, source!, values.json ?? false, io);
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

async function listDeployed(stack: DeployedStack, sqs: SQSClient, json: boolean, io: CliIo): Promise<number> {
  const queues = deployedQueues(stack);
  const depths = await Promise.all(queues.map((q) => queueDepth(sqs, q)));
  const rows: QueueRow[] = queues.map((q, i) => ({ queue: q.name, ...depths[i]! }));
  if (json) return printJson(io, rows);
  for (const line of table(rows, ['queue', 'waiting', 'inFlight', 'deadLetters'])) io.out(line);
  return 0;
}

async function redriveDeployed(
  stack: DeployedStack,
  sqs: SQSClient,
  name: string,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const queue = findQueue(stack, name);
  const progress = (t: MoveTask) =>
    `${t.Status ?? '?'}: ${t.ApproximateNumberOfMessagesMoved ?? 0} of ${t.ApproximateNumberOfMessagesToMove ?? '?'} moved`;
  if (!json) io.err(`Moving the dead letters of ${name} back to its queue (SQS message move task)…`);
  const task = await redriveDeadLetters(sqs, queue, { onProgress: (t) => (json ? undefined : io.err(progress(t))) });
  const result = {
    source: name,
    status: task.Status,
    moved: task.ApproximateNumberOfMessagesMoved ?? 0,
    ...(task.FailureReason !== undefined && { failureReason: task.FailureReason }),
  };
  if (json) io.out(JSON.stringify(result));
  else
    io.out(
      `${result.moved} dead-lettered message${result.moved === 1 ? '' : 's'} moved back to the ${name} queue (${task.Status})`,
    );
  if (task.Status !== 'COMPLETED')
    throw new CommandError(
      'redrive_failed',
      `The move task ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`,
    );
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
