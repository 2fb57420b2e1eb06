/**
 * `--stack NAME [--region R]`: the CLI against a deployed stack. The stack's outputs (lib/stack-outputs.ts) are read
 * with CloudFormation DescribeStacks once and cached for 15 minutes in the user's cache directory
 * (`$WEBHOOK_CLI_CACHE_DIR`, else `$XDG_CACHE_HOME/webhook-stack`, else `~/.cache/webhook-stack`), one file per region
 * and stack: outputs are names and ARNs, never a secret. Credentials come from the standard chain (environment,
 * `AWS_PROFILE` and ~/.aws files, SSO, roles); the region from `--region`, else the SDK's (`AWS_REGION`, the
 * profile); `AWS_ENDPOINT_URL` points every client elsewhere (the tests use moto).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { OUTPUTS } from '../../lib/stack-outputs';
import { CommandError, UsageError } from '../command';

/** How long cached outputs are used before DescribeStacks is called again. */
export const OUTPUTS_CACHE_MS = 15 * 60_000;

/** `--stack` and `--region` as every deployed command's usage describes them. */
export const STACK_USAGE = `  --stack NAME    a deployed stack (its outputs are read with CloudFormation and cached 15 minutes;
                  credentials from the standard AWS chain) (default: the local stack)
  --region R      the stack's region (default: AWS_REGION or the profile's)`;

export const STACK_FLAGS = { stack: { type: 'string' }, region: { type: 'string' } } as const;

export interface DeployedStack {
  readonly name: string;
  readonly region: string;
  readonly outputs: Readonly<Record<string, string>>;
  /** The source ids, in config order. */
  readonly sourceIds: readonly string[];
  /** An output's value; a CommandError naming the output when the stack has none (an older deploy). */
  output(key: string): string;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WEBHOOK_CLI_CACHE_DIR) return env.WEBHOOK_CLI_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'webhook-stack');
}

interface Cached {
  readonly fetchedAt: number;
  readonly outputs: Record<string, string>;
}

/** The region a client would use: `--region`, else the SDK's own resolution (environment, profile). */
export async function resolveRegion(flag: string | undefined): Promise<string> {
  if (flag) return flag;
  const client = new CloudFormationClient({});
  try {
    return await client.config.region();
  } catch {
    throw new UsageError('--stack needs a region: pass --region, or set AWS_REGION or a profile region');
  } finally {
    client.destroy();
  }
}

/** The deployed stack `name`: its outputs from the cache, or from DescribeStacks (then cached). */
export async function deployedStack(
  name: string,
  regionFlag: string | undefined,
  options: { readonly now?: number; readonly refresh?: boolean } = {},
): Promise<DeployedStack> {
  const region = await resolveRegion(regionFlag);
  const now = options.now ?? Date.now();
  const file = join(cacheDir(), region, `${encodeURIComponent(name)}.json`);
  let outputs = options.refresh ? undefined : fresh(file, now);
  if (!outputs) {
    outputs = await describe(name, region);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ fetchedAt: now, outputs } satisfies Cached));
  }
  const values = outputs;
  return {
    name,
    region,
    outputs: values,
    sourceIds: (values[OUTPUTS.sourceIds] ?? '').split(',').filter(Boolean),
    output(key) {
      const value = values[key];
      if (value === undefined)
        throw new CommandError(
          'missing_output',
          `Stack ${name} has no output ${key}: deploy this version of the stack (npx cdk deploy) first.`,
        );
      return value;
    },
  };
}

function fresh(file: string, now: number): Record<string, string> | undefined {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Cached;
    return now - cached.fetchedAt < OUTPUTS_CACHE_MS ? cached.outputs : undefined;
  } catch {
    return undefined;
  }
}

async function describe(name: string, region: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient({ region });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: name }));
    const stack = Stacks?.[0];
    if (!stack) throw new CommandError('stack_not_found', `No stack ${name} in ${region}.`);
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue ?? '']));
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/does not exist/.test(message))
      throw new CommandError('stack_not_found', `No stack ${name} in ${region} (${message}).`);
    throw new CommandError('aws_error', `Reading stack ${name} in ${region} failed: ${message}`);
  } finally {
    client.destroy();
  }
}
