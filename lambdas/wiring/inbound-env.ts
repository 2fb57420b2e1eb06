/**
 * Environment parsing for the inbound functions (verifier, processor): read once at cold start, validated, and
 * failing with a message that names the variable. The outbound functions' is outbound-env.ts beside it, on the
 * same `EnvReader`; nothing else in `lambdas/` reads process.env.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_SOURCES_FILE, VERIFIER_LEASE_SECONDS } from '../contract';
import { ENV } from '../contract';
import type { CheckedSources } from '../core/inbound/source-schema';
import type { QueueTargets } from '../core/inbound/sources';
import { ConfigError } from '../core/kernel/errors';

// Plain variables are checked by hand, not with a zod schema: a few per function do not need one, and
// the processor bundles no zod at all. The verifier's config sources (a JSON table in a file bundled beside
// its code) were checked at synth with the source schema (core/inbound/source-schema.ts), and are read as
// checked (`checkedSourcesJson`). Every problem is reported at once, naming the variable.

type Env = NodeJS.ProcessEnv;

/** Collects `NAME: problem` lines; `done()` throws them as one ConfigError. */
export class EnvReader {
  readonly #env: Env;
  readonly #issues: string[] = [];
  constructor(env: Env) {
    this.#env = env;
  }

  string(name: string, minLength = 1): string {
    const value = this.#env[name];
    if (value === undefined || value.length < minLength)
      this.#issues.push(`${name}: ${value === undefined ? 'is not set' : 'is too short'}`);
    return value ?? '';
  }

  /** An integer of at least `min` (seconds, counts), or `fallback` when unset. */
  int(name: string, min: number, fallback?: number): number {
    const text = this.#env[name];
    if (text === undefined && fallback !== undefined) return fallback;
    const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isInteger(value) || value < min)
      this.#issues.push(`${name}: expected an integer >= ${min}, got ${JSON.stringify(text ?? null)}`);
    return value;
  }

  done(): void {
    if (this.#issues.length > 0) throw new ConfigError(`invalid environment: ${this.#issues.join('; ')}`);
  }
}

export interface VerifierConfig {
  readonly tableName: string;
  /** The bundled file's sources, as the synth checked them. */
  readonly sources: CheckedSources;
  readonly queues: QueueTargets;
  readonly secretsCacheMs: number;
  readonly leaseMs: number;
  /** Tenant sources, when the stack has them. */
  readonly tenantSources?: {
    readonly tableName: string;
    readonly keyId: string;
    readonly cacheMs: number;
    readonly missesPerSecond: number;
  };
  /** The archive bucket, where bodies too large for the queue go; absent: no claim check. */
  readonly archiveBucket?: string;
}

export interface ProcessorConfig {
  readonly tableName: string;
  readonly sourceId: string;
  readonly topicArn: string;
  readonly leaseMs: number;
  readonly dedupeSeconds: number;
  /** The archive bucket (#19) and the source's headers never archived; absent: nothing archived. */
  readonly archiveBucket?: string;
  readonly archiveDenyHeaders: readonly string[];
}

/**
 * The bundled sources file's JSON, as the verifier and the replay function use it. The synth wrote what
 * `parseRuntimeSources` returned (`bundledSources`, lib/verifier-environment.ts) into the same code asset as this
 * code, so it is read as checked, without building the source schema at cold start (decision 0002); that it is a JSON
 * array is confirmed here, and each source's scheme is looked up when it is prepared.
 */
export function checkedSourcesJson(text: string): CheckedSources {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${BUNDLED_SOURCES_FILE} is not valid JSON`);
  }
  if (!Array.isArray(value)) throw new ConfigError(`${BUNDLED_SOURCES_FILE}: expected the JSON array the synth writes`);
  return value as unknown as CheckedSources;
}

/** The bundled sources file's text: beside the function's code (`LAMBDA_TASK_ROOT`), else in the working directory. */
export function readBundledSources(env: Env = process.env): string {
  const path = join(env.LAMBDA_TASK_ROOT ?? '.', BUNDLED_SOURCES_FILE);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export function verifierConfig(
  env: Env = process.env,
  sourcesText: () => string = () => readBundledSources(env),
): VerifierConfig {
  const e = new EnvReader(env);
  const tableName = e.string(ENV.eventsTable);
  const urlPrefix = e.string(ENV.queueUrlPrefix);
  const secretsCacheSeconds = e.int(ENV.secretsCacheSeconds, 0, 60);
  const leaseSeconds = e.int(ENV.leaseSeconds, 1, VERIFIER_LEASE_SECONDS);
  const tenantTable = env[ENV.tenantSourcesTable];
  const tenantSources =
    tenantTable === undefined
      ? undefined
      : {
          tableName: e.string(ENV.tenantSourcesTable),
          keyId: e.string(ENV.tenantSourcesKeyId),
          cacheMs: e.int(ENV.sourceCacheSeconds, 1) * 1000,
          missesPerSecond: e.int(ENV.sourceMissesPerSecond, 1),
        };
  e.done();
  if (tenantSources && tenantSources.cacheMs > 60_000)
    throw new ConfigError(`invalid environment: ${ENV.sourceCacheSeconds}: at most 60`);
  const sources = checkedSourcesJson(sourcesText());
  const archiveBucket = env[ENV.archiveBucket];
  return {
    tableName,
    sources,
    queues: { urlPrefix, sharedUrl: env[ENV.sharedQueueUrl] },
    secretsCacheMs: secretsCacheSeconds * 1000,
    leaseMs: leaseSeconds * 1000,
    ...(tenantSources && { tenantSources }),
    ...(archiveBucket && { archiveBucket }),
  };
}

export function processorConfig(env: Env = process.env): ProcessorConfig {
  const e = new EnvReader(env);
  const config = {
    tableName: e.string(ENV.eventsTable),
    sourceId: e.string(ENV.sourceId),
    topicArn: e.string(ENV.topicArn),
    leaseMs: e.int(ENV.leaseSeconds, 1) * 1000,
    dedupeSeconds: e.int(ENV.dedupeSeconds, 1),
    ...(env[ENV.archiveBucket] && { archiveBucket: env[ENV.archiveBucket] }),
    archiveDenyHeaders: jsonStrings(env, ENV.archiveDenyHeaders),
  };
  e.done();
  return config;
}

export interface SourcesApiConfig {
  readonly tableName: string;
  readonly keyId: string;
}

export function sourcesApiConfig(env: Env = process.env): SourcesApiConfig {
  const e = new EnvReader(env);
  const config = { tableName: e.string(ENV.tenantSourcesTable), keyId: e.string(ENV.tenantSourcesKeyId) };
  e.done();
  return config;
}

/** A JSON array of strings, or [] when unset. */
function jsonStrings(env: Env, name: string): string[] {
  const text = env[name];
  if (text === undefined || text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${name} is not valid JSON`);
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new ConfigError(`${name}: expected a JSON array of strings`);
  return value;
}

export interface ReplayConfig {
  readonly tableName: string;
  readonly topicArn: string;
  readonly archiveBucket: string;
  /** The bundled file's sources, as the verifier reads them. */
  readonly sources: CheckedSources;
  readonly queues: QueueTargets;
  readonly retentionDays: Readonly<Record<string, number | null>>;
  readonly subscriptions: readonly string[];
}

export function replayConfig(
  env: Env = process.env,
  sourcesText: () => string = () => readBundledSources(env),
): ReplayConfig {
  const e = new EnvReader(env);
  const tableName = e.string(ENV.eventsTable);
  const topicArn = e.string(ENV.topicArn);
  const archiveBucket = e.string(ENV.archiveBucket);
  const urlPrefix = e.string(ENV.queueUrlPrefix);
  const retentionText = e.string(ENV.archiveRetention, 2);
  e.done();
  const parse = (name: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new ConfigError(`${name} is not valid JSON`);
    }
  };
  return {
    tableName,
    topicArn,
    archiveBucket,
    sources: checkedSourcesJson(sourcesText()),
    queues: { urlPrefix, sharedUrl: env[ENV.sharedQueueUrl] },
    retentionDays: parse(ENV.archiveRetention, retentionText) as Record<string, number | null>,
    subscriptions: jsonStrings(env, ENV.subscriptionIds),
  };
}
