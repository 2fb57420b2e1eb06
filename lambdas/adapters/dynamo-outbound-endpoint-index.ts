/**
 * Reads of one endpoint's records on the `byEndpoint` index (`OUTBOUND_TABLE.endpointIndex`): its deliveries by
 * creation time, its attempts by attempt time. Every read is newest first and bounded (decision 0016): a busy
 * endpoint has millions of records in its retention, and `endpoints show` or a circuit's release must not read
 * them all. Queries are eventually consistent (an index cannot be read otherwise): a record written a moment ago
 * may be missing, which a status line and a release (each delivery still wakes on its own) both tolerate.
 */
import { QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { Attempt, Delivery } from '../core/outbound/model';
import type { Bounded, EndpointDelivery } from '../core/outbound/ports';
import { keys, timeKey, toAttempt, toDelivery, type Item } from './dynamo-outbound-codec';

const { endpointIndex } = OUTBOUND_TABLE;
/** Items per Query page: small enough that a page never reads far past the bound. */
const PAGE = 500;

/** Pages through a Query until `limit` items matched, `scanLimit` items were examined, or nothing is left. */
export async function queryBounded(
  client: DynamoDBClient,
  input: QueryCommandInput,
  limit: number,
  scanLimit = limit,
): Promise<Bounded<Item>> {
  const items: Item[] = [];
  let scanned = 0;
  let start: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        ...input,
        Limit: Math.min(PAGE, scanLimit - scanned, input.FilterExpression ? PAGE : limit - items.length),
        ExclusiveStartKey: start,
      }),
    );
    scanned += page.ScannedCount ?? page.Items?.length ?? 0;
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit && scanned < scanLimit);
  return { items: items.slice(0, limit), complete: start === undefined && items.length <= limit };
}

/** The Query of one partition of the endpoint index, newest first, from `since` (a sort key) on. */
function partition(tableName: string, pk: string, since?: string): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: endpointIndex.name,
    KeyConditionExpression: since === undefined ? '#pk = :pk' : '#pk = :pk AND #sk >= :since',
    ExpressionAttributeNames: {
      '#pk': endpointIndex.partitionKey,
      ...(since !== undefined && { '#sk': endpointIndex.sortKey }),
    },
    ExpressionAttributeValues: { ':pk': { S: pk }, ...(since !== undefined && { ':since': { S: since } }) },
    ScanIndexForward: false,
  };
}

/** Keeps what is not past its retention: TTL deletes lazily (retention.ts `isExpired`). */
export type LiveFilter = (item: Item) => boolean;

export async function endpointDeliveries(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  endpointId: string,
  limit: number,
  live: LiveFilter = () => true,
): Promise<Bounded<EndpointDelivery>> {
  const read = await queryBounded(client, partition(tableName, keys.endpointDeliveries(tenantId, endpointId)), limit);
  return {
    complete: read.complete,
    items: read.items.filter(live).map((item) => {
      const last = item.lastAttempt?.S;
      return last === undefined ? toDelivery(item) : { ...toDelivery(item), lastAttempt: JSON.parse(last) as Attempt };
    }),
  };
}

export async function endpointAttempts(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  endpointId: string,
  sinceMs: number,
  limit: number,
  live: LiveFilter = () => true,
): Promise<Bounded<Attempt>> {
  const read = await queryBounded(
    client,
    partition(tableName, keys.endpointAttempts(tenantId, endpointId), timeKey(sinceMs)),
    limit,
  );
  return { complete: read.complete, items: read.items.filter(live).map(toAttempt) };
}

export async function waitingDeliveries(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  endpointId: string,
  options: { readonly dueBy: number; readonly limit: number; readonly scanLimit: number },
  live: LiveFilter = () => true,
): Promise<Bounded<Delivery>> {
  const input = partition(tableName, keys.endpointDeliveries(tenantId, endpointId));
  const read = await queryBounded(
    client,
    {
      ...input,
      // A delivery without nextAttemptAt is due from its creation (the sort key's time), so `createdAt` decides.
      FilterExpression:
        '#status IN (:pending, :failed) AND (#next <= :due OR (attribute_not_exists(#next) AND createdAt <= :due))',
      ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#status': 'status', '#next': 'nextAttemptAt' },
      ExpressionAttributeValues: {
        ...input.ExpressionAttributeValues,
        ':pending': { S: 'pending' },
        ':failed': { S: 'failed' },
        ':due': { N: String(options.dueBy) },
      },
    },
    options.limit,
    options.scanLimit,
  );
  return { complete: read.complete, items: read.items.filter(live).map(toDelivery) };
}
