/**
 * The outbound functions bundled for real (local esbuild, as `cdk deploy` bundles them): each entry an ESM
 * bundle with the SDK inside, no classic zod, no SDK credential chain (cold start). The bound is 736 KB, not the
 * inbound functions' 400 KB: the functions carry five SDK clients (DynamoDB, SQS, KMS, SNS, and S3 for payloads too
 * large for the table, decision 0027: about 90 KB of the bundle), the API function a sixth (Secrets Manager, the
 * portal's key) and the portal's routes, each Powertools Metrics (#20) (669 KB in all), the API function the operator
 * console's routes and reads (712 KB; its CloudWatch client comes from the runtime's SDK on first use), and no caller
 * waits on the worker's cold start; the bound is
 * there to catch an accidental dependency, not to set a latency.
 */
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sampleConfig from '../../config/sources';
import { defineConfig } from '../../lib/config';
import { readWebAssets } from '../../lambdas/adapters/file-assets';
import { BUNDLED_SOURCES_FILE, PORTAL_ASSETS_DIR } from '../../lambdas/contract';
import { DEFAULT_RETENTION } from '../../lambdas/core/outbound/retention';
import { synth } from './support';
import type { CfnResource, Synthesized } from './support';

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synth(
    {
      ...sampleConfig,
      outbound: defineConfig({ ...sampleConfig, outbound: { retention: DEFAULT_RETENTION } }).outbound,
    },
    { bundle: true },
  );
});

afterAll(() => {
  rmSync((synthesized.stack.node.root as App).outdir, { recursive: true, force: true });
});

function bundles(): { dir: string; sources: string[]; code: string }[] {
  const outdir = (synthesized.stack.node.root as App).outdir;
  const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function')) as CfnResource[];
  const keys = new Set(
    functions
      .filter((fn) => fn.Properties.Code?.S3Key)
      .map((fn) => (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')),
  );
  return [...keys].map((hash) => {
    const dir = path.join(outdir, `asset.${hash}`);
    return {
      dir,
      sources: (JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources,
      code: readFileSync(path.join(dir, 'index.mjs'), 'utf8'),
    };
  });
}

describe('outbound bundling', () => {
  it('bundles every outbound entry as ESM under 736 KB, without classic zod or the SDK credential chain', () => {
    const outbound = bundles().filter((b) => b.sources.some((s) => s.endsWith('lambdas/wiring/outbound.ts')));
    const entry = /(lambdas\/[a-z-]+\/handler|bin\/functions\/[a-z-]+)\.ts$/;
    const entries = outbound.map((b) => b.sources.find((s) => entry.test(s))?.match(entry)?.[1]);
    expect(entries.sort()).toEqual([
      'bin/functions/delivery-worker',
      'bin/functions/outbound-api',
      'bin/functions/outbound-intake',
      'lambdas/delivery-sweeper/handler',
      'lambdas/outbound-relay/handler',
    ]);
    for (const b of outbound) {
      expect(
        b.sources.filter((s) => s.includes('zod/v4/classic')),
        b.dir,
      ).toEqual([]);
      expect(
        b.sources.filter((s) => s.includes('credential-provider-node') || s.includes('credential-provider-sso')),
        b.dir,
      ).toEqual([]);
      expect(Buffer.byteLength(b.code), b.dir).toBeLessThan(736 * 1024);
      expect(/export\s*\{[^}]*\bhandler\s*\}/.test(b.code.slice(-2000)), `${b.dir} exports handler as ESM`).toBe(true);
    }
  });
});

describe('the operator console in the API function', () => {
  it('imports the CloudWatch client on first use only, from the runtime SDK, and no other function imports it', () => {
    const api = bundles().find((b) => b.sources.some((s) => s.endsWith('bin/functions/outbound-api.ts')))!;
    expect(api.code).toContain('import("@aws-sdk/client-cloudwatch")');
    expect(api.code).not.toMatch(/\bfrom\s*"@aws-sdk\/client-cloudwatch"|\brequire\("@aws-sdk\/client-cloudwatch"\)/);
    const isApi = (b: typeof api) => b.sources.some((s) => s.endsWith('bin/functions/outbound-api.ts'));
    for (const b of bundles().filter((b) => !isApi(b)))
      expect(/(?:\bfrom\s*|\bimport\(|\brequire\()"@aws-sdk\/client-cloudwatch"/.test(b.code), b.dir).toBe(false);
  });

  it('has the config sources beside its code (the console lists them and their queues)', () => {
    const api = bundles().find((b) => b.sources.some((s) => s.endsWith('bin/functions/outbound-api.ts')))!;
    const sources = JSON.parse(readFileSync(path.join(api.dir, BUNDLED_SOURCES_FILE), 'utf8')) as { id: string }[];
    expect(sources.length).toBeGreaterThan(0);
  });
});

describe('the tenant portal in the API function’s asset', () => {
  it('holds the built front end beside the bundle: the page, its script and style sheet, and their manifest', () => {
    const api = bundles().find((b) => b.sources.some((s) => s.endsWith('bin/functions/outbound-api.ts')))!;
    const dir = path.join(api.dir, PORTAL_ASSETS_DIR);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, string>;
    expect(manifest['index.html']).toBe('text/html; charset=utf-8');
    const script = Object.keys(manifest).find((n) => /^app-[0-9a-f]{10}\.js$/.test(n))!;
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain(`/portal/assets/${script}`);
    expect(readWebAssets(dir).get(script)?.body).toBe(readFileSync(path.join(dir, script), 'utf8'));
  });
});
