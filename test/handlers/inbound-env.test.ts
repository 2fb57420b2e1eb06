import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  processorConfig,
  readBundledSources,
  replayConfig,
  sourcesApiConfig,
  verifierConfig,
} from '../../lambdas/wiring/inbound-env';
import { BUNDLED_SOURCES_FILE, ENV } from '../../lambdas/contract';
import sampleConfig from '../../config/sources';
import { bundledSources } from '../../lib/verifier-environment';

/** The verifier's minimal environment, and its bundled sources' text. */
const VERIFIER_ENV = { [ENV.eventsTable]: 't', [ENV.queueUrlPrefix]: 'https://sqs.x.amazonaws.com/1/' };
const bundled = (text: string) => () => text;

describe('function config', () => {
  it('verifierConfig() names the missing variable', () => {
    expect(() => verifierConfig({ [ENV.queueUrlPrefix]: 'p' }, bundled('[]'))).toThrow(ENV.eventsTable);
    expect(() => verifierConfig({ [ENV.eventsTable]: 't' }, bundled('[]'))).toThrow(ENV.queueUrlPrefix);
  });

  it('verifierConfig() rejects bundled sources that are not JSON, naming the file', () => {
    expect(() => verifierConfig(VERIFIER_ENV, bundled('[nope'))).toThrow(`${BUNDLED_SOURCES_FILE} is not valid JSON`);
  });

  it('verifierConfig() reads the bundled sources as the synth checked and wrote them, refusing anything but an array', () => {
    const written = bundledSources(sampleConfig, 'WebhookIngestion');
    expect(verifierConfig(VERIFIER_ENV, bundled(JSON.stringify(written))).sources).toEqual(written);
    expect(() => verifierConfig(VERIFIER_ENV, bundled('{}'))).toThrow(
      `${BUNDLED_SOURCES_FILE}: expected the JSON array the synth writes`,
    );
  });

  it('readBundledSources() reads the file beside the code (LAMBDA_TASK_ROOT), and names it when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundled-'));
    try {
      writeFileSync(join(dir, BUNDLED_SOURCES_FILE), '[]');
      expect(readBundledSources({ LAMBDA_TASK_ROOT: dir })).toBe('[]');
      rmSync(join(dir, BUNDLED_SOURCES_FILE));
      expect(() => readBundledSources({ LAMBDA_TASK_ROOT: dir })).toThrow(
        `${BUNDLED_SOURCES_FILE}: cannot be read (ENOENT)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifierConfig() reads tenant sources only when their table is set, and caps their cache at 60 s', () => {
    expect(verifierConfig(VERIFIER_ENV, bundled('[]')).tenantSources).toBeUndefined();
    const tenant = {
      ...VERIFIER_ENV,
      [ENV.tenantSourcesTable]: 'sources',
      [ENV.tenantSourcesKeyId]: 'key',
      [ENV.sourceCacheSeconds]: '30',
      [ENV.sourceMissesPerSecond]: '50',
    };
    expect(verifierConfig(tenant, bundled('[]')).tenantSources).toEqual({
      tableName: 'sources',
      keyId: 'key',
      cacheMs: 30_000,
      missesPerSecond: 50,
    });
    expect(() => verifierConfig({ ...tenant, [ENV.sourceCacheSeconds]: '61' }, bundled('[]'))).toThrow(
      ENV.sourceCacheSeconds,
    );
    expect(() => verifierConfig({ ...tenant, [ENV.tenantSourcesKeyId]: undefined }, bundled('[]'))).toThrow(
      ENV.tenantSourcesKeyId,
    );
  });

  it("replayConfig() reads the sources the verifier reads: the bundled file and the queues' prefix", () => {
    const env = {
      [ENV.eventsTable]: 't',
      [ENV.topicArn]: 'arn:topic',
      [ENV.archiveBucket]: 'archive',
      [ENV.queueUrlPrefix]: 'https://sqs.x.amazonaws.com/1/',
      [ENV.sharedQueueUrl]: 'https://sqs.x.amazonaws.com/1/shared',
      [ENV.archiveRetention]: '{"stripe":30}',
    };
    expect(replayConfig(env, bundled('[1]'))).toMatchObject({
      sources: [1],
      queues: { urlPrefix: env[ENV.queueUrlPrefix], sharedUrl: env[ENV.sharedQueueUrl] },
      retentionDays: { stripe: 30 },
    });
    expect(() => replayConfig({ ...env, [ENV.queueUrlPrefix]: undefined }, bundled('[]'))).toThrow(ENV.queueUrlPrefix);
  });

  it('sourcesApiConfig() names a missing variable', () => {
    expect(() => sourcesApiConfig({ [ENV.tenantSourcesTable]: 't' })).toThrow(ENV.tenantSourcesKeyId);
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
    const config = verifierConfig(VERIFIER_ENV, bundled('[1]'));
    expect(config).toEqual({
      tableName: 't',
      sources: [1],
      queues: { urlPrefix: VERIFIER_ENV[ENV.queueUrlPrefix], sharedUrl: undefined },
      secretsCacheMs: 60_000,
      leaseMs: expect.any(Number) as number,
    });
    expect(config.leaseMs).toBeGreaterThan(0);
    expect(verifierConfig({ ...VERIFIER_ENV, [ENV.secretsCacheSeconds]: '0' }, bundled('[1]')).secretsCacheMs).toBe(0);
  });

  it.each([
    ['a negative cache period', { [ENV.secretsCacheSeconds]: '-1' }, ENV.secretsCacheSeconds],
    ['a fractional lease', { [ENV.leaseSeconds]: '1.5' }, ENV.leaseSeconds],
    ['a blank lease', { [ENV.leaseSeconds]: ' ' }, ENV.leaseSeconds],
  ])('verifierConfig() refuses %s, naming the variable', (_title, change, name) => {
    expect(() => verifierConfig({ ...VERIFIER_ENV, ...change }, bundled('[1]'))).toThrow(name);
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
