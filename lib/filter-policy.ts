/**
 * Turns a subscription's `filter` from the config into an SNS filter policy on the message
 * attributes the processor sets. Pure: no CDK types, so it is tested on plain values.
 */
import { MESSAGE_ATTRIBUTES, REPLAY_ATTRIBUTES } from '../lambdas/contract';
import type { SubscriptionConfig } from './config-schema';

export { MESSAGE_ATTRIBUTES };

export type SubscriptionFilter = NonNullable<SubscriptionConfig['filter']>;

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
export function subscriptionFilterPolicy(subscription: Pick<SubscriptionConfig, 'id' | 'filter'>): FilterPolicy {
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
