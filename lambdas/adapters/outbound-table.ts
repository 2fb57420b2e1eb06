/** The outbound table's definition as a CreateTable input: for the local stack and the integration tests. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';

const { partitionKey, sortKey, dueIndex, tenantIndex, endpointIndex } = OUTBOUND_TABLE;

export function outboundTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: dueIndex.partitionKey, AttributeType: 'N' },
      { AttributeName: dueIndex.sortKey, AttributeType: 'N' },
      { AttributeName: tenantIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: tenantIndex.sortKey, AttributeType: 'S' },
      { AttributeName: endpointIndex.partitionKey, AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: dueIndex.name,
        KeySchema: [
          { AttributeName: dueIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: dueIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: tenantIndex.name,
        KeySchema: [
          { AttributeName: tenantIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: tenantIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...tenantIndex.projected] },
      },
      {
        IndexName: endpointIndex.name,
        KeySchema: [
          { AttributeName: endpointIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: endpointIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
