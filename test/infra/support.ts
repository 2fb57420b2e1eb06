/**
 * Shared setup for the infra tests: an App configured like `cdk synth` (the feature flags from
 * cdk.json), a fixture config that exercises every option, and template helpers.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { defineConfig } from '../../lib/config';
import type { StackConfig, StackConfigInput } from '../../lib/config';
import { REPO_ROOT } from '../../lib/constructs/webhook-function';
import { WebhookIngestionStack } from '../../lib/webhook-ingestion-stack';
import { defineRelays } from '../../lambdas/core/outbound/intake/relay';

export const STACK_NAME = 'WebhookTest';

/** Every option the stack reads, with values that differ from the defaults so the tests can tell. */
export const fixtureInput = {
  sources: [
    {
      id: 'stripe',
      scheme: 'stripe',
      dedupeWindowDays: 7,
      queueRetentionDays: 5,
      maxReceiveCount: 3,
      processor: { batchSize: 5, maxBatchingWindowSeconds: 2, maxConcurrency: 4, timeoutSeconds: 20, memoryMb: 512 },
    },
    { id: 'github-app', scheme: 'github' },
    { id: 'shop', scheme: 'shopify', pipeline: 'shared', rateLimit: { perSecond: 20, burst: 40 } },
  ],
  subscriptions: [
    { id: 'billing', kind: 'sqs', filter: { source: ['stripe'], type: ['charge.refunded'], typePrefix: ['invoice.'] } },
    { id: 'existing', kind: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:111122223333:existing-queue' },
    {
      id: 'audit',
      kind: 'lambda',
      functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:audit',
      filter: { source: ['github-app'] },
    },
    { id: 'ops', kind: 'email', address: 'ops@example.com', filter: { typePrefix: ['payout.'] } },
    { id: 'partner', kind: 'https', url: 'https://hooks.example.com/events' },
  ],
  api: { throttlingRateLimit: 50, throttlingBurstLimit: 75 },
  logRetentionDays: 14,
  secretsCacheSeconds: 120,
  tenantSources: { cacheSeconds: 20, missesPerSecond: 25 },
  sharedPipeline: { maxReceiveCount: 4, processor: { maxConcurrency: 8 } },
} satisfies StackConfigInput;

export const fixtureConfig: StackConfig = defineConfig(fixtureInput);

/** `count` Stripe sources `source-000`…, each with its own pipeline or on the shared one. */
export function manySources(count: number, pipeline: 'own' | 'shared') {
  return Array.from({ length: count }, (_, i) => ({
    id: `source-${String(i).padStart(3, '0')}`,
    scheme: 'stripe' as const,
    pipeline,
  }));
}

const cdkJsonContext = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * An App like the CLI's. By default it skips bundling (an empty `aws:cdk:bundling-stacks`): the
 * template is the same apart from asset hashes, and esbuild runs once, in bundling.test.ts.
 * The built-in CloudFormation validator is off: it costs ~7 s per synth and these tests assert the
 * template directly; `cdk synth` keeps it on.
 */
export function testApp(options: { bundle?: boolean } = {}): App {
  return new App({
    context: { ...cdkJsonContext, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    builtinCloudFormationValidation: false,
  });
}

/**
 * The relay rules the stack tests synthesize with, as config/relays.ts ships them: every Stripe event to tenant
 * "internal", and every tenant source's event to its own tenant.
 */
export const FIXTURE_RELAYS = defineRelays([
  { source: 'stripe', types: ['*'], tenant: 'internal' },
  { tenantSources: true, types: ['*'] },
]);

export function buildStack(
  config: StackConfig = fixtureConfig,
  options: { bundle?: boolean; app?: App } = {},
): WebhookIngestionStack {
  const app = options.app ?? testApp(options);
  return new WebhookIngestionStack(app, 'Stack', { stackName: STACK_NAME, config, relays: FIXTURE_RELAYS });
}

export interface Synthesized {
  readonly stack: WebhookIngestionStack;
  readonly template: Template;
}

export function synth(config: StackConfig = fixtureConfig, options: { bundle?: boolean } = {}): Synthesized {
  const stack = buildStack(config, options);
  return { stack, template: Template.fromStack(stack) };
}

export type CfnResource = {
  Type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template properties of any resource type
  Properties: Record<string, any>;
  DependsOn?: unknown;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** The one resource of `type` whose logical id starts with `prefix` (logical ids follow construct paths). */
export function resourceByPrefix(
  template: Template,
  type: string,
  prefix: string,
): { logicalId: string; resource: CfnResource } {
  const matches = Object.entries(template.findResources(type)).filter(([logicalId]) => logicalId.startsWith(prefix));
  if (matches.length !== 1)
    throw new Error(
      `expected one ${type} starting with ${prefix}, found ${matches.map(([id]) => id).join(', ') || 'none'}`,
    );
  const [logicalId, resource] = matches[0]!;
  return { logicalId, resource: resource as CfnResource };
}
