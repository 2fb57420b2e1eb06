/**
 * Claim before send (decision 0027), on the in-memory store: a worker sends an attempt only under its claim, leaves
 * a delivery another worker holds, and settles a dead worker's expired claim as an attempt of unknown outcome.
 */
import { describe, expect, it } from 'vitest';
import { deliver } from '../../../../lambdas/core/outbound/delivery/attempt';
import { claimState, settleStale } from '../../../../lambdas/core/outbound/delivery/claim';
import type { DeliveryClaim } from '../../../../lambdas/core/outbound/model';
import { CLAIM_LEASE_MS, deliveryFixture, NOW, ok } from '../../../helpers/outbound';

const held = (overrides: Partial<DeliveryClaim> = {}): DeliveryClaim => ({
  attempt: 1,
  token: 'claim_dead',
  at: NOW - CLAIM_LEASE_MS - 5000,
  until: NOW - 5000,
  ...overrides,
});

describe('claimState()', () => {
  it('is none without a claim, live until its lease ends, expired after', () => {
    expect(claimState({}, NOW)).toBe('none');
    expect(claimState({ claim: held({ until: NOW + 1 }) }, NOW)).toBe('live');
    expect(claimState({ claim: held({ until: NOW }) }, NOW)).toBe('expired');
  });
});

describe('deliver() under a claim', () => {
  it('takes the claim before sending and releases it with the record', async () => {
    const { job, deps, deliveries, sender } = deliveryFixture();
    const claims: unknown[] = [];
    const claim = deliveries.claim.bind(deliveries);
    deliveries.claim = async (r) => {
      claims.push({ ...r, sentBefore: sender.requests.length });
      return claim(r);
    };

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'delivered' });
    expect(claims).toEqual([
      {
        tenantId: job.delivery.tenantId,
        deliveryId: job.delivery.deliveryId,
        expectedAttemptCount: 0,
        claim: { attempt: 1, token: 'claim_1', at: NOW, until: NOW + CLAIM_LEASE_MS },
        sentBefore: 0,
      },
    ]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)?.claim).toBeUndefined();
  });

  it('leaves a delivery another worker holds a live claim on: nothing sent, nothing written', async () => {
    const { job, deps, deliveries, sender } = deliveryFixture();
    const claim = held({ token: 'claim_other', at: NOW - 1000, until: NOW + 60_000 });
    deliveries.deliveries.get(job.delivery.deliveryId)!.claim = claim;

    expect(await deliver({ ...job, delivery: { ...job.delivery, claim } }, deps)).toMatchObject({ outcome: 'claimed' });
    expect(sender.requests).toEqual([]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ attemptCount: 0, claim });
  });

  it("logs a dead worker's expired claim as an attempt of unknown outcome at its time, and sends the next one at once", async () => {
    const { job, deps, deliveries, sender } = deliveryFixture();
    const claim = held();
    deliveries.deliveries.get(job.delivery.deliveryId)!.claim = claim;

    expect(await deliver({ ...job, delivery: { ...job.delivery, claim } }, deps)).toMatchObject({
      outcome: 'delivered',
    });
    expect(sender.requests.map((r) => r.headers['webhook-id'])).toEqual(['msg_1']);
    expect(deliveries.attempts).toMatchObject([
      { number: 1, at: claim.at, error: 'unknown' },
      { number: 2, at: NOW, status: 200 },
    ]);
    expect(deliveries.attempts[0]).not.toHaveProperty('latencyMs');
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ status: 'delivered', attemptCount: 2 });
  });

  it('an unknown attempt that was the last of the schedule exhausts the delivery without sending', async () => {
    const { job, deps, deliveries, sender } = deliveryFixture({ endpoint: { retryDelaysSeconds: [5] } });
    const claim = held({ attempt: 2 });
    Object.assign(deliveries.deliveries.get(job.delivery.deliveryId)!, { status: 'failed', attemptCount: 1, claim });

    const result = await deliver(
      { ...job, delivery: { ...job.delivery, status: 'failed', attemptCount: 1, claim } },
      deps,
    );

    expect(result).toMatchObject({ outcome: 'exhausted', attempt: { number: 2, error: 'unknown' } });
    expect(sender.requests).toEqual([]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ status: 'exhausted', attemptCount: 2 });
  });

  it("a dead probe's unknown attempt is a probe: it leaves the retry schedule as it was", () => {
    const { job } = deliveryFixture();
    const stale = settleStale({ ...job.delivery, claim: held({ probe: true }) }, job.endpoint, NOW, () => 0.5);
    expect(stale).toMatchObject({
      attempt: { number: 1, error: 'unknown', probe: true },
      update: { status: 'failed', attemptCount: 1, probes: 1, nextAttemptAt: job.delivery.nextAttemptAt },
    });
  });

  it('a disabled endpoint skips the delivery and logs the expired claim it held as unknown', async () => {
    const { job, deps, deliveries, sender } = deliveryFixture({ endpoint: { enabled: false } });
    const claim = held();
    deliveries.deliveries.get(job.delivery.deliveryId)!.claim = claim;

    expect(await deliver({ ...job, delivery: { ...job.delivery, claim } }, deps)).toMatchObject({
      outcome: 'skipped',
    });
    expect(sender.requests).toEqual([]);
    expect(deliveries.attempts).toMatchObject([{ number: 1, error: 'unknown' }]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ status: 'skipped', attemptCount: 1 });
  });

  it('a claim lost while sending (held past its lease) records nothing and says so', async () => {
    const { job, deps, deliveries, log } = deliveryFixture({ script: [ok()] });
    const record = deliveries.recordAttempt.bind(deliveries);
    deliveries.recordAttempt = async (a, u) => record(a, u, 'not the holder');

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'lost_claim' });
    expect(deliveries.attempts).toEqual([]);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'delivery attempt not recorded: its claim expired while it was sent',
    ]);
  });
});
