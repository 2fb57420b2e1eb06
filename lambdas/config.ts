/**
 * Environment parsing for the Lambda functions: read once at cold start, validated, and failing with
 * a message that names the variable. Nothing else in `lambdas/` reads process.env.
 */
import * as z from 'zod/mini';
import { formatIssues } from './core/runtime-config';
import { VERIFIER_LEASE_SECONDS } from './core/timing';
import { ENV } from './core/env-names';
import { ConfigError } from './core/errors';

// zod/mini keeps the Lambda bundles small; the API differs from classic zod only in spelling.
const positiveInt = z.coerce.number().check(z.int(), z.positive());
const nonEmpty = z.string().check(z.minLength(1));

const verifierEnv = z.object({
  [ENV.eventsTable]: nonEmpty,
  [ENV.sources]: z.string().check(z.minLength(2)),
  [ENV.secretsCacheSeconds]: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 60),
  [ENV.leaseSeconds]: z._default(positiveInt, VERIFIER_LEASE_SECONDS),
});

const processorEnv = z.object({
  [ENV.eventsTable]: nonEmpty,
  [ENV.sourceId]: nonEmpty,
  [ENV.topicArn]: nonEmpty,
  [ENV.leaseSeconds]: positiveInt,
  [ENV.dedupeSeconds]: positiveInt,
});

export interface VerifierConfig {
  readonly tableName: string;
  /** Parsed JSON; validated by `prepareSources`. */
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

export function verifierConfig(env: NodeJS.ProcessEnv = process.env): VerifierConfig {
  const e = parse(verifierEnv, env);
  let sources: unknown;
  try {
    sources = JSON.parse(e[ENV.sources]);
  } catch {
    throw new ConfigError(`${ENV.sources} is not valid JSON`);
  }
  return { tableName: e[ENV.eventsTable], sources, secretsCacheMs: e[ENV.secretsCacheSeconds] * 1000, leaseMs: e[ENV.leaseSeconds] * 1000 };
}

export function processorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  const e = parse(processorEnv, env);
  return {
    tableName: e[ENV.eventsTable],
    sourceId: e[ENV.sourceId],
    topicArn: e[ENV.topicArn],
    leaseMs: e[ENV.leaseSeconds] * 1000,
    dedupeSeconds: e[ENV.dedupeSeconds],
  };
}

function parse<T extends z.ZodMiniType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = z.safeParse(schema, env);
  if (!result.success) throw new ConfigError(`invalid environment: ${formatIssues(result.error).replaceAll('\n', '; ')}`);
  return result.data;
}
