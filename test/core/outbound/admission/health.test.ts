import { describe, expect, it } from 'vitest';
import { gate, settle } from '../../../../lambdas/core/outbound/admission/gate';
import { CLOSED } from '../../../../lambdas/core/outbound/admission/circuit';
import { planDeliveries } from '../../../../lambdas/core/outbound/intake/fanout';
import {
  describeDisableReason,
  disableDeadline,
  recordHealth,
  reenable,
  type HealthState,
} from '../../../../lambdas/core/outbound/admission/health';
import { planSkipped } from '../../../../lambdas/core/outbound/intake/fanout';
import { DEFAULT_HEALTH_SETTINGS, healthSettingsSchema } from '../../../../lambdas/core/outbound/admission/settings';
import { MemoryStateStore } from '../../../helpers/endpoint-state';
import { endpoint, message, NOW } from '../../../helpers/outbound';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Fails once an hour from NOW for `hours` hours. */
function failHourly(hours: number, state?: HealthState, days = DEFAULT_HEALTH_SETTINGS.disableAfterDays) {
  const settings = healthSettingsSchema.parse({ disableAfterDays: days });
  let s = state;
  for (let h = 0; h <= hours; h++) {
    const r = recordHealth(s, { success: false, status: 503 }, NOW + h * HOUR, settings);
    s = r.next;
    if (r.disable) return { state: s, disable: r.disable, atHour: h };
  }
  return { state: s };
}

describe('automatic disabling', () => {
  it('defaults to 5 days of continuous failure', () => {
    expect(DEFAULT_HEALTH_SETTINGS).toEqual({ disableAfterDays: 5 });
  });

  it('disables an endpoint failing continuously for 5 days, not before', () => {
    expect(failHourly(119).disable).toBeUndefined();

    const r = failHourly(120);

    expect(r).toMatchObject({
      atHour: 120,
      disable: { type: 'endpoint.disabled', reason: 'failing', at: NOW + 5 * DAY, failingSince: NOW },
    });
    expect(disableDeadline({ failingSince: NOW })).toBe(NOW + 5 * DAY);
  });

  it('starts the clock again after a success', () => {
    const before = failHourly(100).state;
    const healed = recordHealth(before, { success: true, status: 200 }, NOW + 101 * HOUR).next!;

    const after = recordHealth(healed, { success: false, status: 500 }, NOW + 121 * HOUR);

    expect(healed.failingSince).toBeUndefined();
    expect(after).toEqual({ next: expect.objectContaining({ failingSince: NOW + 121 * HOUR }) });
  });

  it('a success on an endpoint that is not failing only notes its time (the same atomic write counts it for the breaker)', () => {
    expect(recordHealth(undefined, { success: true, status: 200 }, NOW)).toEqual({ next: { lastSuccessAt: NOW } });
    expect(recordHealth({ lastSuccessAt: NOW - HOUR }, { success: true, status: 200 }, NOW)).toEqual({
      next: { lastSuccessAt: NOW },
    });
  });

  it('honours a configured number of days', () => {
    expect(failHourly(48, undefined, 2)).toMatchObject({ atHour: 48, disable: { reason: 'failing' } });
  });

  it('disables at once on 410 Gone', () => {
    expect(recordHealth(undefined, { success: false, status: 410 }, NOW).disable).toEqual({
      type: 'endpoint.disabled',
      reason: 'gone',
      at: NOW,
      failingSince: NOW,
    });
  });

  it('is judged on every settled attempt, probes included', async () => {
    const store = new MemoryStateStore();
    const ep = endpoint();
    await settle(ep, { status: 503 }, NOW, store);

    const r = await settle(ep, { status: 503 }, NOW + 5 * DAY, store);

    expect(r.disable).toMatchObject({ reason: 'failing', failingSince: NOW });
  });

  it('describes why, for endpoints show', () => {
    expect(describeDisableReason('gone')).toBe('410 Gone');
    expect(describeDisableReason('failing', NOW)).toBe('failing continuously since 2026-12-02T06:00:00.000Z');
  });
});

describe('messages for a disabled endpoint', () => {
  it('are recorded as skipped deliveries, with the ids the fan-out would have used', () => {
    const disabled = endpoint({ enabled: false });
    const enabledTwin = endpoint({ enabled: true });

    const skipped = planSkipped(message(), [disabled], NOW);

    expect(skipped).toEqual([
      expect.objectContaining({ status: 'skipped', skipReason: 'endpoint_disabled', attemptCount: 0 }),
    ]);
    expect(skipped[0]!.deliveryId).toBe(planDeliveries(message(), [enabledTwin], NOW)[0]!.deliveryId);
    expect(skipped[0]!.nextAttemptAt).toBeUndefined();
  });

  it("are not recorded for an enabled endpoint, another tenant's, or one whose filter does not match", () => {
    const endpoints = [
      endpoint(),
      endpoint({ enabled: false, tenantId: 'other' }),
      endpoint({ enabled: false, filterTypes: ['customer.*'] }),
    ];

    expect(planSkipped(message(), endpoints, NOW)).toEqual([]);
  });

  it('are skipped by the gate, not sent', async () => {
    const deps = { store: new MemoryStateStore(), now: () => NOW, newLeaseId: () => 'l' };

    expect(await gate(endpoint({ enabled: false }), deps)).toEqual({ kind: 'skip', reason: 'endpoint_disabled' });
  });
});

describe('re-enabling', () => {
  it('closes the breaker, restarts the failing clock and emits endpoint.enabled', () => {
    const r = reenable({ failingSince: NOW - 6 * DAY, lastFailureAt: NOW - HOUR }, NOW);

    expect(r.circuit).toBe(CLOSED);
    expect(r.health.failingSince).toBeUndefined();
    expect(r.event).toEqual({ type: 'endpoint.enabled', at: NOW, trigger: 'manual' });
  });
});
