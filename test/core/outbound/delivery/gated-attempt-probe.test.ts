/** deliver() with `probe`: a circuit probe is logged but does not advance the delivery's retry schedule. */
import { describe, expect, it } from 'vitest';
import { deliver } from '../../../../lambdas/core/outbound/delivery/attempt';
import { deliveryFixture, NOW, ok } from '../../../helpers/outbound';

// One retry: a second real failure exhausts the delivery.
const lastChance = {
  endpoint: { retryDelaysSeconds: [1] },
  delivery: { status: 'failed' as const, attemptCount: 1, nextAttemptAt: NOW - 2000 },
};

describe('deliver() with probe', () => {
  it('a failed probe is logged flagged as a probe, and the delivery keeps its schedule instead of being exhausted', async () => {
    const { job, deps, deliveries } = deliveryFixture({ ...lastChance, script: [ok(503)] });
    const result = await deliver(job, deps, { probe: true });
    expect(result).toMatchObject({ outcome: 'failed', nextAttemptAt: NOW - 2000 });
    expect(deliveries.attempts).toMatchObject([{ number: 2, status: 503, probe: true }]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({
      status: 'failed',
      attemptCount: 2,
      probes: 1,
      nextAttemptAt: NOW - 2000,
    });
  });

  it('without probe the same failure exhausts the delivery (the schedule counts it)', async () => {
    const { job, deps } = deliveryFixture({ ...lastChance, script: [ok(503)] });
    expect((await deliver(job, deps)).outcome).toBe('exhausted');
  });

  it('probes are not counted by later attempts: after one failure and one probe, the next failure is the second of the schedule', async () => {
    const { job, deps, deliveries } = deliveryFixture({
      endpoint: { retryDelaysSeconds: [1, 1] },
      delivery: { ...lastChance.delivery, attemptCount: 2, probes: 1 },
      script: [ok(503)],
    });
    const result = await deliver(job, deps);
    expect(result.outcome).toBe('failed'); // counting the probe, this would be the third and last: exhausted
    expect(deliveries.attempts[0]).not.toHaveProperty('probe');
  });

  it('a successful probe delivers', async () => {
    const { job, deps, deliveries } = deliveryFixture({ ...lastChance, script: [ok(200)] });
    expect((await deliver(job, deps, { probe: true })).outcome).toBe('delivered');
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ status: 'delivered', probes: 1 });
  });
});
