import { describe, expect, it } from 'vitest';
import { processorConfig, verifierConfig } from '../../lambdas/config';
import { ENV } from '../../lambdas/core/env-names';

describe('function config', () => {
  it('verifierConfig() names the missing variable', () => {
    expect(() => verifierConfig({ [ENV.sources]: '[]' })).toThrow(ENV.eventsTable);
  });

  it('verifierConfig() rejects sources that are not JSON', () => {
    expect(() => verifierConfig({ [ENV.eventsTable]: 't', [ENV.sources]: '[nope' })).toThrow(`${ENV.sources} is not valid JSON`);
  });

  it('processorConfig() converts seconds to milliseconds', () => {
    const config = processorConfig({ [ENV.eventsTable]: 't', [ENV.sourceId]: 's', [ENV.topicArn]: 'arn', [ENV.leaseSeconds]: '60', [ENV.dedupeSeconds]: '100' });
    expect(config).toEqual({ tableName: 't', sourceId: 's', topicArn: 'arn', leaseMs: 60_000, dedupeSeconds: 100 });
  });

  it('processorConfig() rejects a non-numeric lease', () => {
    expect(() => processorConfig({ [ENV.eventsTable]: 't', [ENV.sourceId]: 's', [ENV.topicArn]: 'arn', [ENV.leaseSeconds]: 'soon', [ENV.dedupeSeconds]: '1' })).toThrow(ENV.leaseSeconds);
  });
});
