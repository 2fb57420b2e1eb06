import { describe, expect, it } from 'vitest';
import { checkReplayRequest, typeSelected } from '../../../lambdas/core/archive/replay-request';
import { BadRequestError, UnknownSourceError } from '../../../lambdas/core/kernel/errors';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const limits = {
  retentionDays: new Map<string, number | null>([
    ['stripe', 90],
    ['github', null],
  ]),
  subscriptions: ['billing'],
};
const check = (input: object) => checkReplayRequest(input, limits, NOW);
const problem = (input: object) => {
  try {
    check(input);
  } catch (error) {
    return error as Error & { statusCode?: number };
  }
  throw new Error('accepted');
};

describe('checkReplayRequest()', () => {
  it('takes a window, types and a subscription; until defaults to now', () => {
    expect(check({ source: 'stripe', since: '2026-12-01', types: ['invoice.*'], subscription: 'billing' })).toEqual({
      source: 'stripe',
      sinceMs: Date.parse('2026-12-01T00:00:00Z'),
      untilMs: NOW,
      types: ['invoice.*'],
      subscription: 'billing',
      ratePerSecond: 0,
      dryRun: false,
      trustArchive: false,
      mode: 'publish',
    });
  });

  it.each([
    ['a reversed window', { since: '2026-12-05', until: '2026-12-01' }, /reversed/],
    ['an empty window', { since: '2026-12-05', until: '2026-12-05' }, /empty/],
    ['a window beyond the retention', { since: '2026-08-01' }, /beyond the archive's retention: stripe keeps 90 days/],
    ['a window in the future', { since: '2026-12-08' }, /future/],
    ['no start', {}, /since is required/],
    ['a time that is not one', { since: 'yesterday' }, /not a time/],
    ['an unknown subscription', { since: '2026-12-01', subscription: 'nope' }, /Unknown subscription "nope"/],
  ])('refuses %s with a 400 naming it', (_, input, message) => {
    const error = problem({ source: 'stripe', ...input });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('refuses a source that does not exist with a 404', () => {
    const error = problem({ source: 'acme', since: '2026-12-01' });
    expect(error).toBeInstanceOf(UnknownSourceError);
    expect(error.statusCode).toBe(404);
  });

  it('has no retention bound for a source kept for ever', () => {
    expect(check({ source: 'github', since: '2024-01-01' }).sinceMs).toBe(Date.parse('2024-01-01'));
  });
});

describe('typeSelected()', () => {
  it('selects exact types and prefixes ending in *, or everything when none is given', () => {
    expect(typeSelected([], 'a.b')).toBe(true);
    expect(typeSelected(['invoice.*'], 'invoice.paid')).toBe(true);
    expect(typeSelected(['invoice.paid'], 'invoice.payment_failed')).toBe(false);
  });
});
