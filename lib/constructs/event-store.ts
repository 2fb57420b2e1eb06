/**
 * The events table: one small record per event, keyed `source#eventId`, expiring after the
 * dedupe window. It is the source of truth for "have we seen this delivery", so it is retained.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EVENTS_TABLE } from '../../lambdas/contract';

/** The item-level calls the event store adapter makes; nothing else (no Scan, no Query, no batch). */
export const EVENT_STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

export interface EventStoreProps {
  /** Refuse `DeleteTable` until this is turned off. @default true */
  readonly deletionProtection?: boolean;
  /** What happens to the table when it leaves the stack. Events are data. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Encryption at rest. The default, the AWS-managed `aws/dynamodb` key, has no monthly key fee;
   * DynamoDB caches the table key, so KMS is called a few times an hour rather than per request,
   * and every use of the key shows in CloudTrail, which the free AWS-owned key does not offer.
   * A customer-managed key would add $1/month plus those requests, for control we do not need here.
   *
   * @default dynamodb.TableEncryptionV2.awsManagedKey()
   */
  readonly encryption?: dynamodb.TableEncryptionV2;
}

export class EventStore extends Construct {
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: EventStoreProps = {}) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: EVENTS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      // On demand: webhook traffic is bursty and mostly idle; no capacity to pay for between bursts.
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: EVENTS_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.encryption ?? dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** Grants the item-level reads and writes the event store adapter needs. */
  grantEventAccess(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, ...EVENT_STORE_ACTIONS);
  }
}
