import { describe, expect, it } from 'vitest';
import {
  buildFilterPolicy,
  filterCombinations,
  MESSAGE_ATTRIBUTES,
  subscriptionFilterPolicy,
} from '../../lib/filter-policy';
import { toSnsFilterPolicy } from '../../lib/constructs/event-topic';

describe('buildFilterPolicy()', () => {
  it('returns undefined for no filter, so the subscriber gets every event', () => {
    expect(buildFilterPolicy(undefined)).toBeUndefined();
    expect(buildFilterPolicy({})).toBeUndefined();
  });

  it('turns a source list into an allow-list on the source attribute', () => {
    expect(buildFilterPolicy({ source: ['stripe', 'github'] })).toEqual({
      [MESSAGE_ATTRIBUTES.source]: ['stripe', 'github'],
    });
  });

  it('turns type into an allow-list and typePrefix into prefix matches on the type attribute', () => {
    expect(buildFilterPolicy({ type: ['charge.refunded'], typePrefix: ['invoice.', 'payout.'] })).toEqual({
      [MESSAGE_ATTRIBUTES.type]: ['charge.refunded', { prefix: 'invoice.' }, { prefix: 'payout.' }],
    });
  });

  it('constrains source and type together (SNS ANDs attributes)', () => {
    expect(buildFilterPolicy({ source: ['stripe'], typePrefix: ['invoice.'] })).toEqual({
      source: ['stripe'],
      type: [{ prefix: 'invoice.' }],
    });
  });

  it("turns a tenant list into an allow-list on the tenant attribute, which only tenant sources' events carry", () => {
    expect(buildFilterPolicy({ tenant: ['acme', 'beta'], type: ['push'] })).toEqual({
      [MESSAGE_ATTRIBUTES.tenant]: ['acme', 'beta'],
      [MESSAGE_ATTRIBUTES.type]: ['push'],
    });
  });

  it('drops duplicate values', () => {
    expect(buildFilterPolicy({ source: ['stripe', 'stripe'], typePrefix: ['a.', 'a.'] })).toEqual({
      source: ['stripe'],
      type: [{ prefix: 'a.' }],
    });
  });
});

describe('filterCombinations()', () => {
  it('multiplies the value counts of the attributes, as SNS counts them against its limit', () => {
    expect(filterCombinations({ source: ['a', 'b'], type: ['x', { prefix: 'y' }, 'z'] })).toBe(6);
  });
});

describe('toSnsFilterPolicy()', () => {
  it('wraps each attribute in a SubscriptionFilter with the same conditions', () => {
    const policy = toSnsFilterPolicy({ source: ['stripe'], type: [{ prefix: 'invoice.' }] });
    expect(policy?.source?.conditions).toEqual(['stripe']);
    expect(policy?.type?.conditions).toEqual([{ prefix: 'invoice.' }]);
    expect(toSnsFilterPolicy(undefined)).toBeUndefined();
  });
});

describe('subscriptionFilterPolicy()', () => {
  it('lets a subscription receive every first delivery and only the replays aimed at it', () => {
    expect(subscriptionFilterPolicy({ id: 'billing', filter: { source: ['stripe'] } })).toEqual({
      [MESSAGE_ATTRIBUTES.source]: ['stripe'],
      replayTarget: [{ exists: false }, 'billing'],
    });
    expect(subscriptionFilterPolicy({ id: 'audit' })).toEqual({ replayTarget: [{ exists: false }, 'audit'] });
  });
});
