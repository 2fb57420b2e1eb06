/**
 * Every config rule that a field's own schema cannot express: rules spanning fields of a source,
 * sources and subscriptions, or coming from AWS limits. All of them, in one place; config.ts attaches
 * them to the source and stack schemas, so whoever parses with those (the CDK app, the local stack, the
 * CLI) gets every rule. Each issue names its field, as `path: message` once formatted.
 *
 * At cold start the verifier checks the scheme options again with the same scheme schema
 * (lambdas/core/inbound/sources.ts); the other rules are about resources the synth creates.
 */
import type * as z from 'zod/mini';
import { checkAgainstSchedule } from '../lambdas/core/outbound/retention';
import { schemes } from '../lambdas/core/signatures/index';
import { MAX_FILTER_COMBINATIONS, filterCombinations, subscriptionFilterPolicy } from './filter-policy';
import type { SourceConfig, StackConfig } from './config-schema';

export interface ConfigIssue {
  /** Relative to the value checked: the source for `sourceIssues`, the whole config for `stackIssues`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** SQS event source mappings reject batches above 10 unless a batching window is set. */
export const MAX_BATCH_WITHOUT_WINDOW = 10;

/**
 * Config sources with their own pipeline one stack holds: each adds 11 CloudFormation resources (secret, queue and
 * dead-letter queue with their policies, alarm, processor function, role, policy, log group, event source mapping)
 * and a stack holds 500, of which the rest of the stack takes up to about 60 (with outbound delivery and tenant
 * sources). Sources with `pipeline: 'shared'` add one resource each (their secret).
 */
export const MAX_OWN_PIPELINES = 40;

/** Rules within one source. */
export function sourceIssues(source: SourceConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const options = schemes[source.scheme].optionsSchema.safeParse(source.schemeOptions);
  if (!options.success) {
    for (const issue of options.error.issues)
      issues.push({ path: ['schemeOptions', ...issue.path.map(String)], message: issue.message });
  }
  if (source.queueRetentionDays > source.dedupeWindowDays) {
    issues.push({
      path: ['queueRetentionDays'],
      message: 'must not exceed dedupeWindowDays, or a message could outlive the record that deduplicates it',
    });
  }
  const { batchSize, maxBatchingWindowSeconds } = source.processor;
  if (maxBatchingWindowSeconds === 0 && batchSize > MAX_BATCH_WITHOUT_WINDOW) {
    issues.push({
      path: ['processor', 'batchSize'],
      message: `must be at most ${MAX_BATCH_WITHOUT_WINDOW} when maxBatchingWindowSeconds is 0 (an SQS event source rule); set a batching window for larger batches`,
    });
  }
  return issues;
}

/** Rules across sources and subscriptions. */
export function stackIssues(config: StackConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.sources.length === 0 && !config.tenantSources)
    issues.push({ path: ['sources'], message: 'declare at least one source (or turn on tenantSources)' });
  const own = config.sources.filter((s) => s.pipeline === 'own').length;
  if (own > MAX_OWN_PIPELINES)
    issues.push({
      path: ['sources'],
      message: `${own} sources have their own pipeline; a stack holds at most ${MAX_OWN_PIPELINES} (11 CloudFormation resources each, 500 per stack): give the others pipeline: 'shared' (one resource each)`,
    });
  const ids = new Set<string>();
  config.sources.forEach((s, i) => {
    if (ids.has(s.id)) issues.push({ path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
    ids.add(s.id);
  });
  const subscriptionIds = new Set<string>();
  config.subscriptions.forEach((subscription, i) => {
    if (subscriptionIds.has(subscription.id))
      issues.push({ path: ['subscriptions', i, 'id'], message: `duplicate subscription id "${subscription.id}"` });
    subscriptionIds.add(subscription.id);
    // A typo in a filter's source list would silently route nothing to the subscriber.
    subscription.filter?.source?.forEach((id, j) => {
      // `<tenant>.<id>` names a tenant source, which the config cannot know.
      if (!ids.has(id) && !id.includes('.'))
        issues.push({
          path: ['subscriptions', i, 'filter', 'source', j],
          message: `unknown source "${id}"; declared sources: ${[...ids].join(', ')}`,
        });
    });
    const combinations = filterCombinations(subscriptionFilterPolicy(subscription));
    if (combinations > MAX_FILTER_COMBINATIONS) {
      issues.push({
        path: ['subscriptions', i, 'filter'],
        message: `${combinations} value combinations, over the SNS filter policy limit of ${MAX_FILTER_COMBINATIONS}`,
      });
    }
  });
  if (config.outbound) {
    // A delivery must outlive its retry schedule, or its last retries would find the record gone. (Endpoints with a
    // custom schedule are checked when they are created or changed: management.ts.)
    try {
      checkAgainstSchedule(config.outbound.retention);
    } catch (error) {
      issues.push({
        path: ['outbound', 'retention', 'deliveriesDays'],
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return issues;
}

/** Reports `issues` to a zod refinement context. */
export function addIssues(ctx: z.core.$RefinementCtx, issues: readonly ConfigIssue[]): void {
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
}
