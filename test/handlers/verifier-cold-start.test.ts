/**
 * What the deployed verifier does at cold start (issue #20's budget): its config sources were checked at synth, so it
 * builds no zod schema at INIT, not the source schema, not a scheme's options schema, not the tenant-source API's
 * (decision 0002). Counted through zod's construction hook, which the test first proves counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import sampleConfig from '../../config/sources';
import { BUNDLED_SOURCES_FILE } from '../../lambdas/contract';
import { bundledSources, verifierEnvironment } from '../../lib/verifier-environment';

type Hooked = typeof globalThis & { __zod_globalConfig?: { postProcessor?: (schema: unknown) => void } };
const hooked = globalThis as Hooked;

afterEach(() => {
  delete hooked.__zod_globalConfig;
  vi.unstubAllEnvs();
});

describe('the deployed verifier at cold start', () => {
  it('builds no zod schema: its sources are read as the synth checked them', async () => {
    const taskRoot = mkdtempSync(join(tmpdir(), 'verifier-task-'));
    try {
      writeFileSync(join(taskRoot, BUNDLED_SOURCES_FILE), JSON.stringify(bundledSources(sampleConfig, 'Stack')));
      const env = verifierEnvironment(sampleConfig, {
        tableName: 'events',
        queueUrlPrefix: 'https://sqs.us-east-1.amazonaws.com/123456789012/',
        sharedQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shared',
        tenantSources: { tableName: 'tenant-sources', keyId: 'alias/sources' },
      });
      for (const [name, value] of Object.entries({ ...env, LAMBDA_TASK_ROOT: taskRoot, AWS_REGION: 'us-east-1' }))
        vi.stubEnv(name, value);
      // Everything imported from here on is evaluated afresh, with the hook in place.
      vi.resetModules();
      const built: string[] = [];
      hooked.__zod_globalConfig = {
        postProcessor: (schema) => built.push((schema as { _zod: { def: { type: string } } })._zod.def.type),
      };
      const z = await import('zod/mini');
      z.string();
      expect(built).toEqual(['string']);
      built.length = 0;

      const { handler } = await import('../../lambdas/verifier/handler');

      expect(typeof handler).toBe('function');
      expect(built).toEqual([]);
    } finally {
      rmSync(taskRoot, { recursive: true, force: true });
    }
  });
});
