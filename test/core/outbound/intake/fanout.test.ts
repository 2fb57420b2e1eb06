import { describe, expect, it } from 'vitest';
import { deliveryIdFor, fanout, planDeliveries } from '../../../../lambdas/core/outbound/intake/fanout';
import { endpoint, FakeDeliveryStore, FakeEndpointStore, message, NOW, TENANT } from '../../../helpers/outbound';

/** The fixture: four endpoints of the tenant (two match invoice.paid, one is disabled, one filters customers) and one of another tenant. */
function endpoints() {
  return [
    endpoint({ endpointId: 'ep_all', filterTypes: ['*'] }),
    endpoint({ endpointId: 'ep_invoices', filterTypes: ['invoice.*'] }),
    endpoint({ endpointId: 'ep_disabled', filterTypes: ['*'], enabled: false }),
    endpoint({ endpointId: 'ep_customers', filterTypes: ['customer.created'] }),
    endpoint({ tenantId: 'globex', endpointId: 'ep_other_tenant', filterTypes: ['*'] }),
  ];
}

describe('planDeliveries()', () => {
  it('plans one pending delivery, due now, per enabled endpoint of the tenant whose filter matches', () => {
    const planned = planDeliveries(message(), endpoints(), NOW);

    expect(planned.map((d) => d.endpointId)).toEqual(['ep_all', 'ep_invoices']);
    expect(planned[0]).toEqual({
      tenantId: TENANT,
      deliveryId: deliveryIdFor(TENANT, 'msg_1', 'ep_all'),
      messageId: 'msg_1',
      type: 'invoice.paid',
      endpointId: 'ep_all',
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('plans nothing when no endpoint matches', () => {
    expect(planDeliveries(message({ type: 'order.created' }), endpoints().slice(1), NOW)).toEqual([]);
  });
});

describe('fanout()', () => {
  it('creates the deliveries, and a second run creates none and returns the same ids', async () => {
    const deps = { endpoints: new FakeEndpointStore(endpoints()), deliveries: new FakeDeliveryStore() };

    const first = await fanout(message(), deps, NOW);
    const again = await fanout(message(), deps, NOW + 60_000);

    expect(first.created).toBe(3);
    expect(again.created).toBe(0);
    expect(again.deliveries.map((d) => d.deliveryId)).toEqual(first.deliveries.map((d) => d.deliveryId));
    expect(deps.deliveries.deliveries.size).toBe(3);
  });

  it('records a skipped delivery (endpoint_disabled), not a pending one, for a disabled endpoint whose filter matches', async () => {
    const deps = { endpoints: new FakeEndpointStore(endpoints()), deliveries: new FakeDeliveryStore() };

    const { deliveries } = await fanout(message(), deps, NOW);

    expect(deliveries.map((d) => [d.endpointId, d.status])).toEqual([
      ['ep_all', 'pending'],
      ['ep_invoices', 'pending'],
      ['ep_disabled', 'skipped'],
    ]);
    expect(deps.deliveries.deliveries.get(deliveryIdFor(TENANT, 'msg_1', 'ep_disabled'))).toEqual({
      tenantId: TENANT,
      deliveryId: deliveryIdFor(TENANT, 'msg_1', 'ep_disabled'),
      messageId: 'msg_1',
      type: 'invoice.paid',
      endpointId: 'ep_disabled',
      status: 'skipped',
      attemptCount: 0,
      skipReason: 'endpoint_disabled',
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('records nothing for a disabled endpoint whose filter does not match', async () => {
    const deps = {
      endpoints: new FakeEndpointStore([
        endpoint({ endpointId: 'ep_disabled', filterTypes: ['customer.*'], enabled: false }),
      ]),
      deliveries: new FakeDeliveryStore(),
    };

    expect(await fanout(message(), deps, NOW)).toEqual({ deliveries: [], created: 0 });
  });

  it('does not call the store when there is nothing to create', async () => {
    const deps = { endpoints: new FakeEndpointStore([]), deliveries: new FakeDeliveryStore() };

    expect(await fanout(message(), deps, NOW)).toEqual({ deliveries: [], created: 0 });
    expect(deps.deliveries.creates).toBe(0);
  });
});

describe('deliveryIdFor()', () => {
  it('is deterministic and opaque', () => {
    expect(deliveryIdFor('t', 'm', 'e')).toBe(deliveryIdFor('t', 'm', 'e'));
    expect(deliveryIdFor('t', 'm', 'e')).toMatch(/^dlv_[0-9a-f]{32}$/);
  });

  it('keeps the parts apart: moving a separator changes the id', () => {
    expect(deliveryIdFor('t', 'm.x', 'e')).not.toBe(deliveryIdFor('t', 'm', 'x.e'));
    expect(deliveryIdFor('t', 'm', 'e1')).not.toBe(deliveryIdFor('t', 'm', 'e2'));
    expect(deliveryIdFor('t1', 'm', 'e')).not.toBe(deliveryIdFor('t2', 'm', 'e'));
  });
});
