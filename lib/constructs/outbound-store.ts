/**
 * Outbound delivery's state: the single table (endpoints, messages, deliveries, attempts; keys and indexes from
 * `OUTBOUND_TABLE` in lambdas/contract.ts), the bucket of payloads too large for it (decision 0027), and the KMS key
 * that encrypts endpoint signing secrets (one key for all endpoints, bound per endpoint by the encryption context,
 * instead of a Secrets Manager secret each).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OUTBOUND_TABLE } from '../../lambdas/contract';

/** The calls the outbound DynamoDB adapters make. */
export const OUTBOUND_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:Scan',
] as const;

export interface OutboundStoreProps {
  /** @default true */
  readonly deletionProtection?: boolean;
  /** Tenants' endpoints and delivery history are data. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** How long messages are kept: large payloads in the bucket expire a day after. @default 30 */
  readonly messagesDays?: number;
}

export class OutboundStore extends Construct {
  public readonly table: dynamodb.TableV2;
  public readonly secretsKey: kms.Key;
  /** Payloads too large for the table (decision 0027), kept as long as their messages. */
  public readonly payloadBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: OutboundStoreProps = {}) {
    super(scope, id);
    const { dueIndex, tenantIndex, endpointIndex } = OUTBOUND_TABLE;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: OUTBOUND_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: OUTBOUND_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: OUTBOUND_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          // Sparse: only waiting deliveries carry these attributes (decision 0007).
          indexName: dueIndex.name,
          partitionKey: { name: dueIndex.partitionKey, type: dynamodb.AttributeType.NUMBER },
          sortKey: { name: dueIndex.sortKey, type: dynamodb.AttributeType.NUMBER },
          projectionType: dynamodb.ProjectionType.KEYS_ONLY,
        },
        {
          // Keys and immutable attributes only: a status change or an attempt never rewrites an entry (decision 0027).
          indexName: tenantIndex.name,
          partitionKey: { name: tenantIndex.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: tenantIndex.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...tenantIndex.projected],
        },
        {
          // One endpoint's deliveries (recover, show, releasing parked deliveries), keys only.
          indexName: endpointIndex.name,
          partitionKey: { name: endpointIndex.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: endpointIndex.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.KEYS_ONLY,
        },
      ],
    });
    this.payloadBucket = new s3.Bucket(this, 'Payloads', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // A day after its message: readers treat an expired message as gone before its payload is.
      lifecycleRules: [{ expiration: Duration.days((props.messagesDays ?? 30) + 1) }],
    });
    Validations.of(this.payloadBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the outbound functions read and write it, by key, with their own IAM roles (CloudTrail records that); server access logs would be a second bucket growing with every delivery.',
    });
    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: 'Encrypts outbound endpoint signing secrets (encryption context: tenantId, endpointId)',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * The payload objects (`payloads/…`, payload-store.ts): GetObject, and PutObject for the functions that accept
   * messages. Keys are per message, so the grant is on the prefix (acknowledged below for cdk-nag).
   */
  grantPayloads(grantee: iam.IGrantable & { readonly role?: iam.IRole }, access: 'read' | 'readWrite'): iam.Grant {
    const prefix = `${this.payloadBucket.bucketArn}/payloads/*`;
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
      resourceArns: [prefix],
    });
    const bucketId = Stack.of(this).getLogicalId(this.payloadBucket.node.defaultChild as s3.CfnBucket);
    if (grantee.role)
      Validations.of(grantee.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/payloads/*]`,
        reason:
          'Each message payload is its own object named by a hash of the message; no grant can name them in advance, so it is limited to the payloads/ prefix and to getting (and putting) objects.',
      });
    return grant;
  }

  /** The adapters' calls on the table and its indexes, named (no `index/*` wildcard). */
  grantTable(grantee: iam.IGrantable): iam.Grant {
    const { dueIndex, tenantIndex, endpointIndex } = OUTBOUND_TABLE;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...OUTBOUND_TABLE_ACTIONS],
      resourceArns: [
        this.table.tableArn,
        `${this.table.tableArn}/index/${dueIndex.name}`,
        `${this.table.tableArn}/index/${tenantIndex.name}`,
        `${this.table.tableArn}/index/${endpointIndex.name}`,
      ],
    });
  }
}
