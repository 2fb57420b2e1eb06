import { describe, expect, it } from 'vitest';
import { processorConfig, verifierConfig } from '../../lambdas/wiring/inbound-env';
import { ENV } from '../../lambdas/contract';

describe('function config', () => {
  it('verifierConfig() names the missing variable', () => {
    expect(() => verifierConfig({ [ENV.sources]: '[]' })).toThrow(ENV.eventsTable);
  });

  it('verifierConfig() rejects sources that are not JSON', () => {
    expect(() => verifierConfig({ [ENV.eventsTable]: 't', [ENV.sources]: '[nope' })).toThrow(
      `${ENV.sources} is not valid JSON`,
    );
  });

  it('processorConfig() converts seconds to milliseconds', () => {
    const config = processorConfig({
      [ENV.eventsTable]: 't',
      [ENV.sourceId]: 's',
      [ENV.topicArn]: 'arn',
      [ENV.leaseSeconds]: '60',
      [ENV.dedupeSeconds]: '100',
    });
    expect(config).toEqual({
      tableName: 't',
      sourceId: 's',
      topicArn: 'arn',
      leaseMs: 60_000,
      dedupeSeconds: 100,
      archiveDenyHeaders: [],
    });
  });

  it('processorConfig() rejects a non-numeric lease', () => {
    expect(() =>
      processorConfig({
        [ENV.eventsTable]: 't',
        [ENV.sourceId]: 's',
        [ENV.topicArn]: 'arn',
        [ENV.leaseSeconds]: 'soon',
        [ENV.dedupeSeconds]: '1',
      }),
    ).toThrow(ENV.leaseSeconds);
  });
});

describe('function config, every rule', () => {
  const processorEnv = {
    [ENV.eventsTable]: 't',
    [ENV.sourceId]: 's',
    [ENV.topicArn]: 'arn',
    [ENV.leaseSeconds]: '60',
    [ENV.dedupeSeconds]: '100',
  };

  it('verifierConfig() applies the defaults for the secrets cache and the lease', () => {
    const config = verifierConfig({ [ENV.eventsTable]: 't', [ENV.sources]: '[1]' });
    expect(config).toEqual({
      tableName: 't',
      sources: [1],
      secretsCacheMs: 60_000,
      leaseMs: expect.any(Number) as number,
    });
    expect(config.leaseMs).toBeGreaterThan(0);
    expect(
      verifierConfig({ [ENV.eventsTable]: 't', [ENV.sources]: '[1]', [ENV.secretsCacheSeconds]: '0' }).secretsCacheMs,
    ).toBe(0);
  });

  it.each([
    ['a negative cache period', { [ENV.secretsCacheSeconds]: '-1' }, ENV.secretsCacheSeconds],
    ['a fractional lease', { [ENV.leaseSeconds]: '1.5' }, ENV.leaseSeconds],
    ['a blank lease', { [ENV.leaseSeconds]: ' ' }, ENV.leaseSeconds],
    ['a one-character sources list', { [ENV.sources]: '[' }, ENV.sources],
  ])('verifierConfig() refuses %s, naming the variable', (_title, change, name) => {
    expect(() => verifierConfig({ [ENV.eventsTable]: 't', [ENV.sources]: '[1]', ...change })).toThrow(name);
  });

  it('processorConfig() reports every missing or bad variable at once', () => {
    let message = '';
    try {
      processorConfig({ ...processorEnv, [ENV.topicArn]: undefined, [ENV.dedupeSeconds]: '0' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${ENV.topicArn}: is not set`);
    expect(message).toContain(`${ENV.dedupeSeconds}: expected an integer >= 1`);
  });
});
