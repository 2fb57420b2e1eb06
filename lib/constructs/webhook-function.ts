/**
 * One place for the defaults every function of the stack shares: runtime, architecture, bundling,
 * tracing, logging and a least-privilege role. The verifier and each processor differ only in entry,
 * sizing and environment.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BundlingOptions, ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/contract';
import { metricsNamespace } from '../../lambdas/core/kernel/metrics';

/** The repository root: `package.json`, `package-lock.json` and `tsconfig.json` live here. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The newest Node.js runtime this aws-cdk-lib offers. Pinned rather than NODEJS_LATEST so a library upgrade cannot change it silently. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Bundled ESM needs `require` for the CommonJS dependencies esbuild inlines (some AWS SDK and
 * Powertools internals call it); ESM has none, so the banner recreates it.
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * How every function is bundled. Exported so `npm run bench:coldstart` builds exactly the bundles
 * the stack deploys.
 */
export const LAMBDA_BUNDLING: BundlingOptions = {
  // Local esbuild from node_modules; never Docker, so synth works offline and in CI without a daemon.
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  // Line numbers are what stack traces need; embedding sources would double the asset.
  sourcesContent: false,
  // Bundle the AWS SDK: a tree-shaken bundled client loads faster at cold start than the
  // runtime's full copy, and pins the version we tested against.
  bundleAwsSDK: true,
  externalModules: [],
  // On Lambda, credentials always come from the environment: bundle only that provider.
  esbuildArgs: { '--alias': '@aws-sdk/credential-provider-node=./lambdas/adapters/lambda-credentials.ts' },
};

/** The bundling of a function that loads `runtimeSdkModules` from the runtime's SDK (the bench bundles with it too). */
export function bundlingWith(runtimeSdkModules: readonly string[] = []): BundlingOptions {
  return runtimeSdkModules.length ? { ...LAMBDA_BUNDLING, externalModules: [...runtimeSdkModules] } : LAMBDA_BUNDLING;
}

/** The verifier's claim checks only (bodies over SQS's 1 MiB): loaded on first use from the runtime's SDK. */
export const VERIFIER_RUNTIME_SDK_MODULES = ['@aws-sdk/client-s3'] as const;

/** Loaded by the outbound API function on first use from the runtime's SDK: CloudWatch, for the operator console. */
export const API_RUNTIME_SDK_MODULES = ['@aws-sdk/client-cloudwatch'] as const;

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * How a construct's functions run, passed down unchanged from the stack config to each WebhookFunction: one
 * description of these settings that every construct with functions extends.
 */
export type FunctionRuntimeProps = Pick<
  WebhookFunctionProps,
  'logRetention' | 'tracing' | 'sourceMaps' | 'projectRoot'
>;

/** The runtime settings of a construct's props, to pass on to its functions and nested constructs. */
export function runtimeOf(props: FunctionRuntimeProps): FunctionRuntimeProps {
  return {
    logRetention: props.logRetention,
    tracing: props.tracing ?? false,
    sourceMaps: props.sourceMaps ?? false,
    projectRoot: props.projectRoot,
  };
}

export interface WebhookFunctionProps {
  /** Entry file, relative to `projectRoot` or absolute; it must `export const handler`. */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: how the function's log lines are labelled. */
  readonly serviceName: string;
  /** Function-specific environment, merged over the shared defaults. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Retention of the function's own log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** `POWERTOOLS_LOG_LEVEL`, and Lambda's application log level. @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /** X-Ray active tracing. @default false (no tracing configuration: Lambda's own pass-through) */
  readonly tracing?: boolean;
  /**
   * Node's `--enable-source-maps`: stack traces name the TypeScript source. The maps ship beside the code either way
   * (decode a trace offline); on, they cost the verifier about 10 % of its cold start (decision 0030).
   * @default false
   */
  readonly sourceMaps?: boolean;
  /** @default - none */
  readonly description?: string;
  /** Directory holding `package.json`, `tsconfig.json` and `package-lock.json`. @default - the repository root */
  readonly projectRoot?: string;
  /** Commands run around bundling, e.g. building files the function serves into its asset. @default - none */
  readonly commandHooks?: ICommandHooks;
  /**
   * Files copied beside the bundled code (name → contents), read by the function at cold start: data that would
   * not fit, or should not travel, in environment variables. They are part of the asset, so a change redeploys.
   * @default - none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
  /**
   * SDK clients left out of the bundle and loaded from the Lambda runtime's own copy, for a client the function
   * imports lazily on a rare path (the verifier's S3 client, for claim checks): it then costs the common cold start
   * nothing, not even parsing. @default [] (everything bundled)
   */
  readonly runtimeSdkModules?: readonly string[];
}

/** A Node.js Lambda function with the stack's shared defaults and an explicit log group and role. */
export class WebhookFunction extends Construct {
  /**
   * Variables every function gets; exported so the verifier's size estimate counts them. `stackName` names the
   * metrics' namespace (one per deployment).
   */
  static sharedEnvironment(
    serviceName: string,
    logLevel: PowertoolsLogLevel = 'INFO',
    stackName?: string,
    sourceMaps = false,
  ): Record<string, string> {
    return {
      ...(sourceMaps && { NODE_OPTIONS: '--enable-source-maps' }),
      [ENV.serviceName]: serviceName,
      [ENV.logLevel]: logLevel,
      ...(stackName !== undefined && { [ENV.metricsNamespace]: metricsNamespace(stackName) }),
    };
  }

  public readonly lambdaFunction: NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? REPO_ROOT;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the function
    // create any log group and write to all of them; this one writes to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);

    this.lambdaFunction = new NodejsFunction(this, 'Function', {
      entry: path.resolve(projectRoot, props.entry),
      handler: 'handler',
      runtime: NODE_RUNTIME,
      // Graviton: about 20% cheaper per GB-second than x86_64 and as fast for this I/O-bound work.
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      // No tracing config unless asked: CDK would grant X-Ray on "*" even for pass-through.
      ...(props.tracing && { tracing: lambda.Tracing.ACTIVE }),
      // JSON logs with Lambda's system level at WARN: no START/END/REPORT line per invocation (a third
      // of the log bytes per event; duration and memory remain in CloudWatch metrics).
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel ?? 'INFO'],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        ...WebhookFunction.sharedEnvironment(
          props.serviceName,
          props.logLevel,
          Stack.of(this).stackName,
          props.sourceMaps,
        ),
        ...props.environment,
      },
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      bundling: {
        ...bundlingWith(props.runtimeSdkModules),
        ...((props.bundledFiles || props.commandHooks) && {
          commandHooks: this.hooks(props.bundledFiles, props.commandHooks),
        }),
      },
    });

    if (props.tracing)
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so Lambda grants them on "*".',
      });
  }

  /**
   * The bundling hooks: `extra`'s, then copying `files` (written into the cloud assembly) into the bundle after esbuild
   * has run.
   */
  private hooks(files: Readonly<Record<string, string>> = {}, extra?: ICommandHooks): ICommandHooks {
    const dir = path.join(Stage.of(this)?.outdir ?? REPO_ROOT, 'bundled-files', this.node.addr);
    if (Object.keys(files).length > 0) mkdirSync(dir, { recursive: true });
    for (const [name, contents] of Object.entries(files)) {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`bundled file name ${name}: letters, digits, _ . - only`);
      writeFileSync(path.join(dir, name), contents);
    }
    const quote = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;
    return {
      beforeBundling: (inputDir, outputDir) => extra?.beforeBundling(inputDir, outputDir) ?? [],
      beforeInstall: (inputDir, outputDir) => extra?.beforeInstall(inputDir, outputDir) ?? [],
      afterBundling: (inputDir, outputDir) => [
        ...(extra?.afterBundling(inputDir, outputDir) ?? []),
        ...Object.keys(files).map((name) => `cp ${quote(path.join(dir, name))} ${quote(path.join(outputDir, name))}`),
      ],
    };
  }
}
