/**
 * The current data key of envelope encryption (envelope-cipher.ts) on the outbound table: one item holding its KMS
 * ciphertext and creation time, replaced by compare-and-set on that time, so concurrent API containers agree on one.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { DataKeyStore } from '../core/outbound/delivery/envelope-cipher';
import { succeeds } from './conditional-write';

const KEY = { [OUTBOUND_TABLE.partitionKey]: { S: 'OUTBOUND#KEYS' }, [OUTBOUND_TABLE.sortKey]: { S: 'DATAKEY' } };

export class DynamoDataKeyStore implements DataKeyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async current(): Promise<{ ciphertext: string; createdAt: number } | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }),
    );
    const ciphertext = out.Item?.ciphertext?.S;
    const createdAt = out.Item?.createdAt?.N;
    return ciphertext === undefined || createdAt === undefined
      ? undefined
      : { ciphertext, createdAt: Number(createdAt) };
  }

  replace(next: { ciphertext: string; createdAt: number }, seenCreatedAt?: number): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...KEY,
            kind: { S: 'data-key' },
            ciphertext: { S: next.ciphertext },
            createdAt: { N: String(next.createdAt) },
          },
          ConditionExpression: seenCreatedAt === undefined ? 'attribute_not_exists(pk)' : 'createdAt = :seen',
          ...(seenCreatedAt !== undefined && {
            ExpressionAttributeValues: { ':seen': { N: String(seenCreatedAt) } },
          }),
        }),
      ),
    );
  }
}
