/**
 * `events replay`, `events redrive` and `events replays show`, against the running local stack (`/_local/replays`,
 * the same checks and job as the deployed replay function). A replay is a job: this starts it and follows it with a
 * progress bar (Ctrl-C stops following, not the job); `events replays show <id>` looks at it again later.
 */
import { daysBetween } from '../../lambdas/core/archive/layout';
import type { ReplayJob } from '../../lambdas/core/archive/ports';
import { UsageError, type CliIo } from '../command';
import { dataDirFrom, runningStack } from './local-stack';
import { parseFlags } from './flags';
import { bar } from './stats';

/** The flags only replay and redrive take (events.ts describes them with the rest). */
export const REPLAY_FLAGS = {
  subscription: { type: 'string' },
  rate: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'trust-archive': { type: 'boolean' },
  'no-wait': { type: 'boolean' },
} as const;

const OPTIONS = {
  source: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  type: { type: 'string', multiple: true },
  ...REPLAY_FLAGS,
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
} as const;

/** `replay` (to the topic) or `redrive` (failed events back to their queue). */
export async function startReplay(args: readonly string[], io: CliIo, mode: 'publish' | 'redrive'): Promise<number> {
  const { values, positionals } = parseFlags(args, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}`);
  if (values.source === undefined) throw new UsageError('--source is required');
  if (values.since === undefined) throw new UsageError('--since is required (ISO 8601, e.g. 2026-12-01T00:00:00Z)');
  const rate = values.rate === undefined ? 0 : Number(values.rate.replace(/\/s$/, ''));
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError('--rate takes events per second, e.g. 50/s');
  const base = stackUrl(values['data-dir'], io);
  if (!base) return 1;
  const response = await fetch(`${base}/_local/replays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      source: values.source,
      since: values.since,
      ...(values.until !== undefined && { until: values.until }),
      ...(values.type && { types: values.type }),
      ...(values.subscription !== undefined && { subscription: values.subscription }),
      ratePerSecond: rate,
      dryRun: values['dry-run'] ?? false,
      trustArchive: values['trust-archive'] ?? false,
      mode,
    }),
  });
  const body = (await response.json()) as ReplayJob & { message?: string };
  if (response.status !== 202) {
    io.err(`The local stack answered ${response.status}: ${body.message ?? response.statusText}`);
    return 1;
  }
  if (!values.json)
    io.err(`Replay ${body.id} started (${mode}); follow it with: npm run cli -- events replays show ${body.id}`);
  if (values['no-wait']) {
    io.out(values.json ? JSON.stringify(body) : body.id);
    return 0;
  }
  return follow(base, body.id, io, values.json ?? false);
}

export async function showReplay(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    json: { type: 'boolean' },
    wait: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const [sub, id, ...extra] = positionals;
  if (sub !== 'show' || id === undefined || extra.length > 0) throw new UsageError('events replays show <replay-id>');
  const base = stackUrl(values['data-dir'], io);
  if (!base) return 1;
  if (values.wait) return follow(base, id, io, values.json ?? false);
  const job = await fetchJob(base, id, io);
  if (!job) return 1;
  for (const line of values.json ? [JSON.stringify(job)] : describeJob(job)) io.out(line);
  return 0;
}

async function follow(base: string, id: string, io: CliIo, json: boolean): Promise<number> {
  for (;;) {
    const job = await fetchJob(base, id, io);
    if (!job) return 1;
    if (job.status !== 'running') {
      io.status('');
      if (io.interactive) io.err('');
      for (const line of json ? [JSON.stringify(job)] : describeJob(job)) io.out(line);
      return job.status === 'done' ? 0 : 1;
    }
    const days = daysBetween(job.request.sinceMs, job.request.untilMs);
    const done = Math.max(0, days.indexOf(job.cursor.day));
    io.status(`${bar(done, days.length)} day ${job.cursor.day}  ${progress(job)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function fetchJob(base: string, id: string, io: CliIo): Promise<ReplayJob | undefined> {
  const response = await fetch(`${base}/_local/replays/${encodeURIComponent(id)}`);
  const body = (await response.json()) as ReplayJob & { message?: string };
  if (response.ok) return body;
  io.err(`The local stack answered ${response.status}: ${body.message ?? response.statusText}`);
  return undefined;
}

function progress(job: ReplayJob): string {
  const c = job.counts;
  return `read ${c.read}, matched ${c.matched}, published ${c.published}, refused ${c.refused}, duplicates ${c.duplicates}`;
}

export function describeJob(job: ReplayJob): string[] {
  const r = job.request;
  const c = job.counts;
  return [
    `replay      ${job.id}  (${r.mode}${r.dryRun ? ', dry run' : ''}${r.trustArchive ? ', trusting the archive' : ''})`,
    `status      ${job.status}`,
    `window      ${r.source} ${new Date(r.sinceMs).toISOString()} .. ${new Date(r.untilMs).toISOString()}${r.types.length > 0 ? ` types ${r.types.join(', ')}` : ''}${r.subscription ? ` to ${r.subscription} only` : ''}`,
    `counts      ${progress(job)}, uncertain ${c.uncertain}, skipped ${c.skipped}, unreadable ${c.unreadable}`,
    ...(r.trustArchive ? [] : ['checked     each signature verified again, its timestamp against the time of receipt']),
    ...job.failures.map((f) => `refused     ${f.id}: ${f.reason}`),
    ...(job.note ? [`note        ${job.note}`] : []),
  ];
}

function stackUrl(dataDirOption: string | undefined, io: CliIo): string | undefined {
  const dataDir = dataDirFrom(dataDirOption);
  const stack = runningStack(dataDir);
  if (!stack) io.err(`No local stack is running on ${dataDir}: start it with \`npm start\` (replays run in it).`);
  return stack?.url;
}
