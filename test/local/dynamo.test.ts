/**
 * The embedded store's stand-in for ReturnValuesOnConditionCheckFailure: dynalite ignores the
 * parameter, so the local client attaches the item a refused write met, as DynamoDB does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

const record = {
  source: 'stripe',
  eventId: 'evt_1',
  status: 'received',
  type: 'invoice.paid',
  receivedAt: 1_000,
  attempts: 0,
  expiresAt: 9_999,
  leaseUntil: 31_000,
  leaseToken: 'first',
} as const;

describe('the local DynamoDB client', () => {
  it('a refused receive reports the record it met, read by the local client instead of by the adapter', async () => {
    const store = new DynamoEventStore(dynamo.client, dynamo.tableName);
    expect(await store.tryReceive(record, 1_000)).toEqual({ claimed: true });

    const second = await store.tryReceive({ ...record, leaseToken: 'second' }, 2_000);

    expect(second).toEqual({
      claimed: false,
      existing: expect.objectContaining({ status: 'received', leaseToken: 'first', leaseUntil: 31_000 }),
    });
  });

  it('leaves a refusal that did not ask for the item as it was', async () => {
    const put = new PutItemCommand({
      TableName: dynamo.tableName,
      Item: { pk: { S: 'x#1' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await dynamo.client.send(put);

    const error = await dynamo.client.send(put).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item).toBeUndefined();
  });
});
