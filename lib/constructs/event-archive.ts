/**
 * The archive (#19): a bucket in the team's own account, under its own KMS key, holding every accepted request
 * byte for byte (docs/archive.md). Blocked public access, TLS only, SSE-KMS with a bucket key (one KMS call per
 * bucket key period, not per object), per-source lifecycle retention, optional Object Lock in compliance mode;
 * laid out for Athena: a Glue table with partition projection on `source` and `day` (no crawler, no partitions to
 * add) and named queries in the archive's own workgroup.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_PREFIXES,
  ARCHIVE_TABLE,
  sourcePrefix,
  type ArchiveKind,
} from '../../lambdas/core/archive/layout';
import { namedQueries } from './archive-queries';

export interface EventArchiveProps {
  /** Each source's retention in days; null keeps its events for ever. */
  readonly retentionDays: Readonly<Record<string, number | null>>;
  /** Object Lock (compliance mode) default retention in days. @default - no Object Lock */
  readonly objectLockDays?: number;
  /** Role ARNs allowed to read offloaded messages (`messages/`). @default [] */
  readonly largeMessageReaders?: readonly string[];
  /** @default RemovalPolicy.RETAIN: the archive is the record of what was received */
  readonly removalPolicy?: RemovalPolicy;
}

/** What a function may do with the archive. */
export type ArchiveAccess = { readonly [K in ArchiveKind]?: readonly ('read' | 'write')[] } & {
  readonly list?: boolean;
};

export class EventArchive extends Construct {
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly database: glue.CfnDatabase;
  public readonly table: glue.CfnTable;
  public readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: EventArchiveProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the webhook archive: every received request, byte for byte',
      enableKeyRotation: true,
      removalPolicy,
    });
    const lifecycleRules: s3.LifecycleRule[] = [
      // Athena's query results: kept a week.
      { id: 'athena-results', prefix: 'athena-results/', expiration: Duration.days(7) },
      { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      // Versions replaced or deleted (a claim check written twice by a provider's retry): gone after a day.
      { id: 'noncurrent', noncurrentVersionExpiration: Duration.days(1), expiredObjectDeleteMarker: true },
    ];
    for (const [source, days] of Object.entries(props.retentionDays)) {
      if (days === null) continue;
      for (const kind of Object.keys(ARCHIVE_PREFIXES) as ArchiveKind[])
        lifecycleRules.push({
          id: `${kind}-${source}`,
          prefix: sourcePrefix(kind, source),
          expiration: Duration.days(days),
        });
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Object Lock needs versioning; versioning also keeps an overwritten object recoverable for a day.
      versioned: true,
      ...(props.objectLockDays !== undefined && {
        objectLockEnabled: true,
        objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.objectLockDays)),
      }),
      lifecycleRules,
      removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Server access logs would write one log object per request to the archive, whose writers are the stack's own functions (logged by CloudTrail management events and the functions' logs); enable CloudTrail S3 data events on this bucket for an audit of reads.",
    });

    for (const reader of props.largeMessageReaders ?? []) {
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal(reader)],
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects(`${ARCHIVE_PREFIXES.messages}*`)],
        }),
      );
      this.key.grantDecrypt(new iam.ArnPrincipal(reader));
    }

    const databaseName = `${Stack.of(this)
      .stackName.toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')}_archive`;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: { name: databaseName, description: 'Webhook archive (docs/archive.md)' },
    });
    const sources = Object.keys(props.retentionDays);
    const location = `s3://${this.bucket.bucketName}/${ARCHIVE_PREFIXES.events}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: Stack.of(this).account,
      databaseName,
      tableInput: {
        name: ARCHIVE_TABLE,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'source', type: 'string' },
          { name: 'day', type: 'string' },
        ],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.source.type': 'enum',
          'projection.source.values': sources.join(','),
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': '2024-01-01,NOW',
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'storage.location.template': `${location}source=\${source}/day=\${day}/`,
        },
        storageDescriptor: {
          location,
          columns: ARCHIVE_COLUMNS.map(([name, type]) => ({ name, type })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'true' },
          },
        },
      },
    });
    this.table.addDependency(this.database);
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${databaseName.replace(/_/g, '-')}`,
      description: 'Queries over the webhook archive',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // A runaway query is stopped at 10 GB scanned ($0.05).
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.key.keyArn },
        },
      },
    });
    for (const [name, query] of Object.entries(namedQueries(sources[0] ?? 'source'))) {
      const named = new athena.CfnNamedQuery(this, `Query-${name}`, {
        database: databaseName,
        workGroup: this.workGroup.name,
        name,
        description: query.description,
        queryString: query.sql,
      });
      named.addDependency(this.workGroup);
    }
  }

  /** Grants exactly the prefixes and actions a function uses, and the key through S3 only. */
  grant(grantee: iam.IGrantable, access: ArchiveAccess): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const kind of Object.keys(ARCHIVE_PREFIXES) as ArchiveKind[]) {
      const actions = access[kind] ?? [];
      if (actions.length === 0) continue;
      iam.Grant.addToPrincipal({
        grantee,
        actions: actions.map((a) => (a === 'read' ? 's3:GetObject' : 's3:PutObject')),
        resourceArns: [this.bucket.arnForObjects(`${ARCHIVE_PREFIXES[kind]}*`)],
      });
      if (grantee.grantPrincipal instanceof iam.Role)
        Validations.of(grantee.grantPrincipal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${ARCHIVE_PREFIXES[kind]}*]`,
          reason: `Archive object keys are generated (one per batch, claim check or offloaded message): the grant is every key under ${ARCHIVE_PREFIXES[kind]}, the prefix this function ${actions.join('s and ')}s, and nothing else in the bucket.`,
        });
    }
    if (access.list)
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ARCHIVE_PREFIXES.events}*`] } },
      });
    const writes = Object.values(access).some((a) => Array.isArray(a) && a.includes('write'));
    const reads = Object.values(access).some((a) => Array.isArray(a) && a.includes('read'));
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...(writes ? ['kms:GenerateDataKey'] : []), ...(reads || writes ? ['kms:Decrypt'] : [])],
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
    });
  }
}
