/**
 * The one synth that really bundles (the others skip it): local esbuild, no Docker, ESM output with
 * the require shim, source maps, and the AWS SDK inside the bundle. Uses the sample config file.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sampleConfig from '../../config/sources';
import { BUNDLED_SOURCES_FILE } from '../../lambdas/contract';
import { bundledSources } from '../../lib/verifier-environment';
import { STACK_NAME, synth } from './support';
import type { CfnResource, Synthesized } from './support';

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synth(sampleConfig, { bundle: true });
});

afterAll(() => {
  // The bundles (a few MB) go to a temporary cloud assembly; do not leave them behind.
  rmSync((synthesized.stack.node.root as App).outdir, { recursive: true, force: true });
});

function assetDirectories(): string[] {
  const outdir = (synthesized.stack.node.root as App).outdir;
  const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function')) as CfnResource[];
  const keys = new Set(functions.map((fn) => (fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')));
  return [...keys].map((hash) => path.join(outdir, `asset.${hash}`));
}

describe('bundling', () => {
  it('keeps each bundle on the request path under 400 KB (450 KB for the processor, which archives), without classic zod or the SDK credential chain (cold start)', () => {
    for (const dir of assetDirectories()) {
      const sources = (JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] })
        .sources;
      expect(
        sources.filter((s) => s.includes('zod/v4/classic')),
        dir,
      ).toEqual([]);
      expect(
        sources.filter((s) => s.includes('credential-provider-node') || s.includes('credential-provider-sso')),
        dir,
      ).toEqual([]);
      // The replay function runs as an asynchronous job: its cold start is on no one's request.
      if (sources.some((s) => s.endsWith('bin/functions/replay.ts'))) continue;
      const processor = sources.some((s) => s.endsWith('bin/functions/processor.ts'));
      expect(readFileSync(path.join(dir, 'index.mjs')).byteLength, dir).toBeLessThan((processor ? 450 : 400) * 1024);
    }
  });

  it('gives the processor neither zod nor the signature schemes, and the verifier only zod/mini, no source schema and no synth code (cold start)', () => {
    const bundles = assetDirectories().map(
      (dir) => (JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources,
    );
    const verifier = bundles.find((sources) => sources.some((s) => s.endsWith('lambdas/verifier/handler.ts')));
    const processor = bundles.find((sources) => sources.some((s) => s.endsWith('bin/functions/processor.ts')));
    expect(verifier && processor).toBeTruthy();
    // The verifier's zod is zod/mini, for the scheme options of a tenant source, built when one is first read. Its
    // config sources were checked at synth (decision 0002): neither the source schema nor the tenant-source API's
    // schemas are in it, so none is built at cold start; nor is the synth's config schema.
    expect(verifier!.some((s) => s.includes('zod/v4/mini'))).toBe(true);
    expect(
      verifier!.filter((s) => /lambdas\/core\/inbound\/(source-schema|tenant-sources\/model)\.ts$/.test(s)),
    ).toEqual([]);
    expect(verifier!.filter((s) => !s.includes('node_modules') && /(^|\/)lib\//.test(s))).toEqual([]);
    expect(processor!.filter((s) => s.includes('/zod/') || s.includes('lambdas/core/signatures/'))).toEqual([]);
  });

  it('produces one ESM bundle per distinct entry, with the createRequire shim first', () => {
    const dirs = assetDirectories();
    expect(dirs).toHaveLength(3); // the verifier, one processor asset shared by every source, the replay function
    for (const dir of dirs) {
      const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      expect(code.slice(0, 120)).toMatch(
        /^import \{ createRequire as __createRequire \} from 'node:module'; const require = __createRequire\(import\.meta\.url\);/,
      );
      expect(/export\s*\{[^}]*\bhandler\s*\}/.test(code.slice(-2000)), `${dir} exports handler as ESM`).toBe(true);
    }
  });

  it("copies the config sources beside the verifier's and the replay function's code, as the synth wrote them, and nowhere else", () => {
    const withFile = assetDirectories().filter((dir) => existsSync(path.join(dir, BUNDLED_SOURCES_FILE)));
    const entries = withFile.map((dir) =>
      ['lambdas/verifier/handler.ts', 'bin/functions/replay.ts'].find((entry) =>
        readFileSync(path.join(dir, 'index.mjs.map'), 'utf8').includes(entry),
      ),
    );
    expect(entries.sort()).toEqual(['bin/functions/replay.ts', 'lambdas/verifier/handler.ts']);
    for (const dir of withFile)
      expect(JSON.parse(readFileSync(path.join(dir, BUNDLED_SOURCES_FILE), 'utf8'))).toEqual(
        bundledSources(sampleConfig, STACK_NAME),
      );
  });

  it('writes a source map next to each bundle', () => {
    for (const dir of assetDirectories()) expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
  });

  it('bundles the AWS SDK instead of importing the runtime copy', () => {
    for (const dir of assetDirectories()) {
      const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      // esbuild writes module specifiers with double quotes; single-quoted ones are the SDK's error messages.
      const sdkImports = [...code.matchAll(/(?:\bfrom\s*|\brequire\(|\bimport\()"(@aws-sdk\/[^"]+)"/g)].map(
        (m) => m[1],
      );
      // The CRT signer is an optional peer the SDK requires inside a try/catch (SigV4a only); not used here.
      // The verifier's S3 client is the runtime's, imported lazily for claim checks only (decision 0019): tested below;
      // so is the API function's CloudWatch client, for the operator console (bundling-outbound.test.ts).
      const lazy = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/client-s3', '@aws-sdk/client-cloudwatch']);
      expect(new Set(sdkImports.filter((name) => !lazy.has(name!)))).toEqual(new Set());
    }
  });

  it("imports the verifier's S3 client on first use only, never at INIT (an ESM bundle hoists static imports)", () => {
    const codes = assetDirectories().map((dir) => readFileSync(path.join(dir, 'index.mjs'), 'utf8'));
    const verifier = codes.find((code) => code.includes('import("@aws-sdk/client-s3")'));
    expect(verifier, 'the verifier bundle imports the S3 client lazily').toBeDefined();
    expect(verifier).not.toMatch(/\bfrom\s*"@aws-sdk\/client-s3"|\brequire\("@aws-sdk\/client-s3"\)/);
    // The other bundles carry the S3 client they use.
    for (const code of codes.filter((c) => c !== verifier))
      expect(code).not.toMatch(/(?:\bfrom\s*|\bimport\(|\brequire\()"@aws-sdk\/client-s3"/);
  });
});
