import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOSED } from '../../../../lambdas/core/outbound/admission/circuit';
import {
  circuitHolds,
  countDeliveries,
  describeState,
  endpointStats,
  formatStatus,
  isParked,
  percentile,
  windowStats,
} from '../../../../lambdas/core/outbound/endpoints/stats';
import { NOW } from '../../../helpers/outbound';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('percentile()', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);

    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)]).toEqual([50, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('refuses p outside (0, 100]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });
});

describe('windowStats()', () => {
  it('counts successes (2xx only) and latency over attempts in the window, errors included', () => {
    const attempts = [
      { at: NOW - 10 * MIN, latencyMs: 100, status: 200 },
      { at: NOW - 20 * MIN, latencyMs: 300, status: 503 },
      { at: NOW - 30 * MIN, latencyMs: 15_000 }, // timeout
      { at: NOW - 40 * MIN, latencyMs: 200, status: 204 },
      { at: NOW - 2 * HOUR, latencyMs: 50, status: 200 },
    ];

    expect(windowStats(attempts, NOW - HOUR, NOW)).toEqual({
      attempts: 4,
      successes: 2,
      successRate: 0.5,
      p50Ms: 200,
      p99Ms: 15_000,
    });
  });

  it('reports no rate, not 0 %, when nothing was tried', () => {
    expect(windowStats([], NOW - HOUR, NOW)).toEqual({ attempts: 0, successes: 0 });
  });
});

describe('endpointStats()', () => {
  it('summarises the last hour and the last day, and counts deliveries with parked ones apart', () => {
    const attempts = [
      { at: NOW - MIN, latencyMs: 40, status: 500 },
      ...Array.from({ length: 99 }, (_, i) => ({ at: NOW - 3 * HOUR - i, latencyMs: 100 + i, status: 200 })),
    ];
    const deliveries = [
      { status: 'pending' as const, createdAt: NOW - MIN },
      { status: 'failed' as const, createdAt: NOW - HOUR, nextAttemptAt: NOW - MIN },
      { status: 'failed' as const, createdAt: NOW - HOUR, nextAttemptAt: NOW + HOUR },
      { status: 'exhausted' as const, createdAt: NOW - HOUR },
      { status: 'delivered' as const, createdAt: NOW - HOUR },
    ];

    const s = endpointStats(
      { attempts: { items: attempts, complete: true }, deliveries: { items: deliveries, complete: true }, holds: true },
      NOW,
    );

    expect(s.lastHour).toEqual({ attempts: 1, successes: 0, successRate: 0, p50Ms: 40, p99Ms: 40 });
    expect(s.lastDay).toMatchObject({ attempts: 100, successes: 99, successRate: 0.99, p50Ms: 148, p99Ms: 197 });
    expect(s.deliveries).toEqual({ pending: 0, parked: 2, failed: 1, exhausted: 1, skipped: 0, delivered: 1 });
  });

  it('marks both windows and the counts sampled when only the newest deliveries were read', () => {
    const attempts = [
      { at: NOW - MIN, latencyMs: 1, status: 200 },
      { at: NOW - 2 * HOUR, latencyMs: 1, status: 200 },
    ];

    const s = endpointStats(
      { attempts: { items: attempts, complete: false }, deliveries: { items: [], complete: false }, holds: false },
      NOW,
    );

    expect(s.lastHour).toMatchObject({ attempts: 1, sampled: true });
    expect(s.lastDay).toMatchObject({ attempts: 2, sampled: true });
    expect(s.deliveries.sampled).toBe(true);
  });

  it('counts an attempt of unknown outcome (its worker died) as an attempt without success or latency', () => {
    const s = endpointStats(
      {
        attempts: { items: [{ at: NOW - MIN }, { at: NOW - MIN, latencyMs: 30, status: 200 }], complete: true },
        deliveries: { items: [], complete: true },
        holds: false,
      },
      NOW,
    );

    expect(s.lastHour).toEqual({ attempts: 2, successes: 1, successRate: 0.5, p50Ms: 30, p99Ms: 30 });
  });
});

describe('parked deliveries (not stored: waiting, due, and the circuit holds)', () => {
  const due = { status: 'pending' as const, createdAt: NOW - MIN };

  it('a due waiting delivery is parked while the circuit of an enabled endpoint is open or half-open', () => {
    const open = {
      status: 'open' as const,
      reason: 'failure_rate' as const,
      openedAt: NOW - MIN,
      openUntil: NOW + MIN,
      coolDownMs: 30_000,
    };
    expect(circuitHolds({ enabled: true }, open, NOW)).toBe(true);
    expect(circuitHolds({ enabled: true }, open, NOW + 2 * MIN)).toBe(true); // half-open: only the probe goes
    expect(isParked(due, NOW, true)).toBe(true);
  });

  it('is not parked when the circuit is closed, or the endpoint disabled (its deliveries are skipped instead)', () => {
    const open = {
      status: 'open' as const,
      reason: 'failure_rate' as const,
      openedAt: NOW - MIN,
      openUntil: NOW + MIN,
      coolDownMs: 30_000,
    };
    expect(circuitHolds({ enabled: true }, CLOSED, NOW)).toBe(false);
    expect(circuitHolds({ enabled: false }, open, NOW)).toBe(false);
    expect(countDeliveries([due], NOW, false)).toMatchObject({ pending: 1, parked: 0 });
  });

  it('a failed delivery whose retry is still ahead keeps its status, circuit open or not', () => {
    expect(
      countDeliveries([{ status: 'failed', createdAt: NOW - HOUR, nextAttemptAt: NOW + 1 }], NOW, true),
    ).toMatchObject({ failed: 1, parked: 0 });
  });

  it('a final delivery is never parked', () => {
    expect(countDeliveries([{ status: 'exhausted', createdAt: NOW - HOUR }], NOW, true)).toMatchObject({
      exhausted: 1,
      parked: 0,
    });
  });
});

describe('describeState()', () => {
  const open = {
    status: 'open' as const,
    reason: 'consecutive_failures' as const,
    openedAt: NOW - MIN,
    openUntil: NOW + 30_000,
    coolDownMs: 60_000,
  };

  it('says enabled for a closed circuit', () => {
    expect(describeState({ enabled: true }, CLOSED, undefined, NOW)).toBe('enabled');
  });

  it('says until when the circuit is open', () => {
    expect(describeState({ enabled: true }, open, undefined, NOW)).toBe(
      'enabled; circuit open until 2026-12-02T06:00:30.000Z (opened 2026-12-02T05:59:00.000Z, consecutive failures)',
    );
  });

  it('says half-open, and whether a probe is running', () => {
    expect(describeState({ enabled: true }, open, undefined, NOW + 31_000)).toContain(
      'circuit half-open, waiting for a probe',
    );
    expect(
      describeState(
        { enabled: true },
        { ...open, probe: { leaseId: 'l', expiresAt: NOW + 90_000 } },
        undefined,
        NOW + 31_000,
      ),
    ).toContain('probe running until 2026-12-02T06:01:30.000Z');
  });

  it('says since when it fails and when it will be disabled', () => {
    expect(describeState({ enabled: true }, CLOSED, { failingSince: NOW - HOUR }, NOW)).toBe(
      'enabled; failing since 2026-12-02T05:00:00.000Z, disabled at 2026-12-07T05:00:00.000Z unless it recovers',
    );
  });

  it('says why it is disabled', () => {
    expect(describeState({ enabled: false, disabledReason: '410 Gone' }, open, undefined, NOW)).toBe(
      'disabled because 410 Gone',
    );
  });
});

describe('formatStatus()', () => {
  it('prints the state, both windows and the counts', () => {
    const lines = formatStatus('enabled', {
      lastHour: { attempts: 0, successes: 0 },
      lastDay: { attempts: 4, successes: 3, successRate: 0.75, p50Ms: 120, p99Ms: 900 },
      deliveries: countDeliveries(
        [
          { status: 'pending', createdAt: NOW },
          { status: 'exhausted', createdAt: NOW },
        ],
        NOW,
        true,
      ),
    });

    expect(lines).toEqual([
      'state: enabled',
      '          attempts   success        p50        p99',
      'last hour        0         -          -          -',
      'last day         4    75.0 %     120 ms     900 ms',
      'deliveries: 0 pending, 1 parked, 0 failed, 1 exhausted (0 skipped, 0 delivered)',
    ]);
  });
});

describe('formatStatus() of a sampled read', () => {
  it('marks the attempt counts that are lower bounds and says how many deliveries were counted', () => {
    const lines = formatStatus('enabled', {
      lastHour: { attempts: 3, successes: 3, successRate: 1, p50Ms: 5, p99Ms: 9 },
      lastDay: { attempts: 5000, successes: 5000, successRate: 1, p50Ms: 5, p99Ms: 9, sampled: true },
      deliveries: { pending: 1, parked: 0, failed: 0, exhausted: 0, skipped: 0, delivered: 4999, sampled: true },
    });

    expect(lines.slice(3)).toEqual([
      'last day     5000+   100.0 %       5 ms       9 ms',
      'deliveries: 1 pending, 0 parked, 0 failed, 0 exhausted (0 skipped, 4999 delivered)',
      'attempts marked + are those of the newest deliveries read, not all: success and latency are of those',
      'deliveries counted: the newest 5000 only; older ones were not read',
    ]);
  });
});

describe('docs/outbound-operations.md', () => {
  it('shows exactly what endpoints show prints for its example endpoint', () => {
    const doc = readFileSync(new URL('../../../../docs/outbound-operations.md', import.meta.url), 'utf8');
    const example = doc.split('## Checking an endpoint')[1]!.split('```')[1]!.trim().split('\n');
    const opened = Date.parse('2026-12-02T06:00:00.000Z');
    const state = describeState(
      { enabled: true },
      {
        status: 'open',
        reason: 'consecutive_failures',
        openedAt: opened,
        openUntil: Date.parse('2026-12-02T06:10:30.000Z'),
        coolDownMs: 480_000,
      },
      { failingSince: Date.parse('2026-12-02T05:59:41.000Z') },
      opened + 5 * MIN,
    );

    const lines = formatStatus(state, {
      lastHour: { attempts: 17, successes: 0, successRate: 0, p50Ms: 20, p99Ms: 15_000 },
      lastDay: { attempts: 4210, successes: 4108, successRate: 4108 / 4210, p50Ms: 120, p99Ms: 900 },
      deliveries: { pending: 0, parked: 312, failed: 4, exhausted: 0, skipped: 0, delivered: 4108 },
    });

    expect(lines).toEqual(example);
  });
});
