/**
 * Creates the outbound table (lambdas/adapters/outbound-table.ts) on the embedded DynamoDB, unless it exists.
 *
 * The table's name carries a version: when its indexes change, the local stack makes a new table and copies the
 * previous version's items into it (dynalite cannot add an index to a table). The copy is crash-safe: the old
 * table is deleted only after every item was put, and puts are idempotent, so an interrupted copy is redone.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { outboundTableDefinition } from '../lambdas/adapters/outbound-table';
import { OUTBOUND_TABLE } from '../lambdas/contract';
import type { TtlShape } from './dynamo';

/** v2 added the `byEndpoint` index; v3 projects keys and immutable attributes into the list indexes (decision 0027). */
export const LOCAL_OUTBOUND_TABLE_NAME = 'webhook-outbound-v3';
/** Earlier local versions' tables, oldest first: their items are copied into the current one. */
export const LEGACY_LOCAL_OUTBOUND_TABLES = ['webhook-outbound', 'webhook-outbound-v2'] as const;

/** The outbound table for the local TTL sweep (`sweepExpired`): DynamoDB would delete its expired items itself. */
export const OUTBOUND_TTL_SHAPE: TtlShape = {
  keys: [OUTBOUND_TABLE.partitionKey, OUTBOUND_TABLE.sortKey],
  ttlAttribute: OUTBOUND_TABLE.ttlAttribute,
};

export async function ensureOutboundTable(
  client: DynamoDBClient,
  tableName: string = LOCAL_OUTBOUND_TABLE_NAME,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await client.send(new CreateTableCommand(outboundTableDefinition(tableName)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      // A table still being deleted (tests drop it between cases; DeleteTable is asynchronous) is not the table.
      const status = await client.send(new DescribeTableCommand({ TableName: tableName })).then(
        (out) => out.Table?.TableStatus,
        (e: unknown) => (e instanceof ResourceNotFoundException ? 'GONE' : Promise.reject(e)),
      );
      if (status === 'DELETING' || status === 'GONE') {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
    }
    return waitActive(client, tableName);
  }
  throw new Error(`table ${tableName} is still being deleted`);
}

/** Copies a legacy table's items into `to` and deletes it; returns how many items it copied (0 when there was none). */
export async function migrateLegacyTable(client: DynamoDBClient, from: string, to: string): Promise<number> {
  let copied = 0;
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start }));
      const items = page.Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: requests } }));
          requests = (out.UnprocessedItems?.[to] ?? []) as typeof requests;
        }
      }
      copied += items.length;
      start = page.LastEvaluatedKey;
    } while (start);
    await client.send(new DeleteTableCommand({ TableName: from }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return 0;
    throw error;
  }
  return copied;
}

async function waitActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (out.Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
