/** `messages send|list|show|replay`: a tenant's messages through the outbound API. */
import { readFileSync } from 'node:fs';
import type { MessageView } from '../../lambdas/core/outbound/intake/message-view';
import type { MessageSummary } from '../../lambdas/core/outbound/ports';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import {
  api,
  baseUrlFrom,
  COMMON_OPTIONS,
  COMMON_OPTIONS_USAGE,
  enc,
  limitFrom,
  readList,
  replayMessages,
  sendToLocalIntake,
  shownOf,
  tenantPath,
  time,
  WINDOW_OPTIONS,
  WINDOW_OPTIONS_USAGE,
} from '../lib/outbound-api';
import { printJson, table, terminalSafe, withIsoTimes } from '../lib/output';
import { runLines } from '../lib/run-text';
import { deliveryTable } from './deliveries';

const USAGE = `Usage:
  npm run cli -- messages send --tenant T --type TYPE (--data JSON | --data-file F) [--id ID] [--via-queue] [--json] [--url URL]
  npm run cli -- messages list --tenant T [--limit N] [--json] [--url URL]
  npm run cli -- messages show <id> --tenant T [--json] [--url URL]
  npm run cli -- messages replay --tenant T --since T [--until T] [--type PATTERN] [--endpoint E] [--label L] [--json] [--url URL]

send prints the message id once the stack has recorded the message and its deliveries (202), or "duplicate" when
that id was accepted before with the same type and payload (the same id with another payload is refused, 409).

list prints the tenant's stored messages, newest first, under a header row, reading every page (with --limit N,
the newest N and, on stderr, how many there are). show prints one message, its payload, and its deliveries.

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

List options:
  --limit N        only the newest N (default: every message)

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
  limit: { type: 'string' },
} as const;

const SUBCOMMANDS = ['send', 'list', 'show', 'replay'];

export const command: Command = {
  name: 'messages',
  summary: "Send a message to a tenant's outbound endpoints, list or show stored ones, or replay them",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, id, ...extra] = positionals;
    if (sub === undefined || !SUBCOMMANDS.includes(sub))
      throw new UsageError(`Usage: messages ${SUBCOMMANDS.join('|')} …`);
    if ((sub === 'show' ? extra : [id, ...extra]).some((a) => a !== undefined))
      throw new UsageError(`unexpected argument "${[id, ...extra].find((a) => a !== undefined)}"`);
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    const base = baseUrlFrom(values);
    if (sub === 'replay') {
      const r = await replayMessages(base, values.tenant, values);
      if (values.json) return printJson(io, r);
      for (const l of runLines({ ...r, kind: 'replay' }, values.tenant)) io.out(l);
      return 0;
    }
    if (sub === 'list') {
      const path = `${tenantPath(values.tenant)}/messages`;
      const read = await readList<MessageSummary>(
        base,
        path,
        'messages',
        new URLSearchParams(),
        limitFrom(values.limit),
      );
      if (values.json) printJson(io, withIsoTimes(read.items));
      else if (read.items.length === 0) io.out(`No messages for tenant ${terminalSafe(values.tenant)}.`);
      else
        for (const l of table(read.items, ['createdAt', 'id', 'type'], { createdAt: (m) => time(m.createdAt) }))
          io.out(l);
      const shown = shownOf(read, 'messages');
      if (shown !== undefined) io.err(shown);
      return 0;
    }
    if (sub === 'show') {
      if (id === undefined) throw new UsageError('messages show: which message id?');
      const { body } = await api<MessageView>(base, 'GET', `${tenantPath(values.tenant)}/messages/${enc(id)}`);
      if (values.json) return printJson(io, withIsoTimes(body));
      const m = body.message;
      io.out(terminalSafe(`${m.id}  ${m.type}  created ${time(m.createdAt)}  kept until ${time(m.expiresAt)}`));
      io.out(terminalSafe(`  payload ${m.payload}`));
      if (body.deliveries.length === 0) io.out('  no delivery (no endpoint of the tenant matched its type)');
      else for (const l of deliveryTable(body.deliveries)) io.out(`  ${l}`);
      if (!body.complete) io.out('  (only its first deliveries were read: see deliveries list for the rest)');
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
    if (values.json) printJson(io, { ...answer, httpStatus: status });
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
