/**
 * Reads of deliveries through the outbound table's list indexes (decision 0027): `byTenant` (a tenant's deliveries
 * by creation time) and `byEndpoint` (one endpoint's). The index entries hold keys and a few immutable attributes
 * only, so a status change or an attempt never rewrites them; a read pages through the entries newest first and
 * fetches the items they name (BatchGetItem, eventually consistent, as an index read is anyway), filtering them by
 * what the entries do not hold (status, due time). Every read is bounded and says when it stopped at its bound
 * (decision 0016): a busy endpoint has millions of deliveries in its retention.
 */
import { QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { Delivery } from '../core/outbound/model';
import type { Bounded, EndpointDelivery } from '../core/outbound/ports';
import { inlineAttempts, toDelivery } from './dynamo-delivery-codec';
import { keys, type Item } from './dynamo-outbound-codec';
import { batchGet } from './dynamo-outbound-query';

const { endpointIndex, partitionKey: PK, sortKey: SK } = OUTBOUND_TABLE;
type ListIndex = typeof OUTBOUND_TABLE.endpointIndex | typeof OUTBOUND_TABLE.tenantIndex;
/** Index entries per Query page: small enough that a page never reads far past the bound. */
const PAGE = 500;

/** Keeps what is not past its retention: TTL deletes lazily (retention.ts `isExpired`). */
export type LiveFilter = (item: Item) => boolean;

/**
 * Pages through an index partition newest first and reads the items its entries name, keeping those `keep` accepts,
 * until `limit` are kept, `scanLimit` entries were examined, or nothing is left.
 */
export async function readThroughIndex(
  client: DynamoDBClient,
  tableName: string,
  query: QueryCommandInput,
  bounds: { readonly limit: number; readonly scanLimit?: number },
  keep: (item: Item) => boolean,
): Promise<Bounded<Item>> {
  const scanLimit = bounds.scanLimit ?? bounds.limit;
  const items: Item[] = [];
  let scanned = 0;
  let start: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...query, Limit: Math.min(PAGE, scanLimit - scanned), ExclusiveStartKey: start }),
    );
    const entries = page.Items ?? [];
    scanned += entries.length;
    const read = await batchGet(
      client,
      tableName,
      entries.map((e) => ({ [PK]: e[PK]!, [SK]: e[SK]! })),
    );
    items.push(...read.filter(keep));
    start = page.LastEvaluatedKey;
  } while (start && items.length < bounds.limit && scanned < scanLimit);
  return { items: items.slice(0, bounds.limit), complete: start === undefined && items.length <= bounds.limit };
}

/** The Query of one index partition, newest first. */
export function newestFirst(tableName: string, index: ListIndex, pk: string): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey },
    ExpressionAttributeValues: { ':pk': { S: pk } },
    ScanIndexForward: false,
  };
}

export async function endpointDeliveries(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  endpointId: string,
  limit: number,
  live: LiveFilter,
): Promise<Bounded<EndpointDelivery>> {
  const read = await readThroughIndex(
    client,
    tableName,
    newestFirst(tableName, endpointIndex, keys.endpointDeliveries(tenantId, endpointId)),
    { limit },
    live,
  );
  return { complete: read.complete, items: read.items.map((i) => ({ ...toDelivery(i), attempts: inlineAttempts(i) })) };
}

export async function waitingDeliveries(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  endpointId: string,
  options: { readonly dueBy: number; readonly limit: number; readonly scanLimit: number },
  live: LiveFilter,
): Promise<Bounded<Delivery>> {
  const read = await readThroughIndex(
    client,
    tableName,
    newestFirst(tableName, endpointIndex, keys.endpointDeliveries(tenantId, endpointId)),
    options,
    (item) => {
      if (!live(item)) return false;
      const d = toDelivery(item);
      return (d.status === 'pending' || d.status === 'failed') && (d.nextAttemptAt ?? d.createdAt) <= options.dueBy;
    },
  );
  return { complete: read.complete, items: read.items.map(toDelivery) };
}
