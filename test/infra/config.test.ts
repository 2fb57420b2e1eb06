/**
 * Invalid config fails at synth with a ConfigError that names the field. Each case breaks exactly
 * one thing in an otherwise valid config.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/kernel/errors';
import { defineConfig } from '../../lib/config';
import type { StackConfigInput } from '../../lib/config';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { BUNDLED_SOURCES_FILE } from '../../lambdas/contract';
import type { RuntimeSource } from '../../lambdas/core/inbound/source-schema';
import { MAX_OWN_PIPELINES } from '../../lib/config-checks';
import { bundledSources, queueNameFor } from '../../lib/verifier-environment';
import sampleConfig from '../../config/sources';
import { buildStack, fixtureInput, manySources, resourceByPrefix, STACK_NAME, synth } from './support';

const valid: StackConfigInput = { sources: [{ id: 'stripe', scheme: 'stripe' }] };
const withSource = (source: Record<string, unknown>): StackConfigInput => ({
  sources: [{ id: 'stripe', scheme: 'stripe', ...source } as never],
});

/** Asserts `run` throws a ConfigError whose message matches `message`. */
function expectConfigError(run: () => unknown, message: RegExp): void {
  expect(run).toThrow(ConfigError);
  expect(run).toThrow(message);
}

describe('defineConfig()', () => {
  it('accepts a minimal config and fills in the defaults', () => {
    const config = defineConfig(valid);
    expect(config.sources[0]).toMatchObject({
      dedupeWindowDays: 7,
      queueRetentionDays: 4,
      maxReceiveCount: 5,
      processor: { timeoutSeconds: 30 },
    });
    expect(config.api).toEqual({ throttlingRateLimit: 1000, throttlingBurstLimit: 500 });
  });

  it('accepts the sample config in config/sources.ts', () => {
    expect(sampleConfig.sources.map((s) => s.id)).toEqual(['stripe', 'github']);
    expect(sampleConfig.subscriptions).toHaveLength(1);
  });

  it('rejects a source id that is not a URL segment', () => {
    expectConfigError(() => defineConfig(withSource({ id: 'Stripe Live' })), /sources\.0\.id: must be 1-40 lower-case/);
  });

  it('rejects a body limit over Lambda\'s request, saying so (not "expected a positive integer")', () => {
    expectConfigError(
      () => defineConfig(withSource({ maxBodyBytes: 7 * 1024 * 1024 })),
      /sources\.0\.maxBodyBytes: must be at most 6225920 \(Lambda's 6 MiB request/,
    );
  });

  it('rejects a CIDR the verifier could not compile (the synth once passed 1::2::3/64, failing the cold start)', () => {
    expectConfigError(
      () => defineConfig(withSource({ allowedCidrs: ['192.0.2.0/24', '1::2::3/64'] })),
      /sources\.0\.allowedCidrs\.1: must be an IPv4 or IPv6 CIDR/,
    );
    expect(
      defineConfig(withSource({ allowedCidrs: ['192.0.2.0/24', '2001:db8::/32'] })).sources[0]!.allowedCidrs,
    ).toHaveLength(2);
  });

  it('names an unknown key itself', () => {
    expectConfigError(() => defineConfig(withSource({ maxBodySize: 1024 })), /sources\.0\.maxBodySize: unknown key/);
  });

  it('rejects a duplicate source id', () => {
    expectConfigError(
      () =>
        defineConfig({
          sources: [
            { id: 'stripe', scheme: 'stripe' },
            { id: 'stripe', scheme: 'github' },
          ],
        }),
      /sources\.1\.id: duplicate source id "stripe"/,
    );
  });

  it('rejects an unknown scheme', () => {
    expectConfigError(() => defineConfig(withSource({ scheme: 'paypal' })), /sources\.0\.scheme:/);
  });

  it('rejects scheme options the scheme does not know', () => {
    expectConfigError(() => defineConfig(withSource({ schemeOptions: { tolerance: 5 } })), /sources\.0\.schemeOptions/);
  });

  it('rejects invalid options of the generic hmac scheme', () => {
    expectConfigError(
      () => defineConfig(withSource({ scheme: 'hmac', schemeOptions: { header: 'bad header name' } })),
      /sources\.0\.schemeOptions\.header/,
    );
  });

  it('rejects a queue retention longer than the dedupe window', () => {
    expectConfigError(
      () => defineConfig(withSource({ dedupeWindowDays: 3, queueRetentionDays: 4 })),
      /sources\.0\.queueRetentionDays: must not exceed dedupeWindowDays/,
    );
  });

  it('rejects a batch larger than 10 without a batching window', () => {
    expectConfigError(
      () => defineConfig(withSource({ processor: { batchSize: 50, maxBatchingWindowSeconds: 0 } })),
      /sources\.0\.processor\.batchSize: must be at most 10/,
    );
    expect(
      defineConfig(withSource({ processor: { batchSize: 50, maxBatchingWindowSeconds: 1 } })).sources[0]!.processor
        .batchSize,
    ).toBe(50);
  });

  it('rejects a subscription filter naming an undeclared source', () => {
    expectConfigError(
      () =>
        defineConfig({
          ...valid,
          subscriptions: [{ id: 'x', kind: 'email', address: 'a@example.com', filter: { source: ['strpe'] } }],
        }),
      /subscriptions\.0\.filter\.source\.0: unknown source "strpe"/,
    );
  });

  it('accepts a filter naming a tenant source (<tenant>.<id>), which the config cannot know', () => {
    const subscriptions = [
      { id: 'x', kind: 'email' as const, address: 'a@example.com', filter: { source: ['acme.github'] } },
    ];
    expect(defineConfig({ ...valid, subscriptions }).subscriptions).toHaveLength(1);
  });

  it('rejects a filter policy over the SNS combination limit', () => {
    // 76 types x 2 (every subscription admits replays aimed at it, or none: `replayTarget`) = 152.
    const many = Array.from({ length: 76 }, (_, i) => `t${i}`);
    expectConfigError(
      () =>
        defineConfig({
          ...valid,
          subscriptions: [{ id: 'x', kind: 'email', address: 'a@example.com', filter: { type: many } }],
        }),
      /subscriptions\.0\.filter: 152 value combinations/,
    );
  });

  it('rejects a non-https subscription URL', () => {
    expectConfigError(
      () => defineConfig({ ...valid, subscriptions: [{ id: 'x', kind: 'https', url: 'http://example.com/hook' }] }),
      /subscriptions\.0\.url/,
    );
  });
});

describe('how many sources a stack holds', () => {
  const sources = (count: number, pipeline: 'own' | 'shared'): StackConfigInput => ({
    ...fixtureInput,
    subscriptions: [],
    sources: manySources(count, pipeline),
  });
  const variables = (config: StackConfigInput): Record<string, unknown> =>
    resourceByPrefix(synth(defineConfig(config)).template, 'AWS::Lambda::Function', 'VerifierFunction').resource
      .Properties.Environment.Variables as Record<string, unknown>;

  it('gives the verifier the same few variables for 2 sources or 200: the sources travel in its code asset', () => {
    const two = variables(sources(2, 'shared'));
    const many = variables(sources(200, 'shared'));
    expect(Object.keys(many).sort()).toEqual(Object.keys(two).sort());
    expect(JSON.stringify(many).length).toBe(JSON.stringify(two).length);
    expect(JSON.stringify(many).length).toBeLessThan(1024);
  });

  it('bundles every source beside the verifier, by queue and secret name, with no deploy-time value in it', () => {
    const config = defineConfig(sources(200, 'shared'));
    const stack = buildStack(config);
    const file = join(stack.node.root instanceof Stage ? stack.node.root.outdir : '', 'bundled-files');
    const [dir] = readdirSync(file);
    const bundled = JSON.parse(readFileSync(join(file, dir!, BUNDLED_SOURCES_FILE), 'utf8')) as RuntimeSource[];
    expect(bundled).toEqual(bundledSources(config, STACK_NAME));
    expect(bundled).toHaveLength(200);
    expect(bundled[0]).toMatchObject({ id: 'source-000', secretId: `${STACK_NAME}/webhooks/source-000` });
    expect(bundled[0]!.queueName).toBeUndefined();
    expect(JSON.stringify(bundled)).not.toMatch(/\$\{Token|Ref|Fn::/);
  });

  it(`refuses more than ${MAX_OWN_PIPELINES} sources with their own pipeline, pointing to the shared one`, () => {
    expectConfigError(
      () => defineConfig(sources(MAX_OWN_PIPELINES + 1, 'own')),
      /sources: 41 sources have their own pipeline.*pipeline: 'shared'/,
    );
    expect(defineConfig(sources(MAX_OWN_PIPELINES, 'own')).sources).toHaveLength(MAX_OWN_PIPELINES);
  });

  it('names a source whose fixed queue name would be over 80 characters', () => {
    const config = defineConfig({ sources: [{ id: 'a'.repeat(40), scheme: 'stripe' }] });
    expect(() => queueNameFor('S'.repeat(40), config.sources[0]!.id)).toThrow(/over SQS's 80 characters/);
    expect(queueNameFor(STACK_NAME, 'stripe')).toBe(`${STACK_NAME}-stripe-ingest`);
  });

  it('asks for a source unless tenant sources are on', () => {
    expectConfigError(() => defineConfig({ sources: [] }), /sources: declare at least one source/);
    expect(defineConfig({ tenantSources: {} }).sources).toEqual([]);
  });
});
