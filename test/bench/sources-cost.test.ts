/** The tenant-vs-config source rows of `npm run cost`: how misses are counted, and what each kind pays for. */
import { describe, expect, it } from 'vitest';
import pricing from '../../bench/pricing.json';
import { sourceCost, type SourcePrices, type SourceScenario } from '../../bench/cost/sources';

const prices = pricing as SourcePrices;
const scenario = (o: Partial<SourceScenario>): SourceScenario => ({
  label: 'test',
  sources: 1,
  eventsPerDay: 86_400,
  warmVerifiers: 2,
  cacheSeconds: 30,
  secretsCacheSeconds: 60,
  ...o,
});

describe('sourceCost()', () => {
  it('counts a miss per container per cache period for a busy source, and every event of a quiet one', () => {
    // One source, 1 event/s over 2 containers with a 30 s cache: 2 misses per 30 events.
    expect(sourceCost(scenario({}), prices).missRate).toBeCloseTo(2 / 30, 10);
    // 1,000 sources sharing 1M events a day: each gets an event every 86 s, beyond the 30 s cache.
    expect(sourceCost(scenario({ sources: 1000, eventsPerDay: 1e6 }), prices).missRate).toBe(1);
  });

  it('prices a tenant source miss as half a read unit and one KMS Decrypt, plus the one key a month', () => {
    const c = sourceCost(scenario({ sources: 1000, eventsPerDay: 1e6 }), prices);
    const perEvent = 0.5 * (0.125 / 1e6) + 3 / 1e6 + 1 / (1e6 * 30);
    expect(c.tenant.usd).toBeCloseTo(perEvent, 12);
  });

  it('prices a config source as its secret each month, GetSecretValue (with its Decrypt) per miss, and its alarm with its own pipeline', () => {
    const own = sourceCost(scenario({ sources: 40, eventsPerDay: 1e6 }), prices);
    const calls = Math.min(1, 2 / ((1e6 / 86_400 / 40) * 60));
    expect(own.config.usd).toBeCloseTo((calls * (5 + 3)) / 1e6 + (40 * 0.5) / (1e6 * 30), 12);
    expect(own.config.detail).toContain('$0.1 alarm');
    expect(sourceCost(scenario({ sources: 1000, eventsPerDay: 1e6 }), prices).config.detail).toContain(
      'shared pipeline',
    );
  });
});
