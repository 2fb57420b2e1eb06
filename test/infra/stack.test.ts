/**
 * One assertion per secure default of the stack, on a single synthesized template (bundling skipped;
 * see support.ts), plus a snapshot of the whole template with asset hashes stripped.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract';
import { EVENTS_TABLE } from '../../lambdas/contract';
import { EVENT_STORE_ACTIONS } from '../../lib/constructs/event-store';
import { WebhookFunction } from '../../lib/constructs/webhook-function';
import { retrySettings, VERIFIER_LEASE_SECONDS, VERIFIER_TIMEOUT_SECONDS } from '../../lambdas/contract';
import { SOURCE_ROUTES } from '../../lambdas/sources-api/routes';
import { verifierEnvironment } from '../../lib/verifier-environment';
import { defineConfig } from '../../lib/config';
import { fixtureConfig, fixtureInput, resourceByPrefix, STACK_NAME, synth } from './support';
import type { CfnResource } from './support';

let template: Template;

beforeAll(() => {
  ({ template } = synth());
});

const stripe = fixtureConfig.sources[0]!;
const verifierFunction = (): CfnResource =>
  resourceByPrefix(template, 'AWS::Lambda::Function', 'VerifierFunction').resource;
const processorFunction = (sourceId: string): { logicalId: string; resource: CfnResource } =>
  resourceByPrefix(template, 'AWS::Lambda::Function', `Source${sourceId.replaceAll('-', '')}ProcessorFunction`);

/** Renders an env value as a string with each intrinsic shown as `<Ref:Id>`, so its shape can be asserted. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(render).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `<Ref:${ref}>`;
  return `<${JSON.stringify(value)}>`;
}

describe('events table', () => {
  it('has point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('is encrypted with the AWS-managed KMS key', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('expires records through the shared TTL attribute and keys on the shared partition key', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: EVENTS_TABLE.ttlAttribute, Enabled: true },
      KeySchema: [{ AttributeName: EVENTS_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: EVENTS_TABLE.partitionKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('is retained and deletion-protected', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });
});

describe('queues', () => {
  it('encrypts every queue with SQS-managed SSE', () => {
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('gives every queue an HTTPS-only policy', () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    const sslOnly = template.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
    });
    const covered = Object.values(sslOnly).flatMap((policy) =>
      (policy.Properties.Queues as { Ref: string }[]).map((q) => q.Ref),
    );
    expect(new Set(covered)).toEqual(new Set(queues));
  });

  it('redrives a source queue to its DLQ after the configured receive count', () => {
    const dlq = resourceByPrefix(template, 'AWS::SQS::Queue', 'SourcestripeIngestDeadLetterQueue');
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq.logicalId, 'Arn'] },
        maxReceiveCount: stripe.maxReceiveCount,
      },
      MessageRetentionPeriod: stripe.queueRetentionDays * 86_400,
    });
    expect(dlq.resource.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
  });

  it('hides a received message for at least six processor timeouts', () => {
    const timeout = processorFunction('stripe').resource.Properties.Timeout as number;
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'SourcestripeIngestQueue').resource;
    expect(timeout).toBe(stripe.processor.timeoutSeconds);
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it("takes the queue's visibility timeout, receive count and the processor lease from the contract's one retry policy", () => {
    const retry = retrySettings(stripe.processor.timeoutSeconds, stripe.maxReceiveCount);
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'SourcestripeIngestQueue').resource;
    expect(queue.Properties.VisibilityTimeout).toBe(retry.visibilityTimeoutSeconds);
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(retry.maxReceiveCount);
    expect(processorFunction('stripe').resource.Properties.Environment.Variables[ENV.leaseSeconds]).toBe(
      String(retry.processorLeaseSeconds),
    );
  });

  it('alarms when a dead-letter queue holds a message', () => {
    const dlq = resourceByPrefix(template, 'AWS::SQS::Queue', 'SourcestripeIngestDeadLetterQueue');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.logicalId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('processor event source', () => {
  it('reports partial batch failures and caps concurrency as configured', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: processorFunction('stripe').logicalId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: stripe.processor.maxConcurrency },
      BatchSize: stripe.processor.batchSize,
      MaximumBatchingWindowInSeconds: stripe.processor.maxBatchingWindowSeconds,
    });
  });
});

describe('events topic', () => {
  it('is encrypted with the AWS-managed SNS key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::Join': ['', Match.arrayWith([':alias/aws/sns'])] },
    });
  });

  it('refuses publishes over plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('turns a subscription filter into an attribute filter policy with raw delivery to the new queue', () => {
    const queue = resourceByPrefix(template, 'AWS::SQS::Queue', 'ProcessedbillingSubscriberQueue');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] },
      RawMessageDelivery: true,
      FilterPolicy: { source: ['stripe'], type: ['charge.refunded', { prefix: 'invoice.' }] },
    });
  });

  it('subscribes every configured kind, with a delivery DLQ where delivery can fail', () => {
    template.resourceCountIs('AWS::SNS::Subscription', fixtureConfig.subscriptions.length);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:eu-west-1:111122223333:existing-queue',
      RedrivePolicy: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicy: { source: ['github-app'] },
      RedrivePolicy: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      FilterPolicy: { type: [{ prefix: 'payout.' }] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/events',
      RedrivePolicy: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'sns.amazonaws.com',
      FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:audit',
    });
  });
});

describe('functions', () => {
  it('run on arm64 with the newest Node.js runtime, without X-Ray unless the config asks', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      TracingConfig: Match.absent(),
    });
  });

  it('trace every function with X-Ray when `tracing` is on (outbound and replay too), granting X-Ray only on "*"', () => {
    const traced = synth(defineConfig({ ...fixtureInput, tracing: true, outbound: {} })).template;
    expect(Object.keys(traced.findResources('AWS::Lambda::Function')).length).toBeGreaterThanOrEqual(8);
    traced.allResourcesProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    const policy = resourceByPrefix(traced, 'AWS::IAM::Policy', 'VerifierRoleDefaultPolicy').resource;
    const wildcard = (
      policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>
    ).filter((st) => st.Resource === '*');
    expect(wildcard.flatMap((st) => [st.Action].flat()).sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('run without --enable-source-maps unless `sourceMaps` is on, then every function (outbound and replay too) has it', () => {
    const nodeOptions = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).map(
        (r) => (r.Properties.Environment?.Variables as Record<string, unknown> | undefined)?.NODE_OPTIONS,
      );
    const plain = synth(defineConfig({ ...fixtureInput, outbound: {} })).template;
    const mapped = synth(defineConfig({ ...fixtureInput, sourceMaps: true, outbound: {} })).template;

    expect(new Set(nodeOptions(plain))).toEqual(new Set([undefined]));
    expect(nodeOptions(mapped).length).toBeGreaterThanOrEqual(8);
    expect(new Set(nodeOptions(mapped))).toEqual(new Set(['--enable-source-maps']));
  });

  it('size the verifier at 256 MB and 10 s, and each processor from its source config', () => {
    expect(verifierFunction().Properties).toMatchObject({ MemorySize: 256, Timeout: VERIFIER_TIMEOUT_SECONDS });
    expect(processorFunction('stripe').resource.Properties).toMatchObject({
      MemorySize: stripe.processor.memoryMb,
      Timeout: stripe.processor.timeoutSeconds,
    });
  });

  it('log to their own log group with the configured retention', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: fixtureConfig.logRetentionDays });
    const verifierLogs = resourceByPrefix(template, 'AWS::Logs::LogGroup', 'VerifierLogGroup');
    expect(verifierFunction().Properties.LoggingConfig).toEqual({
      LogGroup: { Ref: verifierLogs.logicalId },
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      // No START/END/REPORT line per invocation: a third of the log bytes (and cost) per event.
      SystemLogLevel: 'WARN',
    });
  });

  it('set the Powertools service name and log level', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.logLevel]: 'INFO',
          [ENV.serviceName]: Match.stringLikeRegexp('^webhook-'),
        }),
      },
    });
  });

  it('reserve no concurrency: the stage throttle protects the verifier', () => {
    expect(verifierFunction().Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('give the processor its source, table, topic, a lease longer than its timeout and the dedupe window', () => {
    const { resource } = processorFunction('stripe');
    const table = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'EventsTable');
    const topic = resourceByPrefix(template, 'AWS::SNS::Topic', 'ProcessedTopic');
    expect(resource.Properties.Environment.Variables).toMatchObject({
      [ENV.eventsTable]: { Ref: table.logicalId },
      [ENV.sourceId]: 'stripe',
      [ENV.topicArn]: { Ref: topic.logicalId },
      [ENV.leaseSeconds]: String(stripe.processor.timeoutSeconds + 30),
      [ENV.dedupeSeconds]: String(stripe.dedupeWindowDays * 86_400),
    });
  });
});

describe('verifier environment', () => {
  const variables = (): Record<string, unknown> =>
    verifierFunction().Properties.Environment.Variables as Record<string, unknown>;

  it('sets exactly the shared names, with a lease longer than the verifier timeout', () => {
    const expected = Object.keys({
      ...WebhookFunction.sharedEnvironment('x', 'INFO', STACK_NAME),
      ...verifierEnvironment(fixtureConfig, {
        tableName: 't',
        queueUrlPrefix: 'p',
        sharedQueueUrl: 's',
        tenantSources: { tableName: 't', keyId: 'k' },
        archiveBucket: 'b',
      }),
    });
    expect(Object.keys(variables()).sort()).toEqual(expected.sort());
    expect(variables()[ENV.secretsCacheSeconds]).toBe(String(fixtureConfig.secretsCacheSeconds));
    expect(variables()[ENV.sourceCacheSeconds]).toBe('20');
    expect(variables()[ENV.sourceMissesPerSecond]).toBe('25');
    expect(Number(variables()[ENV.leaseSeconds])).toBe(VERIFIER_LEASE_SECONDS);
    expect(VERIFIER_LEASE_SECONDS).toBeGreaterThan(VERIFIER_TIMEOUT_SECONDS);
  });

  it('finds own queues by the SQS URL prefix of its account and region, and the shared queue by its URL', () => {
    expect(render(variables()[ENV.queueUrlPrefix])).toBe(
      'https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/',
    );
    expect(variables()[ENV.sharedQueueUrl]).toEqual({ Ref: expect.stringMatching(/^SharedIngestQueue\w+$/) });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `${STACK_NAME}-stripe-ingest` });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `${STACK_NAME}-github-app-ingest` });
  });

  it('carries no source and no secret material: the sources are bundled, their secrets read by name', () => {
    const everything = JSON.stringify(variables());
    expect(everything).not.toMatch(/resolve:secretsmanager|SecretString|GenerateSecretString|whsec_|"scheme"/);
    expect(Object.keys(variables()).filter((name) => /SECRET/.test(name))).toEqual([ENV.secretsCacheSeconds]);
  });

  it('creates each secret from a random placeholder, never a literal value', () => {
    template.allResourcesProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'current', ExcludePunctuation: true },
      SecretString: Match.absent(),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `${STACK_NAME}/webhooks/stripe` });
    expect(JSON.stringify(template.toJSON())).not.toContain('resolve:secretsmanager');
  });
});

describe('least privilege', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const statements = (policyPrefix: string): Statement[] =>
    resourceByPrefix(template, 'AWS::IAM::Policy', policyPrefix).resource.Properties.PolicyDocument
      .Statement as Statement[];
  const actions = (policyPrefix: string): string[] =>
    statements(policyPrefix)
      .flatMap((s) => [s.Action].flat())
      .sort();

  it('lets the verifier touch table items, send to source queues, read source secrets and tenant sources, and write its logs', () => {
    expect(new Set(actions('VerifierRoleDefaultPolicy'))).toEqual(
      new Set([
        ...EVENT_STORE_ACTIONS,
        'sqs:SendMessage',
        'secretsmanager:GetSecretValue',
        'dynamodb:GetItem',
        'kms:Decrypt',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        // Claim checks: a body over SQS's 1 MiB is written to payloads/ before it is acknowledged (#19).
        's3:PutObject',
        'kms:GenerateDataKey',
        'kms:Decrypt',
      ]),
    );
  });

  const resourcesOf = (action: string): unknown[] =>
    statements('VerifierRoleDefaultPolicy')
      .filter((s) => [s.Action].flat().includes(action))
      .flatMap((s) => [s.Resource].flat());

  it("scopes the verifier to the stack's source secrets by name prefix, and to the queues and tenant sources by ARN", () => {
    expect(resourcesOf('secretsmanager:GetSecretValue').map(render)).toEqual([
      `arn:<Ref:AWS::Partition>:secretsmanager:<Ref:AWS::Region>:<Ref:AWS::AccountId>:secret:${STACK_NAME}/webhooks/*`,
    ]);
    const queues = ['Sourcestripe', 'Sourcegithubapp', 'Shared'].map((prefix) => ({
      'Fn::GetAtt': [resourceByPrefix(template, 'AWS::SQS::Queue', `${prefix}IngestQueue`).logicalId, 'Arn'],
    }));
    expect(resourcesOf('sqs:SendMessage')).toEqual(expect.arrayContaining(queues));
    expect(resourcesOf('sqs:SendMessage')).toHaveLength(queues.length);
    const table = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'TenantSourcesTable').logicalId;
    expect(resourcesOf('dynamodb:GetItem')).toContainEqual({ 'Fn::GetAtt': [table, 'Arn'] });
    const key = resourceByPrefix(template, 'AWS::KMS::Key', 'TenantSourcesSecretsKey').logicalId;
    expect(resourcesOf('kms:Decrypt')).toContainEqual({ 'Fn::GetAtt': [key, 'Arn'] });
  });

  it('lets the tenant sources API read and write their table and seal their secrets, nothing else', () => {
    expect(new Set(actions('TenantSourcesApiRoleDefaultPolicy'))).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'kms:Encrypt',
        'kms:Decrypt',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    );
  });

  it('lets a processor touch table items, publish, consume its own queue and trace', () => {
    const granted = actions('SourcestripeProcessorRoleDefaultPolicy');
    expect(granted).toEqual(
      expect.arrayContaining([...EVENT_STORE_ACTIONS, 'sns:Publish', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(granted.filter((a) => a.startsWith('dynamodb:'))).toHaveLength(EVENT_STORE_ACTIONS.length);
    expect(granted.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    // The archive: its key only through S3 (kms:ViaService), and only the prefixes it writes and reads.
    const archive = statements('SourcestripeProcessorRoleDefaultPolicy').filter((st) =>
      [st.Action].flat().some((a) => String(a).startsWith('s3:') || String(a).startsWith('kms:')),
    );
    expect(archive.map((st) => [st.Action].flat().sort())).toEqual([
      ['s3:PutObject'],
      ['s3:GetObject'],
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
    expect(render(archive.map((st) => st.Resource))).toMatch(/events\/\*.*messages\/\*.*payloads\/\*.*ArchiveKey/);
    expect(render((archive[2] as { Condition?: unknown }).Condition)).toContain('s3.');
  });

  it('grants nothing on a wildcard resource', () => {
    for (const prefix of ['VerifierRoleDefaultPolicy', 'SourcestripeProcessorRoleDefaultPolicy']) {
      expect(statements(prefix).filter((s) => s.Resource === '*')).toEqual([]);
    }
  });
});

describe('HTTP API', () => {
  it('routes POST /webhooks/{source} and GET /health to the verifier', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/{source}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health' });
    // Tenant sources: POST and GET (Meta's check) on their path, and the six IAM-authorized management routes.
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /webhooks/t/{tenant}/{source}/{token}',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /webhooks/t/{tenant}/{source}/{token}',
    });
    for (const key of SOURCE_ROUTES)
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'AWS_IAM' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 4 + SOURCE_ROUTES.length);
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('adds GET /webhooks/<id> only for a source whose provider checks the URL with a GET (meta)', () => {
    const withMeta = synth(
      defineConfig({ ...fixtureInput, sources: [...fixtureInput.sources, { id: 'whatsapp', scheme: 'meta' }] }),
    ).template;
    withMeta.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /webhooks/whatsapp' });
    withMeta.resourceCountIs('AWS::ApiGatewayV2::Route', 5 + SOURCE_ROUTES.length);
  });

  it('throttles the default stage as configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: fixtureConfig.api.throttlingRateLimit,
        ThrottlingBurstLimit: fixtureConfig.api.throttlingBurstLimit,
      },
    });
  });

  it('writes JSON access logs without headers or bodies', () => {
    const logGroup = resourceByPrefix(template, 'AWS::Logs::LogGroup', 'ApiAccessLogs');
    const stage = resourceByPrefix(template, 'AWS::ApiGatewayV2::Stage', 'ApiDefaultStage').resource;
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroup.logicalId, 'Arn'] });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(Object.values(format).join(' ')).not.toMatch(/header|body|authorizer\.claims|querystring/i);
  });
});

describe('outputs', () => {
  it('give the webhook URL, secret name, queue and dead-letter queue per source, the source ids, the topic ARN, the table name, the alarm topic, the metrics namespace and the dashboard', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'ArchiveBucketName',
        'ArchiveDatabase',
        'ArchiveWorkGroup',
        'DashboardName',
        'ReplayFunctionName',
        'DeadLetterQueueArnGithubApp',
        'DeadLetterQueueArnStripe',
        'EventsTableName',
        'EventsTopicArn',
        'MetricsNamespace',
        'QueueUrlGithubApp',
        'QueueUrlStripe',
        'SecretNameGithubApp',
        'SecretNameStripe',
        'SourceIds',
        'WebhookUrlGithubApp',
        'WebhookUrlStripe',
        // The shared source (shop) has no output of its own: its URL and secret name follow from these.
        'WebhookUrlBase',
        'SecretNamePrefix',
        'SharedDeadLetterQueueArn',
        'SharedQueueUrl',
        'TenantSourcesTableName',
      ].sort(),
    );
    // The sources with their own queue: the shared one (shop) is read through SharedQueueUrl.
    expect(outputs.SourceIds!.Value).toBe('stripe,github-app');
    expect(outputs.MetricsNamespace!.Value).toBe(STACK_NAME);
    expect(outputs.QueueUrlStripe!.Value).toEqual({ Ref: expect.stringMatching(/^Sourcestripe\w*IngestQueue\w+$/) });
    expect(outputs.AlarmTopicArn!.Value).toEqual({ Ref: expect.stringMatching(/^AlarmsTopic\w+$/) });
    expect(render(outputs.WebhookUrlGithubApp!.Value)).toMatch(
      /^https:\/\/<Ref:ApiHttpApi\w+>\.execute-api\..*\/webhooks\/github-app$/,
    );
    expect(outputs.SecretNameStripe!.Value).toBe(`${STACK_NAME}/webhooks/stripe`);
    // The replay command in docs/deploy.md takes this ARN: it must be the stripe pipeline's own dead-letter queue.
    expect(outputs.DeadLetterQueueArnStripe!.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Sourcestripe\w*DeadLetterQueue\w+$/), 'Arn'],
    });
  });
});

describe('template snapshot', () => {
  it('matches, with asset hashes and bootstrap noise stripped', () => {
    const json = template.toJSON() as { Parameters?: Record<string, unknown>; Rules?: Record<string, unknown> };
    delete json.Parameters?.BootstrapVersion;
    delete json.Rules?.CheckBootstrapVersion;
    if (json.Parameters && Object.keys(json.Parameters).length === 0) delete json.Parameters;
    if (json.Rules && Object.keys(json.Rules).length === 0) delete json.Rules;
    const stable = JSON.parse(
      JSON.stringify(json).replace(
        /[0-9a-f]{64}(\.zip)?/g,
        (_hash, zip: string | undefined) => `<asset-hash>${zip ?? ''}`,
      ),
    );
    expect(stable).toMatchSnapshot();
  });
});
