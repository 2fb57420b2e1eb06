/**
 * Verify-and-relay: inbound events the stack published to its topic, delivered to a tenant's endpoints as outbound
 * messages (receive from Stripe, verify, deliver signed to internal services). Two kinds of rule:
 * - a config source's events to a named tenant: `{ source, types, tenant }`;
 * - every tenant source's events to that source's own tenant: `{ tenantSources: true, types }`, so a tenant
 *   that connects its GitHub gets its GitHub events on its own endpoints, and never another tenant's.
 * Types are exact, `prefix.*` or `*`. The message id is `<source>:<eventId>`, so a topic redelivery of the same
 * event is accepted once; an event id that would break the message-id rule (ids.ts: a space, a control character,
 * too long) becomes `<source>:sha256:<hex of the event id>`, still one id per event.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { isFilterPattern, matchesFilter } from '../event-filter';
import { idProblem } from '../ids';
import type { MessageInput } from './accept';

const types = z._default(
  z.array(z.string().check(z.refine(isFilterPattern, 'must be *, <type>.* or an event type'))).check(z.minLength(1)),
  ['*'],
);

export const relayRuleSchema = z.union([
  z.strictObject({
    source: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a source id')),
    types,
    tenant: z.string().check(z.refine((t) => idProblem('tenant', t) === undefined, idProblem('tenant', '')!)),
  }),
  z.strictObject({ tenantSources: z.literal(true), types }),
]);
export type RelayRule = z.output<typeof relayRuleSchema>;

/** Checks relay rules once (at synth, at cold start, at local start); throws naming the bad field. */
export function defineRelays(rules: ReadonlyArray<z.input<typeof relayRuleSchema>>): readonly RelayRule[] {
  return z.array(relayRuleSchema).parse(rules);
}

/** An event as the topic carries it: its attributes (`tenant` on a tenant source's events only) and its message. */
export interface RelayedEvent {
  readonly source: string;
  readonly type: string;
  readonly eventId: string;
  readonly tenant?: string | undefined;
  readonly message: string;
}

/** The outbound messages one published event becomes: one per matching rule (usually none or one). */
export function relayMessages(event: RelayedEvent, rules: readonly RelayRule[]): MessageInput[] {
  return rules.flatMap((r) => {
    const tenantId = 'tenantSources' in r ? event.tenant : r.source === event.source ? r.tenant : undefined;
    if (tenantId === undefined || !matchesFilter(r.types, event.type)) return [];
    return [{ tenantId, id: relayMessageId(event.source, event.eventId), type: event.type, payload: event.message }];
  });
}

/**
 * The SNS filter policy (attribute scope) of the relay queue's subscription: the config sources the rules name,
 * and every tenant source's event (`tenant` exists) when a rule takes them; undefined when no rule takes anything.
 */
export function relayFilterPolicy(rules: readonly RelayRule[]): Record<string, unknown> | undefined {
  const sources = [...new Set(rules.flatMap((r) => ('source' in r ? [r.source] : [])))];
  const bySource = sources.length > 0 ? { source: sources } : undefined;
  const byTenant = rules.some((r) => 'tenantSources' in r) ? { tenant: [{ exists: true }] } : undefined;
  if (bySource && byTenant) return { $or: [bySource, byTenant] };
  return bySource ?? byTenant;
}

/** The message id of a relayed event: `<source>:<eventId>`, or a hash of the event id when that is not a valid id. */
export function relayMessageId(source: string, eventId: string): string {
  const id = `${source}:${eventId}`;
  if (idProblem('message', id) === undefined) return id;
  return `${source}:sha256:${createHash('sha256').update(eventId).digest('hex')}`;
}
