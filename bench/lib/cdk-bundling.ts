/**
 * Builds a Lambda bundle the way `NodejsFunction` does, from the same `BundlingOptions` object the
 * stack passes (`LAMBDA_BUNDLING`). The translation mirrors aws-cdk-lib's `Bundling.buildEsbuildArgs`
 * (aws-lambda-nodejs/lib/bundling.js) flag by flag; any option it does not know makes it throw, so
 * the bench can never silently bundle differently from the stack.
 */
import * as path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The options `buildEsbuildArgs` turns into flags. Anything else set in `BundlingOptions` is refused. */
const TRANSLATED = new Set<keyof BundlingOptions>([
  'format',
  'target',
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'externalModules',
  'bundleAwsSDK',
  'loader',
  'define',
  'logLevel',
  'keepNames',
  'tsconfig',
  'metafile',
  'banner',
  'footer',
  'mainFields',
  'inject',
  // Only `--alias` is translated; any other raw esbuild flag throws below.
  'esbuildArgs',
  // No effect on the output: where esbuild runs.
  'forceDockerBundling',
]);

export interface CdkBundleTarget {
  /** Entry, relative to `projectRoot` (NodejsFunction passes it relative and runs esbuild there). */
  readonly entry: string;
  readonly projectRoot: string;
  readonly outdir: string;
  /** e.g. `nodejs24.x`; gives the default `--target=node24`. */
  readonly runtimeName: string;
  /** The `@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages` feature flag (true in cdk.json). */
  readonly excludeSmithyPackages: boolean;
}

/** The esbuild JS-API equivalent of the CLI call NodejsFunction makes for `bundling`. */
export function esbuildOptionsFromCdk(
  bundling: BundlingOptions,
  target: CdkBundleTarget,
): BuildOptions & { outfile: string } {
  for (const key of Object.keys(bundling) as Array<keyof BundlingOptions>) {
    if (bundling[key] !== undefined && !TRANSLATED.has(key)) {
      throw new Error(
        `bench: BundlingOptions.${String(key)} is not translated to esbuild here; add it to bench/lib/cdk-bundling.ts`,
      );
    }
  }
  if (bundling.sourceMap === false && bundling.sourceMapMode)
    throw new Error('sourceMapMode cannot be used when sourceMap is false');
  const match = /nodejs(\d+)/.exec(target.runtimeName);
  if (!match) throw new Error(`cannot extract a Node.js version from ${target.runtimeName}`);

  const esm = bundling.format === 'esm';
  const sourceMapEnabled = bundling.sourceMapMode ?? bundling.sourceMap;
  const sourceMapMode = bundling.sourceMapMode ?? 'default';
  // CDK: externalModules wins; else nothing when the SDK is bundled; else the runtime-provided SDK.
  const sdkExternals = target.excludeSmithyPackages ? ['@aws-sdk/*', '@smithy/*'] : ['@aws-sdk/*'];
  const external = bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : sdkExternals);

  const options: BuildOptions & { outfile: string } = {
    absWorkingDir: target.projectRoot,
    entryPoints: [target.entry],
    bundle: true,
    target: bundling.target ?? `node${match[1]}`,
    platform: 'node',
    outfile: path.join(target.outdir, esm ? 'index.mjs' : 'index.js'),
    logLevel: bundling.logLevel ?? 'warning',
  };
  if (bundling.format) options.format = bundling.format as 'esm' | 'cjs';
  if (bundling.minify) options.minify = true;
  if (sourceMapEnabled)
    options.sourcemap = sourceMapMode === 'default' ? true : (sourceMapMode as 'external' | 'inline' | 'both');
  if (bundling.sourcesContent === false) options.sourcesContent = false;
  if (external.length) options.external = [...external];
  if (bundling.loader) options.loader = { ...bundling.loader } as BuildOptions['loader'];
  if (bundling.define) options.define = { ...bundling.define };
  if (bundling.keepNames) options.keepNames = true;
  if (bundling.tsconfig) options.tsconfig = path.resolve(target.projectRoot, bundling.tsconfig);
  if (bundling.metafile) options.metafile = true;
  if (bundling.banner) options.banner = { js: bundling.banner };
  if (bundling.footer) options.footer = { js: bundling.footer };
  if (bundling.mainFields) options.mainFields = [...bundling.mainFields];
  if (bundling.inject) options.inject = [...bundling.inject];
  for (const [flag, value] of Object.entries(bundling.esbuildArgs ?? {})) {
    // CDK passes `{'--alias': 'a=b'}` (or a list of them) as `--alias:a=b`.
    if (flag !== '--alias' || typeof value === 'boolean')
      throw new Error(`bench: esbuildArgs ${flag} is not translated; add it to bench/lib/cdk-bundling.ts`);
    const alias: Record<string, string> = { ...options.alias };
    for (const entry of Array.isArray(value) ? value : [value]) {
      const eq = String(entry).indexOf('=');
      alias[String(entry).slice(0, eq)] = String(entry).slice(eq + 1);
    }
    options.alias = alias;
  }
  return options;
}
