/**
 * What-if for `bench:coldstart -- --what-if`: stands in for `lambdas/core/inbound/runtime-config.ts`
 * so the verifier checks `WEBHOOK_SOURCES` with the zod/mini schema (source-schema.ts) instead of the
 * hand check, i.e. the schema built and run at every cold start. Never deployed (decision 0002).
 */
import { ConfigError } from '../../lambdas/core/kernel/errors';
import { formatIssues, ONE_SHOT } from '../../lambdas/core/kernel/config-parse';
import { runtimeSourcesSchema, type RuntimeSource } from '../../lambdas/core/inbound/source-schema';

export { formatIssues, ONE_SHOT } from '../../lambdas/core/kernel/config-parse';

export function parseRuntimeSources(input: unknown): RuntimeSource[] {
  const parsed = runtimeSourcesSchema.safeParse(input, ONE_SHOT);
  if (!parsed.success) throw new ConfigError(`invalid webhook sources:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}
