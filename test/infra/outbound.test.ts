/**
 * Outbound delivery in the stack when the config has an `outbound` key: one assertion per secure default, and
 * cdk-nag clean with every acknowledgement justified. Without the key the stack has none of it.
 */
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ENV, OUTBOUND_TABLE, outboundClaimLeaseSeconds, outboundQueueSettings } from '../../lambdas/contract';
import { METRICS } from '../../lambdas/core/kernel/metrics';
import { CONSOLE_SESSION_ROUTE } from '../../lambdas/outbound-api/console-access';
import { OUTBOUND_ROUTES, TENANT_NEUTRAL_ROUTES } from '../../lambdas/outbound-api/routes';
import { SOURCE_ROUTES } from '../../lambdas/sources-api/routes';
import { OutboundDelivery } from '../../lib/constructs/outbound-delivery';
import type { OutboundAlarmsProps } from '../../lib/constructs/outbound-alarms';
import { defineConfig } from '../../lib/config';
import type { WebhookIngestionStack } from '../../lib/webhook-ingestion-stack';
import { buildStack, fixtureInput, synth, testApp } from './support';

let stack: WebhookIngestionStack;
let outbound: OutboundDelivery;
let template: Template;

beforeAll(() => {
  stack = buildStack(
    defineConfig({
      ...fixtureInput,
      outbound: { allowedCidrs: ['10.1.0.0/16'], retention: { responseBodiesDays: 3 } },
    }),
  );
  outbound = stack.outbound!;
  template = Template.fromStack(stack);
});

const ref = (c: { node: { defaultChild?: unknown } }) =>
  stack.resolve((c.node.defaultChild as { ref: string }).ref) as unknown;

describe('OutboundDelivery', () => {
  it('is absent from a stack whose config has no outbound key', () => {
    const plain = synth().template;
    expect(
      Object.values(plain.findResources('AWS::ApiGatewayV2::Route')).some(
        (r) => String(r.Properties.RouteKey).includes('/v1/') && !String(r.Properties.RouteKey).includes('/sources'),
      ),
    ).toBe(false);
    // The keys are the alarm topic's, the archive's and the tenant sources' (the fixture has them on), none of
    // outbound's.
    expect(Object.keys(plain.findResources('AWS::KMS::Key')).sort()).toEqual([
      expect.stringMatching(/^Alarms/),
      expect.stringMatching(/^ArchiveKey/),
      expect.stringMatching(/^TenantSourcesSecretsKey/),
    ]);
  });

  it('refuses allowed subnets that are not CIDRs, naming the field', () => {
    expect(() => defineConfig({ ...fixtureInput, outbound: { allowedCidrs: ['10.0.0.0/99'] } })).toThrow(
      /outbound\.allowedCidrs/,
    );
  });

  it('refuses a delivery retention not longer than the retry schedule, naming the field', () => {
    expect(() =>
      defineConfig({ ...fixtureInput, outbound: { retention: { messagesDays: 5, deliveriesDays: 5 } } }),
    ).toThrow(/outbound\.retention\.deliveriesDays: deliveriesDays \(5\) must exceed the longest retry schedule/);
  });

  it('refuses response bodies kept longer than their attempts, naming the field', () => {
    expect(() =>
      defineConfig({ ...fixtureInput, outbound: { retention: { attemptsDays: 10, responseBodiesDays: 14 } } }),
    ).toThrow(/outbound\.retention\.responseBodiesDays/);
  });

  it('the API and the worker get the retention settings, defaults filled in, as one JSON variable', () => {
    const retention = JSON.stringify({ messagesDays: 30, deliveriesDays: 30, attemptsDays: 30, responseBodiesDays: 3 });
    for (const service of ['outbound-api', 'outbound-worker']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ [ENV.retention]: retention, POWERTOOLS_SERVICE_NAME: service }) },
      });
    }
  });

  it('the table has the sparse KEYS_ONLY due index, TTL, point-in-time recovery and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: OUTBOUND_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'due', Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ]),
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  it('the list indexes project keys and immutable attributes only, so status changes and attempts never rewrite them', () => {
    const { tenantIndex, endpointIndex } = OUTBOUND_TABLE;
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: tenantIndex.name,
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['tenantId', 'id', 'type', 'createdAt', 'expiresAt', 'messageId'],
          },
        }),
        Match.objectLike({ IndexName: endpointIndex.name, Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ]),
    });
    const indexes = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).flatMap(
      (t) =>
        (t.Properties as { GlobalSecondaryIndexes?: Array<{ Projection: { ProjectionType: string } }> })
          .GlobalSecondaryIndexes ?? [],
    );
    expect(indexes.filter((i) => i.Projection.ProjectionType === 'ALL')).toEqual([]);
  });

  it('the payload bucket is private, HTTPS-only, retained, and expires a payload a day after its message', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 31, Status: 'Enabled' })] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('the worker may only get payloads; the API and the intake may put them too', () => {
    const statements = (prefix: string) =>
      Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(
          ([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
        )
        .filter((st) => JSON.stringify(st.Resource).includes('/payloads/*'))
        .flatMap((st) => [st.Action].flat());
    expect(statements('OutboundWorker')).toEqual(['s3:GetObject']);
    expect(statements('OutboundApi').sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(statements('OutboundIntake').sort()).toEqual(['s3:GetObject', 's3:PutObject']);
  });

  it('the secrets key rotates and is retained', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('every /v1 route is IAM-authorized (SigV4), none is open', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
    );
    const v1 = routes.filter((r) => r.RouteKey.includes(' /v1/'));
    expect(v1.map((r) => r.RouteKey).sort()).toEqual(
      [...OUTBOUND_ROUTES, CONSOLE_SESSION_ROUTE, ...SOURCE_ROUTES].sort(),
    );
    for (const r of v1) expect(r.AuthorizationType, r.RouteKey).toBe('AWS_IAM');
  });

  it('every /v1 route but the tenant-neutral reference ones and the operator console session is under /v1/tenants/{tenant}/, so an IAM policy on …/v1/tenants/acme/* confines a caller to acme (and opens no console)', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => (r.Properties as { RouteKey: string }).RouteKey.split(' ')[1]!)
      .filter((path) => path.startsWith('/v1'));

    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((path) => !path.startsWith('/v1/tenants/{tenant}/')).sort()).toEqual(
      [...TENANT_NEUTRAL_ROUTES, CONSOLE_SESSION_ROUTE].map((r) => r.split(' ')[1]!).sort(),
    );
  });

  it('recover and replay are deployed routes, and the API may query the indexes they read (byEndpoint, byTenant)', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r.Properties as { RouteKey: string }).RouteKey,
    );
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover',
        'POST /v1/tenants/{tenant}/messages/replay',
      ]),
    );
    const apiStatements = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('OutboundApi'))
      .flatMap(
        ([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
      );
    for (const index of [OUTBOUND_TABLE.endpointIndex.name, OUTBOUND_TABLE.tenantIndex.name]) {
      expect(
        apiStatements.some(
          (s) => [s.Action].flat().includes('dynamodb:Query') && JSON.stringify(s.Resource).includes(`/index/${index}`),
        ),
        index,
      ).toBe(true);
    }
  });

  it('the worker reads the delivery queue with partial batch responses; the queue has a DLQ and SSE', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
      VisibilityTimeout: 240,
    });
  });

  it("the worker's event source waits up to 1 s to fill a batch of 10; a claim's lease ends before its wake-up comes back", () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const worker = outboundQueueSettings('worker');
    expect(outboundClaimLeaseSeconds()).toBeGreaterThan(worker.timeoutSeconds);
    expect(outboundClaimLeaseSeconds()).toBeLessThan(worker.visibilityTimeoutSeconds);
  });

  it('the sweeper runs every minute and has an errors alarm', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    expect(ref(outbound.sweeperErrorsAlarm)).toBeDefined();
  });

  it('functions get the contract environment, including the allowed subnets', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          OUTBOUND_ALLOWED_CIDRS: '["10.1.0.0/16"]',
          POWERTOOLS_SERVICE_NAME: 'outbound-worker',
        }),
      },
    });
  });

  it('only the API may make data keys (envelope encryption); the worker may only decrypt', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    const actionsOf = (prefix: string) =>
      policies
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, p]) =>
          (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) =>
            [s.Action].flat(),
          ),
        );
    expect(actionsOf('OutboundWorker')).toContain('kms:Decrypt');
    expect(actionsOf('OutboundWorker').filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
    expect(actionsOf('OutboundApi')).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']));
    expect(actionsOf('OutboundApi')).not.toContain('kms:Encrypt');
  });

  it('an operations topic, encrypted and HTTPS-only, that only the worker and the API may publish to; its ARN is in the environment', () => {
    const topicRef = ref(outbound.operationsTopic) as { Ref: string };
    const topicId = topicRef.Ref;
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Outbound delivery operations',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    const publishersOf = policies.filter(([, p]) =>
      (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>).some(
        (s) => [s.Action].flat().includes('sns:Publish') && JSON.stringify(s.Resource).includes(topicId),
      ),
    );
    expect(publishersOf.map(([id]) => id.replace(/Role.*$/, ''))).toEqual(['OutboundApi', 'OutboundWorker']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          OUTBOUND_OPERATIONS_TOPIC_ARN: topicRef,
          POWERTOOLS_SERVICE_NAME: 'outbound-worker',
        }),
      },
    });
    // Operators subscribe to it after deploying: its ARN is a stack output.
    template.hasOutput('OutboundOperationsTopicArn', { Value: topicRef });
  });

  it('cdk-nag finds nothing unacknowledged, and every acknowledgement says why', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`),
    );
    expect(findings).toEqual([]);
    const acks = outbound.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((e) => Object.values(e.data as Record<string, string>)),
      );
    for (const reason of acks) expect(reason.split(/\s+/).length).toBeGreaterThanOrEqual(10);
  });

  it('producers on AWS get an intake queue; relayed sources and tenant sources reach a relay queue through a filtered raw subscription', () => {
    expect(ref(outbound.intakeQueue.queue)).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      FilterPolicy: { $or: [{ source: ['stripe'] }, { tenant: [{ exists: true }] }] },
    });
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings.filter((m) => String(JSON.stringify(m.Properties.FunctionName)).includes('Outbound')).length).toBe(
      3,
    );
  });

  describe('alarms (decision 0012)', () => {
    const props = (c: { node: { defaultChild?: unknown } }) => {
      const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
      return resources[(ref(c) as { Ref: string }).Ref]!.Properties;
    };
    const topicRef = () => ref(outbound.alarmTopic as sns.Topic);

    it("the sweeper lag alarm reads the sweeper metric in the stack's namespace, above 15 minutes; silence does not alarm", () => {
      expect(props(outbound.alarms.dueDeliveryAgeAlarm)).toMatchObject({
        Namespace: stack.stackName,
        MetricName: METRICS.oldestDueDeliveryAge.name,
        Statistic: 'Maximum',
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(props(outbound.alarms.dueDeliveryAgeAlarm)).not.toHaveProperty('Dimensions');
    });

    it('the sweeper heartbeat alarms after 15 minutes without an invocation, counting a missing period as none', () => {
      const alarm = props(outbound.alarms.sweeperStoppedAlarm) as { Metrics: Array<Record<string, unknown>> };
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 3,
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Metrics[0]).toMatchObject({ Expression: 'FILL(invocations, 0)' });
      expect(alarm.Metrics[1]).toMatchObject({
        Id: 'invocations',
        MetricStat: { Metric: { MetricName: 'Invocations', Namespace: 'AWS/Lambda' } },
      });
    });

    it('the exhausted alarm fires on one exhausted delivery in 5 minutes', () => {
      expect(props(outbound.alarms.exhaustedDeliveriesAlarm)).toMatchObject({
        MetricName: METRICS.deliveryAttempts.name,
        Dimensions: [{ Name: 'Outcome', Value: 'exhausted' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('the delivery queue alarms on a wake-up older than 30 minutes', () => {
      expect(props(outbound.alarms.deliveryQueueAgeAlarm)).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Threshold: 1800,
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [(ref(outbound.deliveryQueue.queue) as { Ref: string }).Ref, 'QueueName'] },
          },
        ],
      });
    });

    it('every outbound alarm, the dead-letter queues and sweeper errors included, notifies the alarm topic on alarm and on OK', () => {
      const alarms = [
        outbound.alarms.dueDeliveryAgeAlarm,
        outbound.alarms.sweeperStoppedAlarm,
        outbound.alarms.exhaustedDeliveriesAlarm,
        outbound.alarms.deliveryQueueAgeAlarm,
        outbound.sweeperErrorsAlarm,
        outbound.deliveryQueue.deadLetterAlarm!,
        outbound.intakeQueue.deadLetterAlarm!,
        outbound.relayQueue!.deadLetterAlarm!,
      ];
      for (const alarm of alarms)
        expect(props(alarm), alarm.node.path).toMatchObject({ AlarmActions: [topicRef()], OKActions: [topicRef()] });
    });

    it("the alarm topic is the stack's one alarm topic, not the operations topic: its own rotated key that only CloudWatch of this account may use", () => {
      expect(topicRef()).toEqual(ref(stack.alarmTopic.topic));
      expect(topicRef()).not.toEqual(ref(outbound.operationsTopic));
      template.hasResourceProperties('AWS::SNS::Topic', {
        DisplayName: 'Webhook stack alarms',
        KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: {
                StringEquals: { 'aws:SourceAccount': Match.anyValue() },
                ArnLike: { 'aws:SourceArn': Match.anyValue() },
              },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [topicRef()],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': Match.anyValue() } }),
            }),
          ]),
        },
      });
    });

    const standalone = (alarms: OutboundAlarmsProps) => {
      const scope = new Stack(testApp(), 'Alone');
      return new OutboundDelivery(scope, 'Outbound', { httpApi: new apigwv2.HttpApi(scope, 'Api'), alarms });
    };

    it('takes thresholds and an existing topic as props', () => {
      const scope = new Stack(testApp(), 'Alone');
      const existing = new sns.Topic(scope, 'Pager');
      const built = new OutboundDelivery(scope, 'Outbound', {
        httpApi: new apigwv2.HttpApi(scope, 'Api'),
        alarms: { alarmTopic: existing, exhaustedDeliveriesThreshold: 10, maxDueDeliveryAge: Duration.minutes(30) },
      });
      expect(built.alarmTopic).toBe(existing);
      const t = Template.fromStack(scope);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: METRICS.deliveryAttempts.name,
        Threshold: 10,
      });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: METRICS.oldestDueDeliveryAge.name,
        Threshold: 1800,
      });
      expect(t.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Outbound delivery alarms' } })).toEqual(
        {},
      );
    });

    it('refuses thresholds that would alarm on normal operation, naming the prop', () => {
      expect(() => standalone({ maxDueDeliveryAge: Duration.seconds(60) })).toThrow(/maxDueDeliveryAge/);
      expect(() => standalone({ maxDeliveryQueueAge: Duration.minutes(15) })).toThrow(/maxDeliveryQueueAge/);
      expect(() => standalone({ exhaustedDeliveriesThreshold: -1 })).toThrow(/exhaustedDeliveriesThreshold/);
      expect(() => standalone({ exhaustedDeliveriesThreshold: 0.5 })).toThrow(/exhaustedDeliveriesThreshold/);
    });
  });
});
