/**
 * cdk-nag's AWS Solutions pack finds nothing unacknowledged, and every acknowledgement says why.
 * cdk-nag 3 has no NagSuppressions: acknowledgements are CDK's `Validations.of(x).acknowledge()`.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WebhookIngestionStack } from '../../lib/webhook-ingestion-stack';
import { defineConfig } from '../../lib/config';
import { fixtureInput, manySources, STACK_NAME, synth } from './support';

let stack: WebhookIngestionStack;

beforeAll(() => {
  // The fixture config has every subscription kind, so every construct the stack can create is checked.
  ({ stack } = synth());
});

interface Acknowledged {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(scope: IConstruct): Acknowledged[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Recorded as { "Annotation::<rule id>": "<reason>" }.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([key, reason]) => ({ path: construct.node.path, id: key.replace(/^Annotation::/, ''), reason })),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('justifies every acknowledgement in words', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.split(/\s+/).length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(10);
    }
  });

  it('acknowledges only the rules we mean to accept', () => {
    const ids = new Set(
      acknowledgements(stack).map((ack) =>
        ack.id.replace(/\[Resource::<ArchiveBucket\w+\.Arn>\/(events|payloads|messages)\/\*\]$/, '[archive prefix]'),
      ),
    );
    expect([...ids].sort()).toEqual([
      'AwsSolutions-APIG4',
      // The verifier and the replay function read the stack's source secrets by name prefix (grantSourceAccess).
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${STACK_NAME}/webhooks/*]`,
      // Each function is granted the archive prefixes it uses, every key under them (keys are generated).
      'AwsSolutions-IAM5[archive prefix]',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
  });

  it('stays clean with 200 config sources on the shared pipeline', () => {
    const many = synth(defineConfig({ ...fixtureInput, subscriptions: [], sources: manySources(200, 'shared') })).stack;

    const report = new AwsSolutionsChecks().validateScope(many);

    expect(report.violations).toEqual([]);
    expect(many.node.findAll().filter((c) => c.node.id === 'SigningSecret')).toHaveLength(200);
  });

  it('stays clean with X-Ray tracing on, acknowledging X-Ray’s wildcard resource', () => {
    const traced = synth(defineConfig({ ...fixtureInput, tracing: true })).stack;

    const report = new AwsSolutionsChecks().validateScope(traced);

    expect(report.violations).toEqual([]);
    expect(new Set(acknowledgements(traced).map((ack) => ack.id))).toContain('AwsSolutions-IAM5[Resource::*]');
  });
});
