import { describe, expect, it } from 'vitest';
import { submitMessage } from '../../../../lambdas/core/outbound/intake/submit';
import { deliveryIdFor } from '../../../../lambdas/core/outbound/intake/fanout';
import type { WakeUpQueue } from '../../../../lambdas/core/outbound/ports';
import {
  endpoint,
  FakeDeliveryStore,
  FakeEndpointStore,
  FakeMessageStore,
  NOW,
  PAYLOAD,
  recordingLog,
  TENANT,
} from '../../../helpers/outbound';

const INPUT = { tenantId: TENANT, id: 'msg_1', type: 'invoice.paid', payload: PAYLOAD };

/** The fixture: one enabled and one disabled endpoint, both for invoices; wake-ups are kept. */
function fixture() {
  const woken: string[] = [];
  const wakeUps: WakeUpQueue = { send: async (list) => void woken.push(...list.map((w) => w.deliveryId)) };
  const deliveries = new FakeDeliveryStore();
  const endpoints = new FakeEndpointStore([
    endpoint({ endpointId: 'ep_on' }),
    endpoint({ endpointId: 'ep_off', enabled: false, disabledReason: '410 Gone' }),
  ]);
  const deps = {
    messages: new FakeMessageStore(),
    deliveries,
    endpoints,
    wakeUps,
    now: () => NOW,
    log: recordingLog(),
  };
  return { deps, deliveries, woken };
}

describe('submitMessage()', () => {
  it("wakes a worker for the enabled endpoint's pending delivery only; the disabled endpoint's is recorded skipped", async () => {
    const { deps, deliveries, woken } = fixture();

    const outcome = await submitMessage(INPUT, deps);

    expect(outcome.status).toBe('accepted');
    expect(woken).toEqual([deliveryIdFor(TENANT, 'msg_1', 'ep_on')]);
    expect(deliveries.deliveries.get(deliveryIdFor(TENANT, 'msg_1', 'ep_on'))).toMatchObject({
      status: 'pending',
      nextAttemptAt: NOW,
    });
    expect(deliveries.deliveries.get(deliveryIdFor(TENANT, 'msg_1', 'ep_off'))).toMatchObject({
      status: 'skipped',
      skipReason: 'endpoint_disabled',
    });
  });

  it("logs the message's deliveries by id, so a search by the message id leads to each delivery's lines", async () => {
    const { deps } = fixture();

    await submitMessage(INPUT, deps);

    const accepted = deps.log.lines.find((l) => l.message === 'message accepted')!;
    expect(accepted.extra[0]).toMatchObject({
      messageId: 'msg_1',
      deliveryIds: [deliveryIdFor(TENANT, 'msg_1', 'ep_on'), deliveryIdFor(TENANT, 'msg_1', 'ep_off')],
    });
  });

  it('a duplicate accept creates nothing twice', async () => {
    const { deps, deliveries } = fixture();
    await submitMessage(INPUT, deps);

    const again = await submitMessage(INPUT, deps);

    expect(again.status).toBe('duplicate');
    expect(deliveries.deliveries.size).toBe(2);
    expect(deliveries.creates).toBe(1);
  });

  it('sends no wake-up when every matching endpoint is disabled', async () => {
    const { deps, woken } = fixture();
    deps.endpoints.endpoints.splice(0, 1);

    const outcome = await submitMessage(INPUT, deps);

    expect(outcome.deliveries.map((d) => d.status)).toEqual(['skipped']);
    expect(woken).toEqual([]);
  });
});
