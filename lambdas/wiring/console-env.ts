/**
 * The operator console's configuration in the outbound API function (lib/constructs/operator-console.ts sets it):
 * the events table, the config sources (the bundled sources file, as the verifier reads it) with their queues, the
 * other queues by name, and the metrics namespace. Parsed once per cold start; unset means no console.
 */
import * as z from 'zod/mini';
import { ENV } from '../contract';
import { ConfigError } from '../core/kernel/errors';
import { describeIssues } from '../core/kernel/issues';
import { EnvReader, readBundledSources } from './inbound-env';

const consoleEnvSchema = z.strictObject({
  /** Queues besides the config sources' own: `pipeline:shared`, `outbound:intake`, `outbound:deliveries` → URL. */
  queues: z.record(z.string(), z.url()),
  tenantSources: z.boolean(),
});

const bundledSourceSchema = z.array(
  z.looseObject({ id: z.string(), scheme: z.string(), queueName: z.optional(z.string()) }),
);

export interface ConsoleConfig {
  readonly eventsTable: string;
  readonly namespace: string;
  readonly sources: readonly { readonly id: string; readonly scheme: string }[];
  readonly queues: readonly { readonly name: string; readonly url: string }[];
  readonly tenantSources: boolean;
}

export function consoleConfig(
  env: NodeJS.ProcessEnv = process.env,
  sourcesText: () => string = () => readBundledSources(env),
): ConsoleConfig | undefined {
  if (env[ENV.console] === undefined) return undefined;
  const e = new EnvReader(env);
  const eventsTable = e.string(ENV.eventsTable);
  const prefix = e.string(ENV.queueUrlPrefix);
  const namespace = e.string(ENV.metricsNamespace);
  e.done();
  const settings = parse(ENV.console, consoleEnvSchema, env[ENV.console]!);
  const sources = parse('bundled sources', bundledSourceSchema, sourcesText());
  return {
    eventsTable,
    namespace,
    sources: sources.map((s) => ({ id: s.id, scheme: s.scheme })),
    queues: [
      ...sources.flatMap((s) => (s.queueName === undefined ? [] : [{ name: s.id, url: prefix + s.queueName }])),
      ...Object.entries(settings.queues).map(([name, url]) => ({ name, url })),
    ],
    tenantSources: settings.tenantSources,
  };
}

function parse<T>(what: string, schema: z.ZodMiniType<T>, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${what}: not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${what}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
