/**
 * A subscription's filter, described once: its shape (what `config/sources.ts` subscriptions and a
 * `listen --routes` file write) and the SNS filter policy it becomes on the attributes the processor publishes
 * with (`MESSAGE_ATTRIBUTES`). The stack's subscriptions (lib/), the local topic (local/) and `listen --stack` (cli/)
 * all build their policies here. Pure: plain values in and out.
 */
import * as z from 'zod/mini';
import { MESSAGE_ATTRIBUTES, REPLAY_ATTRIBUTES } from '../../contract';

const nonEmptyStrings = z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)));

/** Which events a subscriber receives: any of `source`, and any of `type` or a type starting with a `typePrefix`. */
export const subscriptionFilterShape = z.strictObject({
  source: nonEmptyStrings,
  type: nonEmptyStrings,
  /** Match event types by prefix, e.g. `invoice.` */
  typePrefix: nonEmptyStrings,
  /** Tenant sources' events of these tenants only (the `tenant` attribute; config sources' events have none). */
  tenant: nonEmptyStrings,
});

export type SubscriptionFilter = z.output<typeof subscriptionFilterShape>;

/** One allowed value of an attribute: an exact string, a prefix match, or its absence. */
export type FilterCondition = string | { readonly prefix: string } | { readonly exists: false };

/** An SNS filter policy (attribute scope): attribute name to the conditions any one of which must match. */
export type FilterPolicy = Readonly<Record<string, readonly FilterCondition[]>>;

/**
 * Builds the filter policy for a subscription, or `undefined` when it receives every event.
 * Different attributes are ANDed (SNS semantics); `type` and `typePrefix` both constrain the
 * `type` attribute and are ORed, so `{ type: ['charge.refunded'], typePrefix: ['invoice.'] }`
 * matches either.
 *
 * @example
 * buildFilterPolicy({ source: ['stripe'], typePrefix: ['invoice.'] });
 * // => { source: ['stripe'], type: [{ prefix: 'invoice.' }] }
 */
export function buildFilterPolicy(filter: SubscriptionFilter | undefined): FilterPolicy | undefined {
  if (!filter) return undefined;
  const policy: Record<string, FilterCondition[]> = {};
  if (filter.source?.length) policy[MESSAGE_ATTRIBUTES.source] = unique(filter.source);
  const typeConditions: FilterCondition[] = [
    ...unique(filter.type ?? []),
    ...unique(filter.typePrefix ?? []).map((prefix) => ({ prefix })),
  ];
  if (typeConditions.length) policy[MESSAGE_ATTRIBUTES.type] = typeConditions;
  if (filter.tenant?.length) policy[MESSAGE_ATTRIBUTES.tenant] = unique(filter.tenant);
  return Object.keys(policy).length ? policy : undefined;
}

/**
 * The policy a subscription is created with: its filter, and the replay rule: a replay aimed at one subscription
 * (`replayTarget`, lambdas/contract.ts) reaches only that one; every other message has no `replayTarget`.
 */
export function subscriptionFilterPolicy(subscription: {
  readonly id: string;
  readonly filter?: SubscriptionFilter | undefined;
}): FilterPolicy {
  return {
    ...buildFilterPolicy(subscription.filter),
    [REPLAY_ATTRIBUTES.target]: [{ exists: false }, subscription.id],
  };
}

/** SNS caps a filter policy at 150 value combinations; a policy is the product of its attributes' value counts. */
export const MAX_FILTER_COMBINATIONS = 150;

/** The number of value combinations SNS counts against its limit for this policy. */
export function filterCombinations(policy: FilterPolicy): number {
  return Object.values(policy).reduce((product, conditions) => product * conditions.length, 1);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
