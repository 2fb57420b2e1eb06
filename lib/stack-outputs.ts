/**
 * The stack's outputs by name: what `cdk deploy` prints, and what the CLI reads with `--stack` (DescribeStacks) to
 * find the deployed resources. One description for both sides.
 */

/** `github-app` -> `GithubApp`: output ids are alphanumeric. */
export function outputKey(sourceId: string): string {
  return sourceId
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export const OUTPUTS = {
  apiUrl: 'ApiUrl',
  eventsTopicArn: 'EventsTopicArn',
  eventsTableName: 'EventsTableName',
  /**
   * The ids of the sources with their own queue, comma-separated, in config order: the per-source outputs below are
   * keyed by `outputKey(id)`.
   */
  sourceIds: 'SourceIds',
  webhookUrl: (sourceId: string) => `WebhookUrl${outputKey(sourceId)}`,
  secretName: (sourceId: string) => `SecretName${outputKey(sourceId)}`,
  queueUrl: (sourceId: string) => `QueueUrl${outputKey(sourceId)}`,
  deadLetterQueueArn: (sourceId: string) => `DeadLetterQueueArn${outputKey(sourceId)}`,
  /** The shared pipeline's queue (tenant sources and config sources with `pipeline: 'shared'`), when there is one. */
  sharedQueueUrl: 'SharedQueueUrl',
  sharedDeadLetterQueueArn: 'SharedDeadLetterQueueArn',
  /** Present when tenant sources are on. */
  tenantSourcesTableName: 'TenantSourcesTableName',
  /** The one topic every alarm notifies. */
  alarmTopicArn: 'AlarmTopicArn',
  /** The CloudWatch namespace of the custom metrics, and the dashboard's name. */
  metricsNamespace: 'MetricsNamespace',
  dashboardName: 'DashboardName',
  /** The archive (docs/archive.md): `events query --athena --stack` reads the workgroup and database. */
  archiveBucketName: 'ArchiveBucketName',
  archiveDatabase: 'ArchiveDatabase',
  archiveWorkGroup: 'ArchiveWorkGroup',
  replayFunctionName: 'ReplayFunctionName',
  outboundIntakeQueueUrl: 'OutboundIntakeQueueUrl',
  outboundOperationsTopicArn: 'OutboundOperationsTopicArn',
  outboundTableName: 'OutboundTableName',
  outboundDeliveryQueueUrl: 'OutboundDeliveryQueueUrl',
  outboundDeliveryDeadLetterQueueArn: 'OutboundDeliveryDeadLetterQueueArn',
  outboundIntakeDeadLetterQueueArn: 'OutboundIntakeDeadLetterQueueArn',
} as const;
