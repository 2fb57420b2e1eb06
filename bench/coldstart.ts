/**
 * `npm run bench:coldstart`: bundle each Lambda exactly as the stack does (the exported
 * `LAMBDA_BUNDLING`, with the verifier's runtime-SDK modules left out as its construct does, through the same flag
 * translation NodejsFunction makes), report the minified and
 * gzipped size, and time the module load (INIT: import + module-scope code) in fresh Node processes
 * next to a reference bundle holding only the AWS SDK clients the function needs.
 *
 * Also measured, to check the claims the stack's comments make:
 * - the same bundles with the AWS SDK left external (resolved from node_modules, as the runtime's copy
 *   would be), i.e. `bundleAwsSDK: false`;
 * - the deployed bundles with `NODE_OPTIONS=--enable-source-maps` flipped (on if the stack leaves it off, off if
 *   it sets it);
 * - what-ifs (bench/what-if/): the verifier with Powertools Tracer, and with OpenTelemetry, for the tracing decision;
 * - with `--baseline DIR` (a checkout of another commit, e.g. `git archive main | tar -x -C DIR`), that tree's
 *   verifier and processor in the same run, with the environment its stack sets, so two commits compare side by side.
 *
 * Runs are interleaved (every variant once per round, in a rotating order) so machine noise hits all
 * variants alike. Usage: `npm run bench:coldstart -- [--runs 21] [--baseline DIR]`. Bundles go to a temp
 * directory.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build } from 'esbuild';
import { BUNDLED_SOURCES_FILE } from '../lambdas/contract';
import {
  bundlingWith,
  LAMBDA_BUNDLING,
  NODE_RUNTIME,
  REPO_ROOT,
  VERIFIER_RUNTIME_SDK_MODULES,
} from '../lib/constructs/webhook-function';
import { esbuildOptionsFromCdk } from './lib/cdk-bundling';
import {
  bundledSourcesJson,
  firstSource,
  mapsLabel,
  processorEnv,
  sourceMapsFlipped,
  tenantSourcesEnv,
  verifierEnv,
} from './lib/coldstart-env';
import { baselineSettings, cdkOutAssetSha } from './lib/coldstart-trees';
import { machineHeader } from './lib/machine';
import { loadMs } from './lib/module-load';
import { kib, median, quantile, ratio, table } from './lib/stats';

const runs = Number(argValue('--runs') ?? 21);
const baselineDir = argValue('--baseline');
if (!Number.isInteger(runs) || runs < 15)
  throw new Error('--runs must be an integer >= 15 (the median of fewer runs is too noisy to compare)');

const cdkContext = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
const excludeSmithyPackages = cdkContext['@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages'] === true;

// ---- bundles ----
type Sdk = 'bundled' | 'external';
interface Bundle {
  readonly fn: 'verifier' | 'processor';
  readonly kind: 'function' | 'reference' | 'what-if' | 'baseline';
  readonly sdk: Sdk;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  readonly sha256: string;
  readonly env: Record<string, string>;
}

/** The `entry` each function's construct gives NodejsFunction (webhook-ingestion-stack.ts, source-pipeline.ts). */
const FUNCTION_ENTRIES: Record<Bundle['fn'], string> = {
  verifier: 'lambdas/verifier/handler.ts',
  processor: 'bin/functions/processor.ts',
};

const SDK_EXTERNAL: BundlingOptions = { ...LAMBDA_BUNDLING, bundleAwsSDK: false, externalModules: undefined };
const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-coldstart-'));

/** The verifier with tenant sources on, and its reference (the SDK-only one and the KMS client). */
const TENANT_REFERENCE = 'bench/reference/verifier-tenant-sources.ts';
const TENANT_REF_LABEL = 'verifier reference, tenant sources on (SDK bundled)';
const TENANT_LABEL = 'verifier function (SDK bundled, tenant sources on)';

/** What-ifs: the verifier with a tracing SDK in it (decision on tracing, docs/decisions). */
const WHAT_IFS = {
  'Powertools Tracer': 'bench/what-if/verifier-powertools-tracer.ts',
  OpenTelemetry: 'bench/what-if/verifier-opentelemetry.ts',
} as const;

async function bundle(
  fn: Bundle['fn'],
  kind: Bundle['kind'],
  sdk: Sdk,
  from: {
    readonly entry?: string;
    readonly root?: string;
    readonly name?: string;
    /** The verifier's runtime-SDK modules in that tree. @default this tree's VERIFIER_RUNTIME_SDK_MODULES */
    readonly runtimeSdk?: readonly string[];
  } = {},
): Promise<Bundle> {
  const entry = from.entry ?? (kind === 'reference' ? `bench/reference/${fn}.ts` : FUNCTION_ENTRIES[fn]);
  const root = from.root ?? REPO_ROOT;
  const outdir = path.join(workDir, [fn, kind, sdk, from.name ?? ''].join('-').replace(/[^\w-]/g, '_'));
  mkdirSync(outdir, { recursive: true });
  // The verifier leaves the S3 client to the runtime's SDK, as its construct does (it loads it for claim checks only).
  const bundled =
    fn === 'verifier' && kind !== 'reference'
      ? bundlingWith(from.runtimeSdk ?? VERIFIER_RUNTIME_SDK_MODULES)
      : LAMBDA_BUNDLING;
  // An external SDK (or the verifier's runtime-SDK modules) resolves from node_modules next to the bundle, as the
  // runtime's copy does on Lambda.
  if (sdk === 'external' || bundled !== LAMBDA_BUNDLING)
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
  if (root !== REPO_ROOT && !existsSync(path.join(root, 'node_modules')))
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const options = esbuildOptionsFromCdk(sdk === 'bundled' ? bundled : SDK_EXTERNAL, {
    entry,
    projectRoot: root,
    outdir,
    runtimeName: NODE_RUNTIME.name,
    excludeSmithyPackages,
  });
  await build(options);
  // The verifier reads its sources from the file the synth copies beside its code (LAMBDA_TASK_ROOT on Lambda).
  if (fn === 'verifier') writeFileSync(path.join(outdir, BUNDLED_SOURCES_FILE), bundledSourcesJson);
  const code = readFileSync(options.outfile);
  const map = `${options.outfile}.map`;
  return {
    fn,
    kind,
    sdk,
    file: options.outfile,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    mapBytes: existsSync(map) ? readFileSync(map).byteLength : 0,
    sha256: createHash('sha256').update(code).digest('hex'),
    env: fn === 'verifier' ? { ...verifierEnv, LAMBDA_TASK_ROOT: outdir } : processorEnv,
  };
}

interface Variant {
  readonly label: string;
  readonly bundle: Bundle;
  readonly env: Record<string, string>;
  readonly samples: number[];
  readonly cpu: number[];
  /** The label of the reference its ratios are against. @default `<fn> reference (SDK <sdk>)` */
  readonly ref?: string;
}

async function main(): Promise<void> {
  console.log(machineHeader('bench:coldstart — bundle size and module-load time'));
  console.log(
    `# ${runs} fresh-process loads per variant, interleaved; esbuild ${(await import('esbuild')).version}; bundling = LAMBDA_BUNDLING (lib/constructs/webhook-function.ts), target from ${NODE_RUNTIME.name}`,
  );
  console.log(
    '# load = performance.now() around `await import(bundle)` in `node --input-type=module`, env as the template sets it (NODE_OPTIONS=--enable-source-maps only with config sourceMaps: true)',
  );

  const bundles: Bundle[] = [];
  for (const fn of ['verifier', 'processor'] as const) {
    for (const kind of ['function', 'reference'] as const) {
      for (const sdk of ['bundled', 'external'] as const) bundles.push(await bundle(fn, kind, sdk));
    }
  }
  const find = (fn: Bundle['fn'], kind: Bundle['kind'], sdk: Sdk) =>
    bundles.find((b) => b.fn === fn && b.kind === kind && b.sdk === sdk)!;
  const label = (b: Bundle) => `${b.fn} ${b.kind} (SDK ${b.sdk})`;

  const variants: Variant[] = bundles.map((b) => ({ label: label(b), bundle: b, env: b.env, samples: [], cpu: [] }));
  for (const fn of ['verifier', 'processor'] as const) {
    const b = find(fn, 'function', 'bundled');
    const env = sourceMapsFlipped(b.env);
    variants.push({ label: `${fn} function (SDK bundled, ${mapsLabel(env)})`, bundle: b, env, samples: [], cpu: [] });
  }
  // Tenant sources on: the verifier builds its KMS client and resolver too, against a reference with that client.
  const tenantRef = await bundle('verifier', 'reference', 'bundled', { entry: TENANT_REFERENCE, name: 'tenant' });
  variants.push({ label: TENANT_REF_LABEL, bundle: tenantRef, env: tenantRef.env, samples: [], cpu: [] });
  const verifier = find('verifier', 'function', 'bundled');
  const tenantEnv = { ...verifier.env, ...tenantSourcesEnv };
  variants.push({ label: TENANT_LABEL, bundle: verifier, env: tenantEnv, ref: TENANT_REF_LABEL, samples: [], cpu: [] });
  for (const [name, entry] of Object.entries(WHAT_IFS)) {
    const b = await bundle('verifier', 'what-if', 'bundled', { entry, name });
    variants.push({ label: `verifier + ${name} (what-if)`, bundle: b, env: b.env, samples: [], cpu: [] });
  }
  if (baselineDir !== undefined) {
    const root = path.resolve(baselineDir);
    const settings = await baselineSettings(root);
    console.log(
      `# baseline ${path.basename(root)}: verifier runtime-SDK modules ${JSON.stringify(settings.runtimeSdk)}, --enable-source-maps ${settings.sourceMaps ? 'on' : 'off'}`,
    );
    for (const fn of ['verifier', 'processor'] as const) {
      const b = await bundle(fn, 'baseline', 'bundled', { root, name: 'baseline', runtimeSdk: settings.runtimeSdk });
      // The environment the baseline's stack sets: the same variables, with the source-map flag as it had it.
      const { NODE_OPTIONS: _, ...rest } = b.env;
      const env = settings.sourceMaps ? { ...rest, NODE_OPTIONS: '--enable-source-maps' } : rest;
      variants.push({ label: `${fn} baseline (${path.basename(root)})`, bundle: b, env, samples: [], cpu: [] });
    }
  }
  // One warm-up pass fills the OS file cache; it is not counted.
  for (const v of variants) loadMs(v.bundle.file, v.env);
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + round) % variants.length]!;
      const [wall, cpu] = loadMs(v.bundle.file, v.env);
      v.samples.push(wall);
      v.cpu.push(cpu);
    }
  }

  const med = (label: string) => median(variants.find((v) => v.label === label)!.samples);
  const cpuMed = (label: string) => median(variants.find((v) => v.label === label)!.cpu);
  const rows: string[][] = [
    ['variant', 'minified', 'gzip', 'source map', 'load p50', 'p10', 'p90', 'vs reference', 'cpu p50', 'cpu vs ref'],
  ];
  for (const v of variants) {
    const b = v.bundle;
    const ref = v.ref ?? `${b.fn} reference (SDK ${b.sdk})`;
    rows.push([
      v.label,
      kib(b.bytes),
      kib(b.gzipBytes),
      kib(b.mapBytes),
      `${median(v.samples).toFixed(1)} ms`,
      `${quantile(v.samples, 0.1).toFixed(1)}`,
      `${quantile(v.samples, 0.9).toFixed(1)}`,
      b.kind !== 'reference' ? ratio(median(v.samples), med(ref)) : '',
      `${median(v.cpu).toFixed(1)} ms`,
      b.kind !== 'reference' ? ratio(median(v.cpu), cpuMed(ref)) : '',
    ]);
  }
  console.log('');
  console.log(table(rows));

  const checks = [
    ['verifier', 'Verifier/Function/Code'],
    ['processor', `Source-${firstSource.id}/Processor/Function/Code`],
  ] as const;
  console.log('');
  for (const [fn, displayName] of checks) {
    const sha = cdkOutAssetSha(displayName);
    const same =
      sha === undefined
        ? 'no cdk.out asset to compare'
        : sha === find(fn, 'function', 'bundled').sha256
          ? 'byte-identical to the cdk.out asset'
          : 'differs from the cdk.out asset (run `npx cdk synth` to refresh it)';
    console.log(`# ${fn} bundle: ${same}`);
  }

  const v = find('verifier', 'function', 'bundled');
  const vRatio = med('verifier function (SDK bundled)') / med('verifier reference (SDK bundled)');
  const pRatio = med('processor function (SDK bundled)') / med('processor reference (SDK bundled)');
  const vExt = med('verifier function (SDK bundled)') / med('verifier function (SDK external)');
  const pExt = med('processor function (SDK bundled)') / med('processor function (SDK external)');
  const flipped = mapsLabel(sourceMapsFlipped(verifierEnv));
  const vMaps = med(`verifier function (SDK bundled, ${flipped})`) / med('verifier function (SDK bundled)');
  const cpuRatio = (label: string) => (cpuMed(label) / cpuMed('verifier reference (SDK bundled)')).toFixed(2);
  console.log(
    `ratios: verifier/ref ${vRatio.toFixed(2)}x (target <=1.3) | processor/ref ${pRatio.toFixed(2)}x (target <=1.3) | ` +
      `verifier ${kib(v.bytes)} min (target <400 KiB) | SDK bundled/external: verifier ${vExt.toFixed(2)}x, processor ${pExt.toFixed(2)}x | ` +
      `${flipped}/as deployed: verifier ${vMaps.toFixed(2)}x | ` +
      `tenant sources on: verifier/ref ${(cpuMed(TENANT_LABEL) / cpuMed(TENANT_REF_LABEL)).toFixed(2)}x CPU | ` +
      `CPU time: verifier/ref ${cpuRatio('verifier function (SDK bundled)')}x, processor/ref ${(cpuMed('processor function (SDK bundled)') / cpuMed('processor reference (SDK bundled)')).toFixed(2)}x | ` +
      `what-ifs, CPU vs ref: ${Object.keys(WHAT_IFS)
        .map((name) => `+${name} ${cpuRatio(`verifier + ${name} (what-if)`)}x`)
        .join(', ')}` +
      (baselineDir === undefined
        ? ''
        : ` | baseline ${path.basename(path.resolve(baselineDir))}: verifier/ref ${cpuRatio(`verifier baseline (${path.basename(path.resolve(baselineDir))})`)}x CPU, ${(med(`verifier baseline (${path.basename(path.resolve(baselineDir))})`) / med('verifier reference (SDK bundled)')).toFixed(2)}x wall`),
  );
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

try {
  await main();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
