/**
 * The stack's outputs: what an operator configures at each provider (webhook URLs, secret names), and what the CLI's
 * `--stack` reads (their names are lib/stack-outputs.ts, the one description the CLI and the stack share). Added to
 * the stack itself, so their logical ids are the output names.
 */
import { CfnOutput } from 'aws-cdk-lib';
import { metricsNamespace } from '../lambdas/core/kernel/metrics';
import type { StackConfig } from './config-schema';
import { OUTPUTS } from './stack-outputs';
import { secretNamePrefix } from './verifier-environment';
import type { Stack } from 'aws-cdk-lib';
import type { AlarmTopic } from './constructs/alarm-topic';
import type { EventArchive } from './constructs/event-archive';
import type { EventStore } from './constructs/event-store';
import type { EventTopic } from './constructs/event-topic';
import type { Monitoring } from './constructs/monitoring';
import type { OutboundDelivery } from './constructs/outbound-delivery';
import type { ReplayFunction } from './constructs/replay-function';
import type { SharedPipeline } from './constructs/shared-pipeline';
import type { SourcePipeline } from './constructs/source-pipeline';
import type { TenantSources } from './constructs/tenant-sources';
import type { WebhookApi } from './constructs/webhook-api';

/** What the outputs name: the stack's parts (WebhookIngestionStack has them all). */
export interface StackParts extends Stack {
  readonly api: WebhookApi;
  readonly pipelines: Readonly<Record<string, SourcePipeline>>;
  readonly shared?: SharedPipeline;
  readonly tenantSources?: TenantSources;
  readonly outbound?: OutboundDelivery;
  readonly alarmTopic: AlarmTopic;
  readonly monitoring: Monitoring;
  readonly archive: EventArchive;
  readonly replay: ReplayFunction;
  readonly eventTopic: EventTopic;
  readonly eventStore: EventStore;
}

export function addStackOutputs(stack: StackParts, config: StackConfig): void {
  const out = (id: string, value: string, description: string) => new CfnOutput(stack, id, { value, description });
  out(OUTPUTS.apiUrl, stack.api.url, 'Base URL of the webhook API (GET health for a liveness check)');
  for (const pipeline of Object.values(stack.pipelines)) {
    // Per-source outputs for own pipelines only: a stack has at most 200 outputs, and 200 shared sources would
    // need 400 (their URLs and secret names follow from WebhookUrlBase and SecretNamePrefix).
    if (!pipeline.own) continue;
    out(
      OUTPUTS.webhookUrl(pipeline.sourceId),
      stack.api.webhookUrl(pipeline.sourceId),
      `Webhook URL to configure at the "${pipeline.sourceId}" provider`,
    );
    out(
      OUTPUTS.secretName(pipeline.sourceId),
      pipeline.secretName,
      `Secrets Manager secret of "${pipeline.sourceId}": set {"current": "<provider signing secret>"}`,
    );
    out(
      OUTPUTS.deadLetterQueueArn(pipeline.sourceId),
      pipeline.own.deadLetterQueue.queueArn,
      `Dead-letter queue of "${pipeline.sourceId}": after fixing the cause, npm run cli -- queues redrive ${pipeline.sourceId} --stack ${stack.stackName}`,
    );
    out(
      OUTPUTS.queueUrl(pipeline.sourceId),
      pipeline.own.queue.queueUrl,
      `Queue of "${pipeline.sourceId}" (read by npm run cli -- queues --stack ${stack.stackName})`,
    );
  }
  out(
    OUTPUTS.sourceIds,
    Object.values(stack.pipelines)
      .filter((p) => p.own)
      .map((p) => p.sourceId)
      .join(','),
    'The ids of the sources with their own queue, comma-separated (the CLI finds their outputs by them)',
  );
  out('WebhookUrlBase', `${stack.api.url}webhooks/`, "A config source's webhook URL is this and its id (POST)");
  if (config.sources.length > 0)
    out(
      'SecretNamePrefix',
      secretNamePrefix(stack.stackName),
      'A config source\'s secret is this and its id: set {"current": "<provider signing secret>"}',
    );
  if (stack.shared) {
    out(
      OUTPUTS.sharedQueueUrl,
      stack.shared.queue.queue.queueUrl,
      `The shared pipeline's queue (read by npm run cli -- queues --stack ${stack.stackName})`,
    );
    out(
      OUTPUTS.sharedDeadLetterQueueArn,
      stack.shared.queue.deadLetterQueue.queueArn,
      `Dead-letter queue of the shared pipeline: after fixing the cause, npm run cli -- queues redrive shared --stack ${stack.stackName}`,
    );
  }
  if (stack.tenantSources)
    out(
      OUTPUTS.tenantSourcesTableName,
      stack.tenantSources.table.tableName,
      'DynamoDB table of tenant sources (manage them with /v1/tenants/{tenant}/sources)',
    );
  out(
    OUTPUTS.alarmTopicArn,
    stack.alarmTopic.topic.topicArn,
    'Every alarm notifies this topic (ALARM and OK): subscribe a pager, chat or email',
  );
  out(
    OUTPUTS.metricsNamespace,
    metricsNamespace(stack.stackName),
    'CloudWatch namespace of the custom metrics (docs/observability.md)',
  );
  out(OUTPUTS.dashboardName, stack.monitoring.dashboard.dashboard.dashboardName, 'The CloudWatch dashboard');
  if (stack.outbound) {
    out(
      'ConsoleUrl',
      `${stack.api.url}console`,
      `The operator console: open it with a signed link from npm run cli -- portal console --stack ${stack.stackName}`,
    );
    out(
      'PortalSigningKeyArn',
      stack.outbound.portal.signingKey.secretArn,
      'Tenant portal sessions are signed with this secret: put a new value to end every session (docs/portal.md)',
    );
    out(
      OUTPUTS.outboundIntakeQueueUrl,
      stack.outbound.intakeQueue.queue.queueUrl,
      'Outbound intake: send messages with attributes tenant, type and id',
    );
    out(
      OUTPUTS.outboundOperationsTopicArn,
      stack.outbound.operationsTopic.topicArn,
      'Operator notifications (docs/outbound-notifications.md): subscribe an email, Chatbot or a queue, filtering on the type attribute',
    );
    out(
      OUTPUTS.outboundTableName,
      stack.outbound.store.table.tableName,
      'DynamoDB table of outbound endpoints, messages, deliveries and attempts',
    );
    out(
      OUTPUTS.outboundDeliveryQueueUrl,
      stack.outbound.deliveryQueue.queue.queueUrl,
      'Outbound delivery queue (wake-ups)',
    );
    out(
      OUTPUTS.outboundDeliveryDeadLetterQueueArn,
      stack.outbound.deliveryQueue.deadLetterQueue.queueArn,
      'Dead-letter queue of the outbound delivery queue',
    );
    out(
      OUTPUTS.outboundIntakeDeadLetterQueueArn,
      stack.outbound.intakeQueue.deadLetterQueue.queueArn,
      'Dead-letter queue of the outbound intake queue',
    );
  }
  out(
    OUTPUTS.archiveBucketName,
    stack.archive.bucket.bucketName,
    'Archive of every accepted request (docs/archive.md)',
  );
  out(OUTPUTS.archiveDatabase, stack.archive.database.ref, 'Glue database of the archive');
  out(
    OUTPUTS.archiveWorkGroup,
    stack.archive.workGroup.ref,
    'Athena workgroup: npm run cli -- events query --athena --workgroup <this> --database <ArchiveDatabase>',
  );
  out(
    OUTPUTS.replayFunctionName,
    stack.replay.function.lambdaFunction.functionName,
    'Starts and shows replays: aws lambda invoke --function-name <this> --payload \'{"action":"start",...}\'',
  );
  out(OUTPUTS.eventsTopicArn, stack.eventTopic.topic.topicArn, 'SNS topic of processed events');
  out(OUTPUTS.eventsTableName, stack.eventStore.table.tableName, 'DynamoDB table of event records');
}
