/**
 * Environment parsing for the inbound functions (verifier, processor): read once at cold start, validated, and
 * failing with a message that names the variable. The outbound functions' is outbound-env.ts beside it, on the
 * same `EnvReader`; nothing else in `lambdas/` reads process.env.
 */
import { VERIFIER_LEASE_SECONDS } from '../contract';
import { ENV } from '../contract';
import { ConfigError } from '../core/kernel/errors';

// Plain variables are checked by hand, not with a zod schema: four per function do not need one, and
// the processor bundles no zod at all. The verifier's sources (a JSON table, not a plain value) are
// checked with the source schema (core/inbound/source-schema.ts, via prepareSources). Every problem
// is reported at once, naming the variable.

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
  /** Parsed JSON; checked with the source schema by `prepareSources`. */
  readonly sources: unknown;
  readonly secretsCacheMs: number;
  readonly leaseMs: number;
}

export interface ProcessorConfig {
  readonly tableName: string;
  readonly sourceId: string;
  readonly topicArn: string;
  readonly leaseMs: number;
  readonly dedupeSeconds: number;
}

export function verifierConfig(env: Env = process.env): VerifierConfig {
  const e = new EnvReader(env);
  const tableName = e.string(ENV.eventsTable);
  const sourcesText = e.string(ENV.sources, 2);
  const secretsCacheSeconds = e.int(ENV.secretsCacheSeconds, 0, 60);
  const leaseSeconds = e.int(ENV.leaseSeconds, 1, VERIFIER_LEASE_SECONDS);
  e.done();
  let sources: unknown;
  try {
    sources = JSON.parse(sourcesText);
  } catch {
    throw new ConfigError(`${ENV.sources} is not valid JSON`);
  }
  return { tableName, sources, secretsCacheMs: secretsCacheSeconds * 1000, leaseMs: leaseSeconds * 1000 };
}

export function processorConfig(env: Env = process.env): ProcessorConfig {
  const e = new EnvReader(env);
  const config = {
    tableName: e.string(ENV.eventsTable),
    sourceId: e.string(ENV.sourceId),
    topicArn: e.string(ENV.topicArn),
    leaseMs: e.int(ENV.leaseSeconds, 1) * 1000,
    dedupeSeconds: e.int(ENV.dedupeSeconds, 1),
  };
  e.done();
  return config;
}
