/**
 * Environment parsing for the Lambda functions: read once at cold start, validated, and failing with
 * a message that names the variable. Nothing else in `lambdas/` reads process.env.
 */
import { z } from 'zod';
import { ENV } from './core/env-names';
import { ConfigError } from './core/errors';

const positiveInt = z.coerce.number().int().positive();

const verifierEnv = z.object({
  [ENV.eventsTable]: z.string().min(1),
  [ENV.sources]: z.string().min(2),
  [ENV.secretsCacheSeconds]: z.coerce.number().int().min(0).default(60),
  [ENV.leaseSeconds]: positiveInt.default(30),
});

const processorEnv = z.object({
  [ENV.eventsTable]: z.string().min(1),
  [ENV.sourceId]: z.string().min(1),
  [ENV.topicArn]: z.string().min(1),
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

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${detail}`);
  }
  return result.data;
}
