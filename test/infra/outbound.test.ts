/**
 * Outbound delivery in the stack when the config has an `outbound` key: one assertion per secure default, and
 * cdk-nag clean with every acknowledgement justified. Without the key the stack has none of it.
 */
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTBOUND_TABLE } from '../../lambdas/contract';
import { OUTBOUND_ROUTES } from '../../lambdas/outbound/api-routes';
import type { OutboundDelivery } from '../../lib/constructs/outbound-delivery';
import { defineConfig } from '../../lib/config';
import type { WebhookIngestionStack } from '../../lib/webhook-ingestion-stack';
import { buildStack, fixtureInput, synth } from './support';

let stack: WebhookIngestionStack;
let outbound: OutboundDelivery;
let template: Template;

beforeAll(() => {
  stack = buildStack(defineConfig({ ...fixtureInput, outbound: { allowedCidrs: ['10.1.0.0/16'] } }));
  outbound = stack.outbound!;
  template = Template.fromStack(stack);
});

const ref = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as { ref: string }).ref) as unknown;

describe('OutboundDelivery', () => {
  it('is absent from a stack whose config has no outbound key', () => {
    const plain = synth().template;
    expect(Object.values(plain.findResources('AWS::ApiGatewayV2::Route')).some((r) => String(r.Properties.RouteKey).includes('/v1/'))).toBe(false);
    expect(plain.findResources('AWS::KMS::Key')).toEqual({});
  });

  it('refuses allowed subnets that are not CIDRs, naming the field', () => {
    expect(() => defineConfig({ ...fixtureInput, outbound: { allowedCidrs: ['10.0.0.0/99'] } })).toThrow(/outbound\.allowedCidrs/);
  });

  it('the table has the sparse KEYS_ONLY due index, TTL, point-in-time recovery and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      TimeToLiveSpecification: { AttributeName: OUTBOUND_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'due', Projection: { ProjectionType: 'KEYS_ONLY' } })]),
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
  });

  it('the secrets key rotates and is retained', () => {
    template.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain' });
  });

  it('every /v1 route is IAM-authorized (SigV4), none is open', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string });
    const v1 = routes.filter((r) => r.RouteKey.includes(' /v1/'));
    expect(v1.map((r) => r.RouteKey).sort()).toEqual([...OUTBOUND_ROUTES].sort());
    for (const r of v1) expect(r.AuthorizationType, r.RouteKey).toBe('AWS_IAM');
  });

  it('recover and replay are deployed routes, and the API may query the indexes they read (byEndpoint, byTenant)', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r.Properties as { RouteKey: string }).RouteKey);
    expect(keys).toEqual(expect.arrayContaining(['POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover', 'POST /v1/tenants/{tenant}/messages/replay']));
    const apiStatements = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('OutboundApi'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    for (const index of [OUTBOUND_TABLE.endpointIndex.name, OUTBOUND_TABLE.tenantIndex.name]) {
      expect(apiStatements.some((s) => [s.Action].flat().includes('dynamodb:Query') && JSON.stringify(s.Resource).includes(`/index/${index}`)), index).toBe(true);
    }
  });

  it('the worker reads the delivery queue with partial batch responses; the queue has a DLQ and SSE', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'], EventSourceArn: Match.anyValue() });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }), VisibilityTimeout: 240 });
  });

  it('the sweeper runs every minute and has an errors alarm', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    expect(ref(outbound.sweeperErrorsAlarm)).toBeDefined();
  });

  it('functions get the contract environment, including the allowed subnets', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OUTBOUND_ALLOWED_CIDRS: '["10.1.0.0/16"]', POWERTOOLS_SERVICE_NAME: 'outbound-worker' }) },
    });
  });

  it('only the API may encrypt secrets; the worker may only decrypt', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    const actionsOf = (prefix: string) =>
      policies
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) => [s.Action].flat()));
    expect(actionsOf('OutboundWorker')).toContain('kms:Decrypt');
    expect(actionsOf('OutboundWorker')).not.toContain('kms:Encrypt');
    expect(actionsOf('OutboundApi')).toContain('kms:Encrypt');
  });

  it('an operations topic, encrypted and HTTPS-only, that only the worker and the API may publish to; its ARN is in the environment', () => {
    const topicRef = ref(outbound.operationsTopic) as { Ref: string };
    const topicId = topicRef.Ref;
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Outbound delivery operations', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
    const publishersOf = policies.filter(([, p]) =>
      (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>).some(
        (s) => [s.Action].flat().includes('sns:Publish') && JSON.stringify(s.Resource).includes(topicId),
      ),
    );
    expect(publishersOf.map(([id]) => id.replace(/Role.*$/, ''))).toEqual(['OutboundApi', 'OutboundWorker']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OUTBOUND_OPERATIONS_TOPIC_ARN: topicRef, POWERTOOLS_SERVICE_NAME: 'outbound-worker' }) },
    });
  });

  it('cdk-nag finds nothing unacknowledged, and every acknowledgement says why', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));
    expect(findings).toEqual([]);
    const acks = outbound.node.findAll().flatMap((c) =>
      c.node.metadata.filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((e) => Object.values(e.data as Record<string, string>)),
    );
    for (const reason of acks) expect(reason.split(/\s+/).length).toBeGreaterThanOrEqual(10);
  });

  it('producers on AWS get an intake queue; relayed sources reach a relay queue through a filtered raw subscription', () => {
    expect(ref(outbound.intakeQueue.queue)).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      FilterPolicy: { source: ['stripe'] },
    });
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings.filter((m) => String(JSON.stringify(m.Properties.FunctionName)).includes('Outbound')).length).toBe(3);
  });
});
