/** deliver() on a recovered delivery: the retry schedule starts over after `scheduleBase`, the attempt log goes on. */
import { describe, expect, it } from 'vitest';
import { deliver } from '../../../../lambdas/core/outbound/delivery/attempt';
import { deliveryFixture, NOW, ok } from '../../../helpers/outbound';

// Exhausted after its whole schedule (one retry: two attempts), then recovered.
const recovered = {
  endpoint: { retryDelaysSeconds: [1] },
  delivery: { status: 'pending' as const, attemptCount: 2, scheduleBase: 2, nextAttemptAt: NOW },
};

describe('deliver() on a recovered delivery', () => {
  it('a failure after recovery is the first of a fresh schedule: retried, not exhausted', async () => {
    const { job, deps, deliveries } = deliveryFixture({ ...recovered, script: [ok(503)] });

    const result = await deliver(job, deps);

    expect(result).toMatchObject({ outcome: 'failed', nextAttemptAt: NOW + 1000 });
    expect(deliveries.attempts).toMatchObject([{ number: 3, status: 503 }]);
  });

  it('the schedule still ends: the second failure after recovery exhausts it', async () => {
    const { job, deps } = deliveryFixture({
      ...recovered,
      delivery: { ...recovered.delivery, status: 'failed', attemptCount: 3 },
      script: [ok(503)],
    });

    expect((await deliver(job, deps)).outcome).toBe('exhausted');
  });

  it('probes made after the recovery are still not counted', async () => {
    const { job, deps } = deliveryFixture({
      ...recovered,
      delivery: { ...recovered.delivery, status: 'failed', attemptCount: 3, probes: 1 },
      script: [ok(503)],
    });

    expect((await deliver(job, deps)).outcome).toBe('failed');
  });
});
