/**
 * The other trees `bench:coldstart` compares with: a `--baseline` checkout (how it bundles and runs its verifier), and
 * the cdk.out asset of the last synth (whether the bench's bundle is byte-identical to what would deploy).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../lib/constructs/webhook-function';

/**
 * How the baseline tree bundles and runs its verifier: its own runtime-SDK modules (a tree before they existed
 * left only S3 out), and whether its functions run with `--enable-source-maps` (every function did before the
 * config `sourceMaps`, decision 0030, which leaves them off by default).
 */
export async function baselineSettings(root: string): Promise<{ runtimeSdk: readonly string[]; sourceMaps: boolean }> {
  if (!existsSync(path.join(root, 'node_modules')))
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const file = path.join(root, 'lib/constructs/webhook-function.ts');
  const mod = (await import(pathToFileURL(file).href)) as { VERIFIER_RUNTIME_SDK_MODULES?: readonly string[] };
  return {
    runtimeSdk: mod.VERIFIER_RUNTIME_SDK_MODULES ?? ['@aws-sdk/client-s3'],
    sourceMaps: !/readonly sourceMaps\?:/.test(readFileSync(file, 'utf8')),
  };
}

export function cdkOutAssetSha(displayName: string): string | undefined {
  const assetsFile = path.join(REPO_ROOT, 'cdk.out', 'WebhookIngestion.assets.json');
  if (!existsSync(assetsFile)) return undefined;
  const assets = JSON.parse(readFileSync(assetsFile, 'utf8')) as {
    files: Record<string, { displayName?: string; source: { path: string } }>;
  };
  const asset = Object.values(assets.files).find((f) => f.displayName === displayName);
  const file = asset && path.join(REPO_ROOT, 'cdk.out', asset.source.path, 'index.mjs');
  return file && existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : undefined;
}
