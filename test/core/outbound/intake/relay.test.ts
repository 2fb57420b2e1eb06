import { describe, expect, it } from 'vitest';
import { idProblem } from '../../../../lambdas/core/outbound/ids';
import { defineRelays, relayFilterPolicy, relayMessages } from '../../../../lambdas/core/outbound/intake/relay';

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

  it("relays a tenant source's event to its own tenant only, and a config source's event never to a tenant rule", () => {
    const rules = defineRelays([{ tenantSources: true, types: ['push', 'issues.*'] }]);
    const push = { source: 'acme.github', tenant: 'acme', type: 'push', eventId: 'd1', message: '{}' };
    expect(relayMessages(push, rules)).toEqual([
      { tenantId: 'acme', id: 'acme.github:d1', type: 'push', payload: '{}' },
    ]);
    expect(relayMessages({ ...push, type: 'star' }, rules)).toEqual([]);
    expect(relayMessages(event, rules)).toEqual([]);
    expect(relayMessages({ ...event, tenant: 'acme' }, defineRelays([{ source: 'github', tenant: 'dev' }]))).toEqual(
      [],
    );
  });

  it('relayFilterPolicy() lets through the named sources and, with a tenant rule, every tenant source', () => {
    const named = defineRelays([
      { source: 'stripe', tenant: 'a' },
      { source: 'stripe', tenant: 'b' },
    ]);
    const tenants = defineRelays([{ tenantSources: true }]);
    expect(relayFilterPolicy(named)).toEqual({ source: ['stripe'] });
    expect(relayFilterPolicy(tenants)).toEqual({ tenant: [{ exists: true }] });
    expect(relayFilterPolicy([...named, ...tenants])).toEqual({
      $or: [{ source: ['stripe'] }, { tenant: [{ exists: true }] }],
    });
    expect(relayFilterPolicy([])).toBeUndefined();
  });

  it('defineRelays() refuses a bad filter pattern or tenant', () => {
    expect(() => defineRelays([{ source: 'stripe', types: ['in*'], tenant: 'a' }])).toThrow();
    expect(() => defineRelays([{ source: 'stripe', tenant: 'a b' }])).toThrow();
    expect(() => defineRelays([{ source: 'stripe', tenant: 't'.repeat(65) }])).toThrow(/1-64 letters/);
  });

  it.each([
    ['a space', 'evt 1'],
    ['a control character', 'evt\u00071'],
    ['a length the message-id rule refuses', 'e'.repeat(256)],
  ])('gives an event id with %s a message id the id rule accepts, the same for every redelivery', (_what, eventId) => {
    const rules = defineRelays([{ source: 'stripe', tenant: 'billing' }]);

    const [first] = relayMessages({ ...event, eventId }, rules);
    const [again] = relayMessages({ ...event, eventId }, rules);

    expect(first!.id).toMatch(/^stripe:sha256:[0-9a-f]{64}$/);
    expect(idProblem('message', first!.id)).toBeUndefined();
    expect(again!.id).toBe(first!.id);
  });
});
