/**
 * Outbound delivery's state: the single table (endpoints, messages, deliveries, attempts; keys and indexes from
 * `OUTBOUND_TABLE` in lambdas/contract.ts) and the KMS key that encrypts endpoint signing secrets (one key for all
 * endpoints, bound per endpoint by the encryption context, instead of a Secrets Manager secret each).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
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
}

export class OutboundStore extends Construct {
  public readonly table: dynamodb.TableV2;
  public readonly secretsKey: kms.Key;

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
          // Keys and immutable attributes only: a status change or an attempt never rewrites an entry (decision 0018).
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
    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: 'Encrypts outbound endpoint signing secrets (encryption context: tenantId, endpointId)',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
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
