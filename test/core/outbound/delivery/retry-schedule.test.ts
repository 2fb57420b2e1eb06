import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_DELAYS_SECONDS,
  JITTER,
  MAX_RETRY_AFTER_SECONDS,
  nextStep,
  parseRetryAfter,
  withJitter,
  type NextStepInput,
} from '../../../../lambdas/core/outbound/delivery/retry-schedule';

const NOW = Date.UTC(2026, 11, 2, 6, 0, 0);
const MIDDLE = () => 0.5; // no jitter

/** The fixture: the first attempt got a 503. */
function input(overrides: Partial<NextStepInput> = {}): NextStepInput {
  return { outcome: { kind: 'response', status: 503 }, attemptNumber: 1, nowMs: NOW, random: MIDDLE, ...overrides };
}

describe('the default schedule', () => {
  it('is the Standard Webhooks one: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h after the immediate first attempt', () => {
    expect(DEFAULT_RETRY_DELAYS_SECONDS).toEqual([
      5,
      300,
      1800,
      7200,
      5 * 3600,
      10 * 3600,
      14 * 3600,
      20 * 3600,
      24 * 3600,
    ]);
  });

  it('spans about three days', () => {
    const total = DEFAULT_RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);

    expect(total / 86_400).toBeGreaterThan(3);
    expect(total / 86_400).toBeLessThan(3.25);
  });

  it('schedules retry n after delay n', () => {
    const due = DEFAULT_RETRY_DELAYS_SECONDS.map((_, i) => nextStep(input({ attemptNumber: i + 1 })));

    expect(due.map((s) => (s.status === 'failed' ? (s.nextAttemptAt - NOW) / 1000 : s.status))).toEqual([
      ...DEFAULT_RETRY_DELAYS_SECONDS,
    ]);
  });

  it('exhausts the delivery after the tenth attempt', () => {
    expect(nextStep(input({ attemptNumber: 10 }))).toEqual({
      status: 'exhausted',
      disableEndpoint: false,
      reason: 'no_attempts_left',
    });
  });
});

describe('nextStep()', () => {
  it.each([200, 201, 202, 204, 299])('delivers on %i', (status) => {
    expect(nextStep(input({ outcome: { kind: 'response', status } }))).toEqual({
      status: 'delivered',
      disableEndpoint: false,
    });
  });

  it.each([
    ['a 301 (redirects are not followed)', { kind: 'response', status: 301 }],
    ['a 302', { kind: 'response', status: 302 }],
    ['a 400', { kind: 'response', status: 400 }],
    ['a 404', { kind: 'response', status: 404 }],
    ['a 429', { kind: 'response', status: 429 }],
    ['a 500', { kind: 'response', status: 500 }],
    ['a timeout', { kind: 'error', error: 'timeout' }],
    ['a DNS failure', { kind: 'error', error: 'dns' }],
    ['a TLS failure', { kind: 'error', error: 'tls' }],
    ['a refused connection', { kind: 'error', error: 'connection' }],
    ['a blocked address', { kind: 'error', error: 'blocked' }],
  ] as const)('retries after %s', (_what, outcome) => {
    expect(nextStep(input({ outcome }))).toEqual({
      status: 'failed',
      nextAttemptAt: NOW + 5000,
      disableEndpoint: false,
    });
  });

  it('ends the delivery and disables the endpoint on 410 Gone, even with attempts left', () => {
    expect(nextStep(input({ outcome: { kind: 'response', status: 410 } }))).toEqual({
      status: 'exhausted',
      disableEndpoint: true,
      reason: 'gone',
    });
  });

  it("follows an endpoint's own schedule", () => {
    const custom = [1, 2];

    const steps = [1, 2, 3].map((attemptNumber) => nextStep(input({ attemptNumber, delaysSeconds: custom })));

    expect(steps).toEqual([
      { status: 'failed', nextAttemptAt: NOW + 1000, disableEndpoint: false },
      { status: 'failed', nextAttemptAt: NOW + 2000, disableEndpoint: false },
      { status: 'exhausted', disableEndpoint: false, reason: 'no_attempts_left' },
    ]);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => nextStep(input({ attemptNumber: 0 }))).toThrow(RangeError);
  });
});

describe('jitter', () => {
  it('stays within ±20 % at the extremes of the random source', () => {
    expect(JITTER).toBe(0.2);
    expect(withJitter(10_000, () => 0)).toBe(8000);
    expect(withJitter(10_000, () => 0.999_999)).toBeLessThan(12_000);
    expect(withJitter(10_000, () => 0.999_999)).toBeGreaterThan(11_999);
  });

  it('spreads delays across the whole band', () => {
    const delays = Array.from({ length: 2000 }, () => withJitter(300_000, Math.random));

    expect(Math.min(...delays)).toBeGreaterThanOrEqual(240_000);
    expect(Math.max(...delays)).toBeLessThan(360_000);
    expect(Math.min(...delays)).toBeLessThan(250_000);
    expect(Math.max(...delays)).toBeGreaterThan(350_000);
  });

  it('is applied to the scheduled delay', () => {
    expect(nextStep(input({ attemptNumber: 2, random: () => 0 }))).toMatchObject({ nextAttemptAt: NOW + 240_000 });
  });

  it('refuses a random source outside [0, 1)', () => {
    expect(() => withJitter(1000, () => 1)).toThrow(RangeError);
  });
});

describe('Retry-After', () => {
  it('lengthens the delay to what the receiver asked, in seconds', () => {
    expect(nextStep(input({ outcome: { kind: 'response', status: 429, retryAfter: '120' } }))).toMatchObject({
      nextAttemptAt: NOW + 120_000,
    });
  });

  it('lengthens the delay to an HTTP-date', () => {
    const at = new Date(NOW + 600_000).toUTCString();

    expect(nextStep(input({ outcome: { kind: 'response', status: 503, retryAfter: at } }))).toMatchObject({
      nextAttemptAt: NOW + 600_000,
    });
  });

  it('never shortens the scheduled delay', () => {
    expect(
      nextStep(input({ attemptNumber: 3, outcome: { kind: 'response', status: 503, retryAfter: '1' } })),
    ).toMatchObject({ nextAttemptAt: NOW + 1_800_000 });
  });

  it('is capped at 24 hours', () => {
    expect(MAX_RETRY_AFTER_SECONDS).toBe(86_400);
    expect(nextStep(input({ outcome: { kind: 'response', status: 503, retryAfter: '9999999' } }))).toMatchObject({
      nextAttemptAt: NOW + 86_400_000,
    });
  });

  it('adds no attempt: the last attempt still exhausts the delivery', () => {
    expect(
      nextStep(input({ attemptNumber: 10, outcome: { kind: 'response', status: 503, retryAfter: '60' } })),
    ).toMatchObject({ status: 'exhausted' });
  });

  it.each([
    ['seconds', '120', 120],
    ['seconds with spaces', ' 30 ', 30],
    ['a date in the future', 'Wed, 02 Dec 2026 06:10:00 GMT', 600],
    ['a date in the past', 'Wed, 02 Dec 2026 05:00:00 GMT', 0],
  ])('parses %s', (_what, value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', '2026-12-02T06:10:00Z', 'Wed, 02 Dec 2026 06:10:00 PST'])(
    'ignores %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );
});
