/**
 * What-if for `bench:coldstart -- --what-if`: stands in for `lambdas/core/inbound/runtime-config.ts`
 * so the verifier checks `WEBHOOK_SOURCES` with the zod/mini schema (source-schema.ts) instead of the
 * hand check, i.e. the schema built and run at every cold start. Never deployed (decision 0002).
 */
export { formatIssues, ONE_SHOT } from '../../lambdas/core/kernel/config-parse';
export { parseRuntimeSources } from '../../lambdas/core/inbound/source-schema';
