/** An empty outbound table per test, on whichever DynamoDB server the test runs. */
import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureOutboundTable } from '../../local/outbound-table';

/** Deletes the table if it exists (DynamoDB finishes the deletion asynchronously; `ensureOutboundTable` waits it out). */
export async function dropOutboundTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch((e: unknown) => {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  });
}

/** Drops the table and creates it again, empty, with every index. */
export async function freshOutboundTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await dropOutboundTable(client, tableName);
  await ensureOutboundTable(client, tableName);
}
