/** Creates the outbound table (lambdas/adapters/outbound-table.ts) on the embedded DynamoDB, unless it exists. */
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { outboundTableDefinition } from '../lambdas/adapters/outbound-table';

export const LOCAL_OUTBOUND_TABLE_NAME = 'webhook-outbound';

export async function ensureOutboundTable(client: DynamoDBClient, tableName: string = LOCAL_OUTBOUND_TABLE_NAME): Promise<void> {
  try {
    await client.send(new CreateTableCommand(outboundTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 200; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (out.Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
