/**
 * Verify-and-relay: inbound events the stack published to its topic, delivered to a tenant's endpoints as outbound
 * messages (receive from Stripe, verify, deliver signed to internal services). A relay rule names a source, the
 * event types it takes (exact, `prefix.*` or `*`) and the tenant whose endpoints receive them. The message id is
 * `<source>:<eventId>`, so a topic redelivery of the same event is accepted once; an event id that would break the
 * message-id rule (ids.ts: a space, a control character, too long) becomes `<source>:sha256:<hex of the event id>`,
 * still one id per event.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { isFilterPattern, matchesFilter } from '../event-filter';
import { idProblem } from '../ids';
import type { MessageInput } from './accept';

export const relayRuleSchema = z.strictObject({
  source: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a source id')),
  types: z._default(
    z.array(z.string().check(z.refine(isFilterPattern, 'must be *, <type>.* or an event type'))).check(z.minLength(1)),
    ['*'],
  ),
  tenant: z.string().check(z.refine((t) => idProblem('tenant', t) === undefined, idProblem('tenant', '')!)),
});
export type RelayRule = z.output<typeof relayRuleSchema>;

/** Checks relay rules once (at synth, at cold start, at local start); throws naming the bad field. */
export function defineRelays(rules: ReadonlyArray<z.input<typeof relayRuleSchema>>): readonly RelayRule[] {
  return z.array(relayRuleSchema).parse(rules);
}

/** The outbound messages one published event becomes: one per matching rule (usually none or one). */
export function relayMessages(
  event: { readonly source: string; readonly type: string; readonly eventId: string; readonly message: string },
  rules: readonly RelayRule[],
): MessageInput[] {
  return rules
    .filter((r) => r.source === event.source && matchesFilter(r.types, event.type))
    .map((r) => ({
      tenantId: r.tenant,
      id: relayMessageId(event.source, event.eventId),
      type: event.type,
      payload: event.message,
    }));
}

/** The message id of a relayed event: `<source>:<eventId>`, or a hash of the event id when that is not a valid id. */
export function relayMessageId(source: string, eventId: string): string {
  const id = `${source}:${eventId}`;
  if (idProblem('message', id) === undefined) return id;
  return `${source}:sha256:${createHash('sha256').update(eventId).digest('hex')}`;
}
