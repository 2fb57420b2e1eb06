/** `messages send`: publishes a message to a tenant's endpoints through the outbound API. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { api, baseUrlFrom, COMMON_OPTIONS, COMMON_OPTIONS_USAGE, enc, sendToLocalIntake } from '../lib/outbound-api';

const USAGE = `Usage:
  npm run cli -- messages send --tenant T --type TYPE (--data JSON | --data-file F) [--id ID] [--via-queue] [--json] [--url API]

Prints the message id once the stack has recorded the message and its deliveries (202), or "duplicate" when
that id was accepted before with the same type and payload (the same id with another payload is refused, 409).
--id is the idempotency key (sent as Idempotency-Key); without it the stack assigns one.
--via-queue sends it through the local stack's intake queue instead (attributes tenant, type, id, as producers on
AWS do): printed once queued; the intake handler accepts it, or dead-letters it after 5 refusals.

${COMMON_OPTIONS_USAGE}`;

export const command: Command = {
  name: 'messages',
  summary: 'Send a message to a tenant\'s outbound endpoints (messages send --tenant T --type X --data JSON)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, tenant: { type: 'string' }, type: { type: 'string' }, data: { type: 'string' }, 'data-file': { type: 'string' }, id: { type: 'string' }, 'via-queue': { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals[0] !== 'send' || positionals.length > 1) throw new UsageError('Usage: messages send …');
    if (values.tenant === undefined || values.type === undefined) throw new UsageError('--tenant and --type are required');
    if ((values.data === undefined) === (values['data-file'] === undefined)) throw new UsageError('Give exactly one of --data and --data-file');
    const payload = values.data ?? readFileSync(values['data-file']!, 'utf8').trim();
    try {
      JSON.parse(payload);
    } catch {
      throw new UsageError('The payload is not valid JSON');
    }
    if (values['via-queue']) {
      const queued = await sendToLocalIntake(baseUrlFrom(values), { tenant: values.tenant, type: values.type, id: values.id, payload });
      io.out(values.json ? JSON.stringify(queued) : `queued on ${queued.queue} as ${queued.messageId}${values.id === undefined ? ' (the message id, without --id)' : ''}`);
      return 0;
    }
    // The payload goes into the body as text, byte for byte: the stack keeps it exactly as sent.
    const body = `{"type":${JSON.stringify(values.type)},"payload":${payload}}`;
    const { status, body: answer } = await api<{ status: string; id: string; deliveries: number }>(baseUrlFrom(values), 'POST', `/v1/tenants/${enc(values.tenant)}/messages`, {
      body,
      ...(values.id !== undefined && { headers: { 'idempotency-key': values.id } }),
    });
    if (values.json) io.out(JSON.stringify({ ...answer, httpStatus: status }));
    else io.out(`${answer.id}  ${answer.status}  ${answer.deliveries} ${answer.deliveries === 1 ? 'delivery' : 'deliveries'}`);
    return 0;
  },
};
