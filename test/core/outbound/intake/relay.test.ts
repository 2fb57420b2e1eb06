import { describe, expect, it } from 'vitest';
import { defineRelays, relayMessages } from '../../../../lambdas/core/outbound/intake/relay';

const event = { source: 'stripe', type: 'invoice.paid', eventId: 'evt_1', message: '{"id":"evt_1"}' };

describe('relayMessages()', () => {
  it('makes one message per matching rule, with the id <source>:<eventId> so a redelivered event is accepted once', () => {
    const rules = defineRelays([
      { source: 'stripe', types: ['invoice.*'], tenant: 'billing' },
      { source: 'stripe', tenant: 'audit' },
      { source: 'github', tenant: 'dev' },
      { source: 'stripe', types: ['order.*'], tenant: 'orders' },
    ]);
    expect(relayMessages(event, rules)).toEqual([
      { tenantId: 'billing', id: 'stripe:evt_1', type: 'invoice.paid', payload: '{"id":"evt_1"}' },
      { tenantId: 'audit', id: 'stripe:evt_1', type: 'invoice.paid', payload: '{"id":"evt_1"}' },
    ]);
  });

  it('defineRelays() refuses a bad filter pattern or tenant', () => {
    expect(() => defineRelays([{ source: 'stripe', types: ['in*'], tenant: 'a' }])).toThrow();
    expect(() => defineRelays([{ source: 'stripe', tenant: 'a b' }])).toThrow();
  });
});
