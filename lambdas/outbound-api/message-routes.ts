/**
 * The message routes of the outbound API (`/v1/tenants/{tenant}/messages…`) and the read-back of recovery and
 * replay runs (`/v1/tenants/{tenant}/recoveries/{recovery}`): thin calls into the core.
 */
import { randomUUID } from 'node:crypto';
import { jsonResponse } from '../core/kernel/http';
import { NotFoundError } from '../core/outbound/errors';
import { parseMessageBody } from '../core/outbound/intake/message-body';
import { showMessage } from '../core/outbound/intake/message-view';
import { submitMessage } from '../core/outbound/intake/submit';
import { runReplay } from '../core/outbound/recovery/requests';
import { pageQuery, type RouteHandler } from './request';

export const submit: RouteHandler = async (r, deps) => {
  const tenantId = r.ids.tenant!;
  const body = parseMessageBody(r.text(), r.headers['idempotency-key']);
  const outcome = await submitMessage(
    { tenantId, id: body.id ?? `msg_${randomUUID()}`, type: body.type, payload: body.payload },
    deps,
  );
  // `deliveries` will be attempted; `skipped` were recorded for disabled endpoints (sent by `endpoints recover`).
  const skipped = outcome.deliveries.filter((d) => d.status === 'skipped').length;
  return jsonResponse(outcome.status === 'accepted' ? 202 : 200, {
    status: outcome.status,
    id: outcome.message.id,
    deliveries: outcome.deliveries.length - skipped,
    skipped,
  });
};

/** Newest first, a page at a time: `{messages, cursor?}` (no payloads: `show` has it). */
export const list: RouteHandler = async (r, deps) => {
  const page = await deps.messages.list(r.ids.tenant!, pageQuery(r.query));
  return jsonResponse(200, { messages: page.items, ...(page.cursor !== undefined && { cursor: page.cursor }) });
};

export const show: RouteHandler = async (r, deps) =>
  jsonResponse(200, await showMessage(r.ids.tenant!, r.ids.message!, deps));

export const replay: RouteHandler = async (r, deps) =>
  jsonResponse(202, await runReplay(r.ids.tenant!, r.text(), deps));

export const recoveryRun: RouteHandler = async (r, deps) => {
  const run = await deps.recovery.getRun(r.ids.tenant!, r.ids.recovery!);
  if (!run) throw new NotFoundError('recovery');
  return jsonResponse(200, { recovery: run });
};
