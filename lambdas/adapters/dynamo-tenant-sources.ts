/**
 * Tenant sources on their DynamoDB table: one item per source (`TENANT#<tenant>` / `SRC#<id>`), the record as JSON
 * in `doc` (its secrets sealed: nothing in it is readable without the KMS key), versioned so that two management
 * calls changing the same source cannot overwrite each other. The verifier's read is eventually consistent (half a
 * read unit): its cache is older than that anyway.
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TENANT_SOURCES_TABLE } from '../contract';
import type { TenantSource } from '../core/inbound/tenant-sources/model';
import type { SourcePage, TenantSourceRepository } from '../core/inbound/tenant-sources/ports';
import { succeeds } from './conditional-write';

/** The table's definition as a CreateTable input: for the local stack and the integration tests. */
export function tenantSourcesTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: TENANT_SOURCES_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TENANT_SOURCES_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: TENANT_SOURCES_TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: TENANT_SOURCES_TABLE.sortKey, AttributeType: 'S' },
    ],
  };
}

const key = (tenantId: string, id: string): Record<string, AttributeValue> => ({
  pk: { S: `TENANT#${tenantId}` },
  sk: { S: `SRC#${id}` },
});

export class DynamoTenantSources implements TenantSourceRepository {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async create(source: TenantSource): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item(source, 1),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(tenantId: string, id: string, consistent = false): Promise<TenantSource | undefined> {
    return (await this.read(tenantId, id, consistent))?.source;
  }

  async list(tenantId: string, page: { limit: number; after?: string | undefined }): Promise<SourcePage> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :src)',
        ExpressionAttributeValues: { ':pk': { S: `TENANT#${tenantId}` }, ':src': { S: 'SRC#' } },
        Limit: page.limit,
        ConsistentRead: true,
        ...(page.after !== undefined && { ExclusiveStartKey: key(tenantId, page.after) }),
      }),
    );
    const next = out.LastEvaluatedKey?.sk?.S?.slice('SRC#'.length);
    return { sources: (out.Items ?? []).map((i) => decode(i).source), ...(next !== undefined && { next }) };
  }

  async modify(
    tenantId: string,
    id: string,
    change: (source: TenantSource) => Promise<TenantSource>,
  ): Promise<TenantSource | undefined> {
    for (let round = 0; round < 5; round++) {
      const current = await this.read(tenantId, id, true);
      if (!current) return undefined;
      const next = await change(current.source);
      const written = await succeeds(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: item(next, current.version + 1),
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':v': { N: String(current.version) } },
          }),
        ),
      );
      if (written) return next;
    }
    throw new Error(`source ${id} kept changing under 5 consecutive updates`);
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: key(tenantId, id),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  private async read(tenantId: string, id: string, consistent: boolean) {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: key(tenantId, id), ConsistentRead: consistent }),
    );
    return out.Item ? decode(out.Item) : undefined;
  }
}

function item(source: TenantSource, version: number): Record<string, AttributeValue> {
  return {
    ...key(source.tenantId, source.id),
    doc: { S: JSON.stringify(source) },
    version: { N: String(version) },
  };
}

function decode(i: Record<string, AttributeValue>): { source: TenantSource; version: number } {
  return { source: JSON.parse(i.doc?.S ?? '{}') as TenantSource, version: Number(i.version?.N ?? '0') };
}
