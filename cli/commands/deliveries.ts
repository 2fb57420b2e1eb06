/** `deliveries`: outbound deliveries and their attempts, and a manual retry (replay). */
import { parseArgs } from 'node:util';
import type { Attempt, Delivery } from '../../lambdas/core/outbound/model';
import { UsageError, type CliIo, type Command } from '../command';
import { api, baseUrlFrom, COMMON_OPTIONS, COMMON_OPTIONS_USAGE, enc, time } from '../lib/outbound-api';

const USAGE = `Usage:
  npm run cli -- deliveries list [--tenant T] [--endpoint E] [--status pending|delivered|failed|exhausted|skipped] [--limit N]
  npm run cli -- deliveries show <id>       the delivery and every attempt: time, status or error, latency, response
  npm run cli -- deliveries retry <id>      attempt an exhausted, skipped or failed delivery again now

${COMMON_OPTIONS_USAGE}`;

export const command: Command = {
  name: 'deliveries',
  summary: 'List outbound deliveries, show one with its attempts, or retry one',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        ...COMMON_OPTIONS,
        tenant: { type: 'string' },
        endpoint: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
      },
      allowPositionals: true,
    });
    const [sub, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument ${extra[0]}`);
    const base = baseUrlFrom(values);
    const json = values.json ?? false;
    if (sub === 'list') {
      const query = new URLSearchParams();
      if (values.endpoint !== undefined) query.set('endpoint', values.endpoint);
      if (values.status !== undefined) query.set('status', values.status);
      if (values.limit !== undefined) query.set('limit', values.limit);
      const path = values.tenant === undefined ? '/v1/deliveries' : `/v1/tenants/${enc(values.tenant)}/deliveries`;
      const { body } = await api<{ deliveries: Delivery[] }>(
        base,
        'GET',
        `${path}${query.size > 0 ? `?${query}` : ''}`,
      );
      if (json) return out(io, body.deliveries);
      if (body.deliveries.length === 0) io.out('No deliveries.');
      for (const d of body.deliveries) io.out(line(d));
      return 0;
    }
    if (id === undefined) throw new UsageError(`deliveries ${sub ?? ''}: which delivery id?`);
    if (sub === 'show') {
      const { body } = await api<{ delivery: Delivery; attempts: Attempt[] }>(base, 'GET', `/v1/deliveries/${enc(id)}`);
      if (json) return out(io, body);
      io.out(line(body.delivery));
      io.out(
        `  message ${body.delivery.messageId}  endpoint ${body.delivery.endpointId}  tenant ${body.delivery.tenantId}`,
      );
      if (body.attempts.length === 0) io.out('  no attempt yet');
      for (const a of body.attempts) {
        const result =
          a.status !== undefined ? `HTTP ${a.status}` : `${a.error}${a.errorDetail ? ` (${a.errorDetail})` : ''}`;
        const response = a.responseBody
          ? `  ${JSON.stringify(a.responseBody.slice(0, 80))}${a.responseBodyTruncated ? ' (truncated)' : ''}`
          : '';
        // An attempt of unknown outcome (its worker died) has no latency.
        const latency = a.latencyMs === undefined ? '' : `  ${a.latencyMs} ms`;
        io.out(`  #${a.number}  ${time(a.at)}  ${result}${latency}${response}`);
      }
      return 0;
    }
    if (sub === 'retry') {
      const { body } = await api<{ delivery: Delivery }>(base, 'POST', `/v1/deliveries/${enc(id)}/retry`);
      if (json) return out(io, body.delivery);
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

function out(io: CliIo, value: unknown): number {
  io.out(JSON.stringify(value));
  return 0;
}
