/**
 * The typed entry point for the user's config file (`config/sources.ts`): validates with the shared
 * schema at synth time, so a mistake fails `cdk synth` with a message that names the field,
 * long before a deploy or a cold start would.
 */
import { stackConfigSchema, formatIssues } from './config-schema';
import type { StackConfig, StackConfigInput } from './config-schema';
import { ConfigError } from '../lambdas/core/kernel/errors';
import { MAX_FILTER_COMBINATIONS, buildFilterPolicy, filterCombinations } from './filter-policy';

export type { StackConfig, StackConfigInput, SourceConfig, SubscriptionConfig } from './config-schema';

/** SQS event source mappings reject batches above 10 unless a batching window is set. */
const MAX_BATCH_WITHOUT_WINDOW = 10;

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
  const problems = crossChecks(parsed.data);
  if (problems.length > 0) throw new ConfigError(`Invalid webhook stack config:\n${problems.join('\n')}`);
  return parsed.data;
}

/** Rules the schema cannot see because they come from AWS limits or span sources and subscriptions. */
function crossChecks(config: StackConfig): string[] {
  const problems: string[] = [];
  config.sources.forEach((source, i) => {
    const { batchSize, maxBatchingWindowSeconds } = source.processor;
    if (maxBatchingWindowSeconds === 0 && batchSize > MAX_BATCH_WITHOUT_WINDOW) {
      problems.push(
        `sources.${i}.processor.batchSize: must be at most ${MAX_BATCH_WITHOUT_WINDOW} when maxBatchingWindowSeconds is 0 (an SQS event source rule); set a batching window for larger batches`,
      );
    }
  });
  // A typo in a filter's source list would silently route nothing to the subscriber.
  const ids = new Set(config.sources.map((s) => s.id));
  config.subscriptions.forEach((subscription, i) => {
    subscription.filter?.source?.forEach((id, j) => {
      if (!ids.has(id)) {
        problems.push(`subscriptions.${i}.filter.source.${j}: unknown source "${id}"; declared sources: ${[...ids].join(', ')}`);
      }
    });
    const policy = buildFilterPolicy(subscription.filter);
    const combinations = policy ? filterCombinations(policy) : 0;
    if (combinations > MAX_FILTER_COMBINATIONS) {
      problems.push(`subscriptions.${i}.filter: ${combinations} value combinations, over the SNS filter policy limit of ${MAX_FILTER_COMBINATIONS}`);
    }
  });
  return problems;
}
