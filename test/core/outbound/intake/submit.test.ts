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

  it('a duplicate accept creates nothing twice, and wakes the delivery again while it was never attempted', async () => {
    const { deps, deliveries, woken } = fixture();
    await submitMessage(INPUT, deps);

    const again = await submitMessage(INPUT, deps);

    expect(again.status).toBe('duplicate');
    expect(deliveries.deliveries.size).toBe(2);
    expect(woken).toEqual([deliveryIdFor(TENANT, 'msg_1', 'ep_on'), deliveryIdFor(TENANT, 'msg_1', 'ep_on')]);
  });

  it('a duplicate wakes nothing that was attempted already or that a worker holds a live claim on', async () => {
    const { deps, deliveries, woken } = fixture();
    await submitMessage({ ...INPUT, id: 'msg_tried' }, deps);
    await submitMessage({ ...INPUT, id: 'msg_held' }, deps);
    deliveries.deliveries.get(deliveryIdFor(TENANT, 'msg_tried', 'ep_on'))!.attemptCount = 1;
    deliveries.deliveries.get(deliveryIdFor(TENANT, 'msg_held', 'ep_on'))!.claim = {
      attempt: 1,
      token: 't',
      at: NOW,
      until: NOW + 1,
    };
    woken.length = 0;

    await submitMessage({ ...INPUT, id: 'msg_tried' }, deps);
    await submitMessage({ ...INPUT, id: 'msg_held' }, deps);

    expect(woken).toEqual([]);
  });

  it('a wake-up the queue refuses puts the delivery in the sweep a minute ahead; if that fails too, the submission fails', async () => {
    const { deps, deliveries } = fixture();
    const refusing = { ...deps, wakeUps: { send: () => Promise.reject(new Error('throttled')) } };

    await submitMessage(INPUT, refusing);
    expect([...deliveries.swept]).toEqual([[deliveryIdFor(TENANT, 'msg_1', 'ep_on'), NOW + 60_000]]);

    deliveries.sweepAt = () => Promise.reject(new Error('throttled too'));
    await expect(submitMessage({ ...INPUT, id: 'msg_2' }, refusing)).rejects.toThrow('throttled too');
  });

  it('sends no wake-up when every matching endpoint is disabled', async () => {
    const { deps, woken } = fixture();
    deps.endpoints.endpoints.splice(0, 1);

    const outcome = await submitMessage(INPUT, deps);

    expect(outcome.deliveries.map((d) => d.status)).toEqual(['skipped']);
    expect(woken).toEqual([]);
  });
});
