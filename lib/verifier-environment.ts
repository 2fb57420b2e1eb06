/**
 * What the verifier is given, built in one place: the config sources as the file bundled beside its code
 * (`BUNDLED_SOURCES_FILE`, no deploy-time value in it), and a handful of small environment variables whose size
 * does not grow with the sources (decision 0002). Also the fixed names the bundled file refers to.
 */
import { type CheckedSources, parseRuntimeSources } from '../lambdas/core/inbound/source-schema';
import { ConfigError } from '../lambdas/core/kernel/errors';
import { ENV, VERIFIER_LEASE_SECONDS } from '../lambdas/contract';
import { toRuntimeSource, type StackConfig } from './config-schema';

/** SQS caps a queue name at 80 characters. */
const MAX_QUEUE_NAME = 80;

/** The Secrets Manager name of a source's signing secret. */
export function secretNameFor(stackName: string, sourceId: string): string {
  return `${stackName}/webhooks/${sourceId}`;
}

/** Every source secret's name starts with this: the verifier may read these, and no others. */
export function secretNamePrefix(stackName: string): string {
  return `${stackName}/webhooks/`;
}

/**
 * The fixed name of a config source's own ingest queue, so the bundled sources can name it before it exists.
 * Throws a ConfigError when the stack name and source id are too long together for SQS.
 */
export function queueNameFor(stackName: string, sourceId: string): string {
  const name = `${stackName}-${sourceId}-ingest`;
  if (name.length > MAX_QUEUE_NAME)
    throw new ConfigError(
      `sources: the ingest queue of "${sourceId}" would be named ${name}, over SQS's ${MAX_QUEUE_NAME} characters: shorten the stack name or the source id`,
    );
  return name;
}

/**
 * The config sources as the verifier reads them from its bundled file: checked here, at synth, with the runtime
 * source schema and each scheme's options schema (`parseRuntimeSources`), and written as that check returned them.
 * The verifier trusts the file as checked and builds no schema at its cold start (decision 0002).
 */
export function bundledSources(config: StackConfig, stackName: string): CheckedSources {
  return parseRuntimeSources(
    config.sources.map((source) =>
      toRuntimeSource(source, {
        ...(source.pipeline === 'own' && { queueName: queueNameFor(stackName, source.id) }),
        // The secret by name, never its value: the verifier fetches the value at run time.
        secretId: secretNameFor(stackName, source.id),
      }),
    ),
  );
}

/** Deploy-time values the verifier's environment refers to (tokens at synth). */
export interface VerifierEnvironmentRefs {
  readonly tableName: string;
  /** `https://sqs.<region>.<domain>/<account>/`. */
  readonly queueUrlPrefix: string;
  /** The shared pipeline's queue URL, when the stack has one. */
  readonly sharedQueueUrl?: string;
  /** The tenant sources' table and key, when they are on. */
  readonly tenantSources?: { readonly tableName: string; readonly keyId: string };
  /** The archive bucket, for claim checks of bodies over SQS's limit. */
  readonly archiveBucket?: string;
}

/** The verifier's environment variables (besides the shared function defaults): a few short values, whatever the sources. */
export function verifierEnvironment(config: StackConfig, refs: VerifierEnvironmentRefs): Record<string, string> {
  return {
    [ENV.eventsTable]: refs.tableName,
    [ENV.queueUrlPrefix]: refs.queueUrlPrefix,
    ...(refs.sharedQueueUrl !== undefined && { [ENV.sharedQueueUrl]: refs.sharedQueueUrl }),
    ...(refs.tenantSources &&
      config.tenantSources && {
        [ENV.tenantSourcesTable]: refs.tenantSources.tableName,
        [ENV.tenantSourcesKeyId]: refs.tenantSources.keyId,
        [ENV.sourceCacheSeconds]: String(config.tenantSources.cacheSeconds),
        [ENV.sourceMissesPerSecond]: String(config.tenantSources.missesPerSecond),
      }),
    [ENV.secretsCacheSeconds]: String(config.secretsCacheSeconds),
    [ENV.leaseSeconds]: String(VERIFIER_LEASE_SECONDS),
    ...(refs.archiveBucket !== undefined && { [ENV.archiveBucket]: refs.archiveBucket }),
  };
}
