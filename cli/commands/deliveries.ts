/** `deliveries`: outbound deliveries and their attempts, and a manual retry (replay). */
import { DELIVERY_STATUSES, type Attempt, type Delivery } from '../../lambdas/core/outbound/model';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { api, baseUrlFrom, COMMON_OPTIONS, COMMON_OPTIONS_USAGE, enc, time } from '../lib/outbound-api';
import { printJson, withIsoTimes } from '../lib/output';

const DEFAULT_LIMIT = 50;

const USAGE = `Usage:
  npm run cli -- deliveries list [--tenant T] [--endpoint E] [--status S] [--limit N]
  npm run cli -- deliveries show <id>       the delivery and every attempt: time, status or error, latency, response
  npm run cli -- deliveries retry <id>      attempt an exhausted, skipped or failed delivery again now

List options:
  --tenant T      only this tenant's deliveries (default: every tenant)
  --endpoint E    only deliveries to this endpoint id (default: every endpoint)
  --status S      only this status: ${DELIVERY_STATUSES.join(', ')} (default: every status)
  --limit N       at most N, newest first, 1-1000 (default ${DEFAULT_LIMIT})

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
  summary: 'List outbound deliveries, show one with its attempts, or retry one',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const base = baseUrlFrom(values);
    const json = values.json ?? false;
    if (sub === 'list') {
      const query = new URLSearchParams();
      if (values.endpoint !== undefined) query.set('endpoint', values.endpoint);
      if (values.status !== undefined) query.set('status', values.status);
      query.set('limit', values.limit ?? String(DEFAULT_LIMIT));
      const path = values.tenant === undefined ? '/v1/deliveries' : `/v1/tenants/${enc(values.tenant)}/deliveries`;
      const { body } = await api<{ deliveries: Delivery[] }>(
        base,
        'GET',
        `${path}${query.size > 0 ? `?${query}` : ''}`,
      );
      if (json) return printJson(io, withIsoTimes(body.deliveries));
      if (body.deliveries.length === 0) io.out('No deliveries.');
      for (const d of body.deliveries) io.out(line(d));
      return 0;
    }
    if (id === undefined) throw new UsageError(`deliveries ${sub ?? ''}: which delivery id?`);
    if (sub === 'show') {
      const { body } = await api<{ delivery: Delivery; attempts: Attempt[] }>(base, 'GET', `/v1/deliveries/${enc(id)}`);
      if (json) return printJson(io, withIsoTimes(body));
      io.out(line(body.delivery));
      io.out(
        `  message ${body.delivery.messageId}  endpoint ${body.delivery.endpointId}  tenant ${body.delivery.tenantId}`,
      );
      if (body.attempts.length === 0) io.out('  no attempt yet');
      for (const a of body.attempts) {
        const result = a.status !== undefined ? `HTTP ${a.status}` : `${a.error} (${a.errorDetail ?? ''})`;
        const response = a.responseBody
          ? `  ${JSON.stringify(a.responseBody.slice(0, 80))}${a.responseBodyTruncated ? ' (truncated)' : ''}`
          : '';
        io.out(`  #${a.number}  ${time(a.at)}  ${result}  ${a.latencyMs} ms${response}`);
      }
      return 0;
    }
    if (sub === 'retry') {
      const { body } = await api<{ delivery: Delivery }>(base, 'POST', `/v1/deliveries/${enc(id)}/retry`);
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

function line(d: Delivery): string {
  const next = d.status === 'failed' || d.status === 'pending' ? `  next ${time(d.nextAttemptAt)}` : '';
  return `${d.deliveryId}  ${d.status.padEnd(9)}  ${d.attemptCount} attempt${d.attemptCount === 1 ? ' ' : 's'}${next}${d.skipReason ? `  (${d.skipReason})` : ''}`;
}
