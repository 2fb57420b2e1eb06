/**
 * The typed entry point for the user's config file (`config/sources.ts`): validates with the shared
 * schema at synth time, so a mistake fails `cdk synth` with a message that names the field,
 * long before a deploy or a cold start would.
 */
import { stackConfigSchema, formatIssues } from './config-schema';
import type { StackConfig, StackConfigInput } from './config-schema';
import { ConfigError } from '../lambdas/core/kernel/errors';

export type { StackConfig, StackConfigInput, SourceConfig, SubscriptionConfig } from './config-schema';

/**
 * Validates the stack config and returns it with defaults applied.
 * Throws a `ConfigError` whose message lists every problem as `path.to.field: reason`; the schema
 * carries every rule, including those across fields (config-checks.ts).
 *
 * @example
 * export default defineConfig({ sources: [{ id: 'stripe', scheme: 'stripe' }] });
 */
export function defineConfig(input: StackConfigInput): StackConfig {
  const parsed = stackConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`Invalid webhook stack config:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}
