/** `messages send` and `messages replay`: a tenant's messages through the outbound API. */
import { readFileSync } from 'node:fs';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import {
  api,
  baseUrlFrom,
  COMMON_OPTIONS,
  COMMON_OPTIONS_USAGE,
  enc,
  replayMessages,
  sendToLocalIntake,
  WINDOW_OPTIONS,
  WINDOW_OPTIONS_USAGE,
} from '../lib/outbound-api';

const USAGE = `Usage:
  npm run cli -- messages send --tenant T --type TYPE (--data JSON | --data-file F) [--id ID] [--via-queue] [--json] [--url URL]
  npm run cli -- messages replay --tenant T --since T [--until T] [--type PATTERN] [--endpoint E] [--label L] [--json] [--url URL]

send prints the message id once the stack has recorded the message and its deliveries (202), or "duplicate" when
that id was accepted before with the same type and payload (the same id with another payload is refused, 409).

replay sends the stored messages created in the window again, as new deliveries to every enabled endpoint whose
filter matches, with the same webhook-id as the first time.

Send options:
  --tenant T       the tenant whose endpoints receive it (required, send and replay)
  --type TYPE      the event type, e.g. invoice.paid (required)
  --data JSON      the payload, sent byte for byte (required, or --data-file)
  --data-file F    read the payload from this file instead (required unless --data)
  --id ID          the idempotency key, sent as Idempotency-Key (default: the stack assigns one)
  --via-queue      through the local stack's intake queue instead (attributes tenant, type, id, as producers on
                   AWS do): printed once queued; the intake handler accepts it, or dead-letters it after 5
                   refusals (default: the API)

Replay options:
  --type PATTERN   only messages of these types: *, prefix.* or a type (default *)
  --endpoint E     only to this endpoint id (default: every enabled endpoint whose filter matches)
${WINDOW_OPTIONS_USAGE}

${COMMON_OPTIONS_USAGE}`;

const FLAGS = {
  ...COMMON_OPTIONS,
  ...WINDOW_OPTIONS,
  tenant: { type: 'string' },
  type: { type: 'string' },
  data: { type: 'string' },
  'data-file': { type: 'string' },
  id: { type: 'string' },
  endpoint: { type: 'string' },
  'via-queue': { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'messages',
  summary: "Send a message to a tenant's outbound endpoints, or replay stored ones (messages send|replay --tenant T …)",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, ...extra] = positionals;
    if ((sub !== 'send' && sub !== 'replay') || extra.length > 0) throw new UsageError('Usage: messages send|replay …');
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    if (sub === 'replay') {
      const r = await replayMessages(baseUrlFrom(values), values.tenant, values);
      if (values.json) io.out(JSON.stringify(r));
      else
        io.out(
          `queued ${r.queued} ${r.queued === 1 ? 'delivery' : 'deliveries'} for ${r.matched} matching ${r.matched === 1 ? 'message' : 'messages'}  replay ${r.replayId}`,
        );
      return 0;
    }
    if (values.type === undefined) throw new UsageError('--tenant and --type are required');
    if ((values.data === undefined) === (values['data-file'] === undefined))
      throw new UsageError('Give exactly one of --data and --data-file');
    const payload = values.data ?? readFileSync(values['data-file']!, 'utf8').trim();
    try {
      JSON.parse(payload);
    } catch {
      throw new UsageError('The payload is not valid JSON');
    }
    if (values['via-queue']) {
      const queued = await sendToLocalIntake(baseUrlFrom(values), {
        tenant: values.tenant,
        type: values.type,
        id: values.id,
        payload,
      });
      io.out(
        values.json
          ? JSON.stringify(queued)
          : `queued on ${queued.queue} as ${queued.messageId}${values.id === undefined ? ' (the message id, without --id)' : ''}`,
      );
      return 0;
    }
    // The payload goes into the body as text, byte for byte: the stack keeps it exactly as sent.
    const body = `{"type":${JSON.stringify(values.type)},"payload":${payload}}`;
    const { status, body: answer } = await api<{ status: string; id: string; deliveries: number; skipped?: number }>(
      baseUrlFrom(values),
      'POST',
      `/v1/tenants/${enc(values.tenant)}/messages`,
      {
        body,
        ...(values.id !== undefined && { headers: { 'idempotency-key': values.id } }),
      },
    );
    if (values.json) io.out(JSON.stringify({ ...answer, httpStatus: status }));
    else {
      // A disabled endpoint's delivery is recorded `skipped` (recoverable with `endpoints recover`), not attempted.
      const skipped = answer.skipped ? `, ${answer.skipped} skipped (endpoint disabled)` : '';
      io.out(
        `${answer.id}  ${answer.status}  ${answer.deliveries} ${answer.deliveries === 1 ? 'delivery' : 'deliveries'}${skipped}`,
      );
    }
    return 0;
  },
};
