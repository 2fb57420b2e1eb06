/**
 * A small stack in moto with the outputs the CLI reads (lib/stack-outputs.ts): the events topic and table, one
 * source's queue and dead-letter queue, the shared pipeline's, tenant sources on, the metrics namespace, the API's
 * address, the archive's Athena workgroup and database. Created through moto's CloudFormation, so `--stack`
 * runs DescribeStacks as it does against AWS.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { OUTPUTS } from '../../lib/stack-outputs';
import { TEST_CREDENTIALS, TEST_REGION } from './servers';

export const FAKE_SOURCE = 'stripe';

export function fakeStackTemplate(stackName: string): string {
  return JSON.stringify({
    // The API's address, given at creation: a test's local server stands in for the deployed /v1.
    Parameters: { ApiUrl: { Type: 'String', Default: 'https://abc123.execute-api.us-east-1.amazonaws.com' } },
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic' },
      Events: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      },
      Dlq: { Type: 'AWS::SQS::Queue' },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 2 } },
      },
      SharedDlq: { Type: 'AWS::SQS::Queue' },
      SharedQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['SharedDlq', 'Arn'] }, maxReceiveCount: 2 },
        },
      },
    },
    Outputs: {
      [OUTPUTS.eventsTopicArn]: { Value: { Ref: 'Topic' } },
      [OUTPUTS.eventsTableName]: { Value: { Ref: 'Events' } },
      [OUTPUTS.sourceIds]: { Value: FAKE_SOURCE },
      [OUTPUTS.queueUrl(FAKE_SOURCE)]: { Value: { Ref: 'Queue' } },
      [OUTPUTS.deadLetterQueueArn(FAKE_SOURCE)]: { Value: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
      [OUTPUTS.metricsNamespace]: { Value: stackName },
      [OUTPUTS.apiUrl]: { Value: { Ref: 'ApiUrl' } },
      [OUTPUTS.sharedQueueUrl]: { Value: { Ref: 'SharedQueue' } },
      [OUTPUTS.sharedDeadLetterQueueArn]: { Value: { 'Fn::GetAtt': ['SharedDlq', 'Arn'] } },
      [OUTPUTS.tenantSourcesTableName]: { Value: 'tenant-sources' },
      [OUTPUTS.archiveWorkGroup]: { Value: `${stackName}-archive` },
      [OUTPUTS.archiveDatabase]: { Value: 'webhook_archive' },
    },
  });
}

/** Creates the stack; moto creates its resources at once. */
export async function createFakeStack(endpoint: string, stackName: string, apiUrl?: string): Promise<void> {
  const cfn = new CloudFormationClient({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: fakeStackTemplate(stackName),
        ...(apiUrl !== undefined && { Parameters: [{ ParameterKey: 'ApiUrl', ParameterValue: apiUrl }] }),
      }),
    );
  } finally {
    cfn.destroy();
  }
}

/** The environment that points the CLI's AWS clients at moto, with fake credentials and its own output cache. */
export function motoEnvironment(endpoint: string, cacheDir: string): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    WEBHOOK_CLI_CACHE_DIR: cacheDir,
  };
}

/** A metric datum of a minute ago (CloudWatch's data is always a little behind, and a query's window ends now). */
export function recentDatum(name: string, value: number, dimensions: Record<string, string>) {
  return {
    MetricName: name,
    Value: value,
    Timestamp: new Date(Date.now() - 60_000),
    Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
  };
}
