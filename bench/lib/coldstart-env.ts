/**
 * The environment each function gets at INIT in `bench:coldstart`, as the template sets it (deploy-time references
 * faked), with what Lambda adds under active tracing: the verifier's, with its bundled sources file's JSON, and the
 * first config source's processor's.
 */
import config from '../../config/sources';
import { ENV, retrySettings } from '../../lambdas/contract';
import { NODE_RUNTIME, WebhookFunction } from '../../lib/constructs/webhook-function';
import { stackConfigSchema } from '../../lib/config';
import { bundledSources, verifierEnvironment } from '../../lib/verifier-environment';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const lambdaRuntimeEnv = (name: string, memory: number): Record<string, string> => ({
  AWS_REGION: REGION,
  AWS_DEFAULT_REGION: REGION,
  AWS_LAMBDA_FUNCTION_NAME: name,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_EXECUTION_ENV: `AWS_Lambda_${NODE_RUNTIME.name}`,
  TZ: ':UTC',
});
/** The config sources as the synth bundles them beside the verifier's code (written next to each verifier bundle). */
export const bundledSourcesJson = JSON.stringify(bundledSources(config, 'WebhookIngestion'));
/**
 * What Lambda adds with active tracing on (`tracing: true`): the X-Ray daemon's address and the context-missing rule
 * the X-Ray SDK reads at INIT. Every function variant gets it: the budget is "with metrics and tracing on".
 */
const xrayEnv = {
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  _AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129',
  _AWS_XRAY_DAEMON_PORT: '2000',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
};
const STACK = 'WebhookIngestion';
export const verifierEnv = {
  ...lambdaRuntimeEnv('WebhookIngestion-VerifierFunction', 256),
  ...xrayEnv,
  ...WebhookFunction.sharedEnvironment('webhook-verifier', 'INFO', STACK),
  ...verifierEnvironment(config, {
    tableName: 'WebhookIngestion-EventsTable-ABC123',
    queueUrlPrefix: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/`,
    archiveBucket: 'webhookingestion-archivebucket-abc123',
  }),
};
/**
 * What the verifier's environment adds with tenant sources on (`tenantSources: {}` in the config, not the shipped
 * default): their table, key and cache settings, and the shared queue they use.
 */
export const tenantSourcesEnv: Record<string, string> = Object.fromEntries(
  Object.entries(
    verifierEnvironment(
      { ...config, tenantSources: stackConfigSchema.parse({ sources: [], tenantSources: {} }).tenantSources },
      {
        tableName: 'WebhookIngestion-EventsTable-ABC123',
        queueUrlPrefix: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/`,
        sharedQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/WebhookIngestion-shared-ingest`,
        tenantSources: { tableName: 'WebhookIngestion-TenantSources-ABC123', keyId: 'alias/webhook-sources' },
      },
    ),
  ).filter(([name]) => !(name in verifierEnv)),
);

/** The environment with `--enable-source-maps` flipped: off where the stack sets it, on where it does not. */
export function sourceMapsFlipped(env: Record<string, string>): Record<string, string> {
  const { NODE_OPTIONS, ...rest } = env;
  return NODE_OPTIONS === undefined ? { ...rest, NODE_OPTIONS: '--enable-source-maps' } : rest;
}
export const mapsLabel = (env: Record<string, string>) =>
  env.NODE_OPTIONS === undefined ? 'no --enable-source-maps' : '--enable-source-maps';

export const firstSource = config.sources[0]!;
export const processorEnv = {
  ...lambdaRuntimeEnv('WebhookIngestion-ProcessorFunction', firstSource.processor.memoryMb),
  ...xrayEnv,
  ...WebhookFunction.sharedEnvironment('webhook-processor', 'INFO', STACK),
  [ENV.eventsTable]: 'WebhookIngestion-EventsTable-ABC123',
  [ENV.sourceId]: firstSource.id,
  [ENV.topicArn]: `arn:aws:sns:${REGION}:${ACCOUNT}:WebhookIngestion-ProcessedTopic`,
  [ENV.leaseSeconds]: String(retrySettings(firstSource.processor.timeoutSeconds).processorLeaseSeconds),
  [ENV.dedupeSeconds]: String(firstSource.dedupeWindowDays * 86_400),
  [ENV.archiveBucket]: 'webhookingestion-archivebucket-abc123',
  [ENV.archiveDenyHeaders]: JSON.stringify(firstSource.archive.denyHeaders),
};
