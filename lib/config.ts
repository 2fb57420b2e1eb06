/**
 * The typed entry point for the user's config file (`config/sources.ts`), and the schemas everything
 * parses the config with: the fields of config-schema.ts with every rule of config-checks.ts attached,
 * so a mistake fails `cdk synth` (or the local stack, or the CLI) with a message that names the field,
 * long before a deploy or a cold start would.
 */
import * as z from 'zod/mini';
import { formatIssues } from '../lambdas/core/kernel/config-parse';
import { ConfigError } from '../lambdas/core/kernel/errors';
import { addIssues, sourceIssues, stackIssues } from './config-checks';
import { sourceList, sourceShape, stackConfigShape } from './config-schema';
import type { StackConfig, StackConfigInput } from './config-schema';

export type { StackConfig, StackConfigInput, SourceConfig, SubscriptionConfig } from './config-schema';

/** One source, with the rules across its fields. */
export const sourceSchema = sourceShape.check(z.superRefine((source, ctx) => addIssues(ctx, sourceIssues(source))));

/** The whole config, with every rule: each source's, and those across sources and subscriptions. */
export const stackConfigSchema = z
  .extend(stackConfigShape, { sources: sourceList(sourceSchema) })
  .check(z.superRefine((config, ctx) => addIssues(ctx, stackIssues(config))));

/**
 * Validates the stack config and returns it with defaults applied.
 * Throws a `ConfigError` whose message lists every problem as `path.to.field: reason`.
 *
 * @example
 * export default defineConfig({ sources: [{ id: 'stripe', scheme: 'stripe' }] });
 */
export function defineConfig(input: StackConfigInput): StackConfig {
  const parsed = stackConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`Invalid webhook stack config:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}
