/**
 * The verifier's environment, built in one place for the stack and for the synth-time size check,
 * so the estimate cannot drift from what is deployed.
 */
import type { RuntimeSource } from '../lambdas/core/inbound/source-schema';
import { toRuntimeSource } from './config-schema';
import type { StackConfig } from './config-schema';
import { ConfigError } from '../lambdas/core/kernel/errors';

import { ENV, VERIFIER_LEASE_SECONDS } from '../lambdas/contract';

/** Lambda caps the total size of all environment variable names and values of a function. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4 * 1024;

/** The Secrets Manager name of a source's signing secret. */
export function secretNameFor(stackName: string, sourceId: string): string {
  return `${stackName}/webhooks/${sourceId}`;
}

/** Deploy-time values the verifier's environment refers to (tokens at synth). */
export interface VerifierEnvironmentRefs {
  readonly tableName: string;
  /** The `WEBHOOK_SOURCES` JSON (a token when rendered with `Stack.toJsonString`). */
  readonly sourcesJson: string;
  /** The archive bucket, for claim checks of bodies over SQS's limit (#19). */
  readonly archiveBucket?: string;
}

/** The verifier's environment variables (besides the shared function defaults). */
export function verifierEnvironment(config: StackConfig, refs: VerifierEnvironmentRefs): Record<string, string> {
  return {
    [ENV.eventsTable]: refs.tableName,
    [ENV.sources]: refs.sourcesJson,
    [ENV.secretsCacheSeconds]: String(config.secretsCacheSeconds),
    [ENV.leaseSeconds]: String(VERIFIER_LEASE_SECONDS),
    ...(refs.archiveBucket !== undefined && { [ENV.archiveBucket]: refs.archiveBucket }),
  };
}

// Upper bounds for values only known at deploy time. Long partitions and regions, 12-digit account.
const ARN_PREFIX_BOUND = 'arn:aws-us-gov:secretsmanager:ap-southeast-5:123456789012:secret:'.length;
/** Secrets Manager appends `-` and six random characters to a secret's name in its ARN. */
const SECRET_SUFFIX_LENGTH = 7;
/** `https://sqs.<region>.amazonaws.com/<account>/` plus an 80-character generated queue name. */
const QUEUE_URL_BOUND = 'https://sqs.ap-southeast-5.amazonaws.com/123456789012/'.length + 80;
/** A generated table name: stack name, logical id and a random suffix. */
const TOKEN_BOUND = 100;

/**
 * Estimates the size in bytes of the verifier's environment once deployed: names plus values,
 * with every deploy-time token replaced by an upper bound of its rendered length.
 *
 * @param extra further variables the function sets (the shared defaults), counted as is
 */
export function estimateVerifierEnvironmentBytes(
  config: StackConfig,
  stackName: string,
  extra: Readonly<Record<string, string>> = {},
): number {
  const sources: RuntimeSource[] = config.sources.map((source) =>
    toRuntimeSource(source, {
      queueUrl: 'q'.repeat(QUEUE_URL_BOUND),
      secretId: 's'.repeat(ARN_PREFIX_BOUND + secretNameFor(stackName, source.id).length + SECRET_SUFFIX_LENGTH),
    }),
  );
  const env = {
    ...extra,
    ...verifierEnvironment(config, {
      tableName: 't'.repeat(TOKEN_BOUND),
      sourcesJson: JSON.stringify(sources),
      archiveBucket: 'b'.repeat(63),
    }),
  };
  return Object.entries(env).reduce(
    (bytes, [name, value]) => bytes + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
}

/** Throws a `ConfigError` when the verifier's environment would exceed Lambda's 4 KB limit. */
export function assertVerifierEnvironmentFits(
  config: StackConfig,
  stackName: string,
  extra: Readonly<Record<string, string>> = {},
): void {
  const bytes = estimateVerifierEnvironmentBytes(config, stackName, extra);
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new ConfigError(
      `sources: too many sources for one stack: the verifier's environment (${ENV.sources} carries every source) would be about ${bytes} bytes, ` +
        `over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes (4 KB) for all environment variables together. ` +
        `Split the sources across stacks, or shorten schemeOptions, allowedCidrs and source ids.`,
    );
  }
}
