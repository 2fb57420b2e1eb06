/**
 * The dependency directions the folder layout depends on, enforced by eslint (eslint.config.js) and tested here so
 * that loosening a rule fails a test, not only a review: the functions never import the infrastructure, the local
 * stack, the CLI, bin/ or your config; the infrastructure never imports config/; the pure core never imports the SDK.
 */
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('dependency rules', () => {
  it.each([
    ['lambdas/outbound-relay/probe.ts', "import { relays } from '../../config/relays';"],
    ['lambdas/core/outbound/probe.ts', "import { relays } from '../../../config/relays';"],
    ['lambdas/verifier/probe.ts', "import { buildStack } from '../../lib/webhook-ingestion-stack';"],
    ['lambdas/processor/probe.ts', "import { startLocalStack } from '../../local/stack';"],
    ['lib/constructs/probe.ts', "import config from '../../config/sources';"],
    ['lambdas/core/inbound/probe.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"],
  ])('eslint refuses %s importing upward: %s', async (filePath, line) => {
    const [result] = await new ESLint({ cwd: ROOT }).lintText(`${line}\nexport const x = 1;\n`, { filePath });
    expect(result!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });

  it('eslint lets a function import lambdas/wiring/ (its environment) and the core', async () => {
    const [result] = await new ESLint({ cwd: ROOT }).lintText(
      "import { verifierConfig } from '../wiring/inbound-env';\nimport { ENV } from '../contract';\nexport const x = [verifierConfig, ENV];\n",
      { filePath: 'lambdas/verifier/probe.ts' },
    );
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});
