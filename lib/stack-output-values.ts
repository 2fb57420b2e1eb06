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
  new CfnOutput(stack, OUTPUTS.apiUrl, {
    value: stack.api.url,
    description: 'Base URL of the webhook API (GET health for a liveness check)',
  });
  for (const pipeline of Object.values(stack.pipelines)) {
    // Per-source outputs for own pipelines only: a stack has at most 200 outputs, and 200 shared sources would
    // need 400 (their URLs and secret names follow from WebhookUrlBase and SecretNamePrefix).
    if (!pipeline.own) continue;
    new CfnOutput(stack, OUTPUTS.webhookUrl(pipeline.sourceId), {
      value: stack.api.webhookUrl(pipeline.sourceId),
      description: `Webhook URL to configure at the "${pipeline.sourceId}" provider`,
    });
    new CfnOutput(stack, OUTPUTS.secretName(pipeline.sourceId), {
      value: pipeline.secretName,
      description: `Secrets Manager secret of "${pipeline.sourceId}": set {"current": "<provider signing secret>"}`,
    });
    new CfnOutput(stack, OUTPUTS.deadLetterQueueArn(pipeline.sourceId), {
      value: pipeline.own.deadLetterQueue.queueArn,
      description: `Dead-letter queue of "${pipeline.sourceId}": after fixing the cause, npm run cli -- queues redrive ${pipeline.sourceId} --stack ${stack.stackName}`,
    });
    new CfnOutput(stack, OUTPUTS.queueUrl(pipeline.sourceId), {
      value: pipeline.own.queue.queueUrl,
      description: `Queue of "${pipeline.sourceId}" (read by npm run cli -- queues --stack ${stack.stackName})`,
    });
  }
  new CfnOutput(stack, OUTPUTS.sourceIds, {
    value: Object.values(stack.pipelines)
      .filter((p) => p.own)
      .map((p) => p.sourceId)
      .join(','),
    description: 'The ids of the sources with their own queue, comma-separated (the CLI finds their outputs by them)',
  });
  new CfnOutput(stack, 'WebhookUrlBase', {
    value: `${stack.api.url}webhooks/`,
    description: "A config source's webhook URL is this and its id (POST)",
  });
  if (config.sources.length > 0)
    new CfnOutput(stack, 'SecretNamePrefix', {
      value: secretNamePrefix(stack.stackName),
      description: 'A config source\'s secret is this and its id: set {"current": "<provider signing secret>"}',
    });
  if (stack.shared) {
    new CfnOutput(stack, OUTPUTS.sharedQueueUrl, {
      value: stack.shared.queue.queue.queueUrl,
      description: `The shared pipeline's queue (read by npm run cli -- queues --stack ${stack.stackName})`,
    });
    new CfnOutput(stack, OUTPUTS.sharedDeadLetterQueueArn, {
      value: stack.shared.queue.deadLetterQueue.queueArn,
      description: `Dead-letter queue of the shared pipeline: after fixing the cause, npm run cli -- queues redrive shared --stack ${stack.stackName}`,
    });
  }
  if (stack.tenantSources)
    new CfnOutput(stack, OUTPUTS.tenantSourcesTableName, {
      value: stack.tenantSources.table.tableName,
      description: 'DynamoDB table of tenant sources (manage them with /v1/tenants/{tenant}/sources)',
    });
  new CfnOutput(stack, OUTPUTS.alarmTopicArn, {
    value: stack.alarmTopic.topic.topicArn,
    description: 'Every alarm notifies this topic (ALARM and OK): subscribe a pager, chat or email',
  });
  new CfnOutput(stack, OUTPUTS.metricsNamespace, {
    value: metricsNamespace(stack.stackName),
    description: 'CloudWatch namespace of the custom metrics (docs/observability.md)',
  });
  new CfnOutput(stack, OUTPUTS.dashboardName, {
    value: stack.monitoring.dashboard.dashboard.dashboardName,
    description: 'The CloudWatch dashboard',
  });
  if (stack.outbound) {
    new CfnOutput(stack, 'PortalSigningKeyArn', {
      value: stack.outbound.portal.signingKey.secretArn,
      description:
        'Tenant portal sessions are signed with this secret: put a new value to end every session (docs/portal.md)',
    });
    new CfnOutput(stack, OUTPUTS.outboundIntakeQueueUrl, {
      value: stack.outbound.intakeQueue.queue.queueUrl,
      description: 'Outbound intake: send messages with attributes tenant, type and id',
    });
    new CfnOutput(stack, OUTPUTS.outboundOperationsTopicArn, {
      value: stack.outbound.operationsTopic.topicArn,
      description:
        'Operator notifications (docs/outbound-notifications.md): subscribe an email, Chatbot or a queue, filtering on the type attribute',
    });
    new CfnOutput(stack, OUTPUTS.outboundTableName, {
      value: stack.outbound.store.table.tableName,
      description: 'DynamoDB table of outbound endpoints, messages, deliveries and attempts',
    });
    new CfnOutput(stack, OUTPUTS.outboundDeliveryQueueUrl, {
      value: stack.outbound.deliveryQueue.queue.queueUrl,
      description: 'Outbound delivery queue (wake-ups)',
    });
    new CfnOutput(stack, OUTPUTS.outboundDeliveryDeadLetterQueueArn, {
      value: stack.outbound.deliveryQueue.deadLetterQueue.queueArn,
      description: 'Dead-letter queue of the outbound delivery queue',
    });
    new CfnOutput(stack, OUTPUTS.outboundIntakeDeadLetterQueueArn, {
      value: stack.outbound.intakeQueue.deadLetterQueue.queueArn,
      description: 'Dead-letter queue of the outbound intake queue',
    });
  }
  new CfnOutput(stack, OUTPUTS.archiveBucketName, {
    value: stack.archive.bucket.bucketName,
    description: 'Archive of every accepted request (docs/archive.md)',
  });
  new CfnOutput(stack, OUTPUTS.archiveDatabase, {
    value: stack.archive.database.ref,
    description: 'Glue database of the archive',
  });
  new CfnOutput(stack, OUTPUTS.archiveWorkGroup, {
    value: stack.archive.workGroup.ref,
    description:
      'Athena workgroup: npm run cli -- events query --athena --workgroup <this> --database <ArchiveDatabase>',
  });
  new CfnOutput(stack, OUTPUTS.replayFunctionName, {
    value: stack.replay.function.lambdaFunction.functionName,
    description:
      'Starts and shows replays: aws lambda invoke --function-name <this> --payload \'{"action":"start",...}\'',
  });
  new CfnOutput(stack, OUTPUTS.eventsTopicArn, {
    value: stack.eventTopic.topic.topicArn,
    description: 'SNS topic of processed events',
  });
  new CfnOutput(stack, OUTPUTS.eventsTableName, {
    value: stack.eventStore.table.tableName,
    description: 'DynamoDB table of event records',
  });
}
