import { describe, expect, it } from 'vitest';
import {
  checkAgainstSchedule,
  DEFAULT_RETENTION,
  describeReach,
  expiry,
  isExpired,
  longestScheduleMs,
  recoveryReachDays,
  retentionSettingsSchema,
} from '../../../lambdas/core/outbound/retention';
import { NOW } from '../../helpers/outbound';

const DAY = 86_400_000;

describe('retention', () => {
  it('defaults to 30 days for messages, deliveries and attempts, 7 for response bodies', () => {
    expect(DEFAULT_RETENTION).toEqual({
      messagesDays: 30,
      deliveriesDays: 30,
      attemptsDays: 30,
      responseBodiesDays: 7,
    });
  });

  it('gives each record its expiry and a DynamoDB TTL in epoch seconds', () => {
    expect(expiry('message', NOW)).toEqual({ expiresAt: NOW + 30 * DAY, ttl: (NOW + 30 * DAY) / 1000 });
    expect(expiry('responseBody', NOW + 1).expiresAt).toBe(NOW + 1 + 7 * DAY);
    expect(expiry('responseBody', NOW + 1).ttl).toBe(Math.ceil((NOW + 1 + 7 * DAY) / 1000));
    expect(expiry('attempt', NOW, retentionSettingsSchema.parse({ attemptsDays: 14 })).expiresAt).toBe(NOW + 14 * DAY);
  });

  it('treats a record past its expiry as gone even if TTL has not deleted it yet', () => {
    expect(isExpired(NOW, NOW)).toBe(true);
    expect(isExpired(NOW + 1, NOW)).toBe(false);
  });

  it('lets recovery reach as far as both messages and deliveries are kept', () => {
    expect(recoveryReachDays()).toBe(30);
    expect(recoveryReachDays(retentionSettingsSchema.parse({ messagesDays: 20, deliveriesDays: 10 }))).toBe(10);
    expect(describeReach()).toBe(
      'recovery and replay reach back 30 days (message retention 30 days, delivery retention 30 days)',
    );
  });

  it.each([
    ['response bodies kept longer than their attempts', { attemptsDays: 5, responseBodiesDays: 7 }],
    ['deliveries kept longer than their messages', { messagesDays: 10, deliveriesDays: 20 }],
    ['zero days', { messagesDays: 0 }],
  ])('refuses %s', (_what, input) => {
    expect(retentionSettingsSchema.safeParse(input).success).toBe(false);
  });

  it('refuses a delivery retention shorter than the retry schedule can last', () => {
    expect(longestScheduleMs() / DAY).toBeCloseTo(9, 0); // nine retries, each possibly stretched to 24 h by Retry-After
    expect(() => checkAgainstSchedule(retentionSettingsSchema.parse({ messagesDays: 9, deliveriesDays: 9 }))).toThrow(
      'must exceed the longest retry schedule',
    );
    expect(() => checkAgainstSchedule(DEFAULT_RETENTION)).not.toThrow();
    expect(() =>
      checkAgainstSchedule(
        DEFAULT_RETENTION,
        Array.from({ length: 20 }, () => 48 * 3600),
      ),
    ).toThrow();
  });
});
