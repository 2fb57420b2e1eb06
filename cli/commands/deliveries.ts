/** `deliveries`: a tenant's outbound deliveries and their attempts, and a manual retry (replay). */
import { DELIVERY_STATUSES, type Attempt, type Delivery } from '../../lambdas/core/outbound/model';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import {
  api,
  baseUrlFrom,
  COMMON_OPTIONS,
  COMMON_OPTIONS_USAGE,
  COUNT_CAP,
  enc,
  limitFrom,
  readList,
  shownOf,
  tenantPath,
  time,
} from '../lib/outbound-api';
import { printJson, table, terminalSafe, withIsoTimes } from '../lib/output';

const USAGE = `Usage:
  npm run cli -- deliveries list --tenant T [--endpoint E] [--status S] [--limit N]
  npm run cli -- deliveries show <id> --tenant T    the delivery and every attempt: time, status or error, latency, response
  npm run cli -- deliveries retry <id> --tenant T   attempt an exhausted, skipped or failed delivery again now

list prints a table with a header row, newest first: when each delivery was created, its status and attempts, the
message's type, the endpoint, and when it is next attempted. It reads every page, so piped output is complete;
with --limit it prints the newest N and says on stderr how many there are ("50 of 1234 deliveries shown", counted
up to ${COUNT_CAP}).

retry is refused (409 endpoint_disabled) while the delivery's endpoint is disabled: enable it first.

Options:
  --tenant T      the tenant whose deliveries these are (required, every subcommand)
  --endpoint E    list: only deliveries to this endpoint id (default: every endpoint)
  --status S      list: only this status: ${DELIVERY_STATUSES.join(', ')} (default: every status)
  --limit N       list: only the newest N (default: every delivery)

${COMMON_OPTIONS_USAGE}`;

const FLAGS = {
  ...COMMON_OPTIONS,
  tenant: { type: 'string' },
  endpoint: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
} as const;

export const command: Command = {
  name: 'deliveries',
  summary: "List a tenant's outbound deliveries, show one with its attempts, or retry one",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    const base = baseUrlFrom(values);
    const json = values.json ?? false;
    const path = `${tenantPath(values.tenant)}/deliveries`;
    if (sub === 'list') {
      const query = new URLSearchParams();
      if (values.endpoint !== undefined) query.set('endpoint', values.endpoint);
      if (values.status !== undefined) query.set('status', values.status);
      const read = await readList<Delivery>(base, path, 'deliveries', query, limitFrom(values.limit));
      if (json) printJson(io, withIsoTimes(read.items));
      else if (read.items.length === 0) io.out(`No deliveries for tenant ${terminalSafe(values.tenant)}.`);
      else for (const l of deliveryTable(read.items)) io.out(l);
      const shown = shownOf(read, 'deliveries');
      if (shown !== undefined) io.err(shown);
      return 0;
    }
    if (id === undefined) throw new UsageError(`deliveries ${sub ?? ''}: which delivery id?`);
    if (sub === 'show') {
      const { body } = await api<{ delivery: Delivery; attempts: Attempt[] }>(base, 'GET', `${path}/${enc(id)}`);
      if (json) return printJson(io, withIsoTimes(body));
      const d = body.delivery;
      io.out(summary(d));
      io.out(
        `  message ${d.messageId}  type ${terminalSafe(d.type ?? '-')}  endpoint ${d.endpointId}  tenant ${d.tenantId}`,
      );
      if (body.attempts.length === 0) io.out('  no attempt yet');
      for (const a of body.attempts) io.out(attemptLine(a));
      return 0;
    }
    if (sub === 'retry') {
      const { body } = await api<{ delivery: Delivery }>(base, 'POST', `${path}/${enc(id)}/retry`);
      if (json) return printJson(io, withIsoTimes(body.delivery));
      io.out(
        body.delivery.status === 'pending'
          ? `${id} queued for another attempt`
          : `${id} is ${body.delivery.status}: nothing to retry`,
      );
      return 0;
    }
    throw new UsageError(sub === undefined ? 'Which subcommand?' : `Unknown subcommand "${sub}"`);
  },
};

/** The list: one row per delivery under a header row (the JSON field names in words, as every CLI table). */
export function deliveryTable(deliveries: readonly Delivery[]): string[] {
  return table(
    deliveries,
    ['createdAt', 'deliveryId', 'status', 'attemptCount', 'type', 'endpointId', 'nextAttemptAt', 'skipReason'],
    {
      createdAt: (d) => time(d.createdAt),
      type: (d) => d.type ?? '-',
      nextAttemptAt: (d) => (d.status === 'pending' || d.status === 'failed' ? time(d.nextAttemptAt) : ''),
    },
  );
}

function summary(d: Delivery): string {
  const next = d.status === 'failed' || d.status === 'pending' ? `  next ${time(d.nextAttemptAt)}` : '';
  const reason = d.skipReason ? `  (${terminalSafe(d.skipReason)})` : '';
  return `${d.deliveryId}  ${d.status.padEnd(9)}  ${d.attemptCount} attempt${d.attemptCount === 1 ? ' ' : 's'}${next}${reason}`;
}

/** One attempt: what the receiver answered (its body as a quoted, escaped string: it is the receiver's text). */
function attemptLine(a: Attempt): string {
  const result =
    a.status !== undefined ? `HTTP ${a.status}` : `${a.error}${a.errorDetail ? ` (${a.errorDetail})` : ''}`;
  const response = a.responseBody
    ? `  ${JSON.stringify(a.responseBody.slice(0, 80))}${a.responseBodyTruncated ? ' (truncated)' : ''}`
    : '';
  // An attempt of unknown outcome (its worker died) has no latency.
  const latency = a.latencyMs === undefined ? '' : `  ${a.latencyMs} ms`;
  return terminalSafe(`  #${a.number}  ${time(a.at)}  ${result}${latency}${response}`);
}
