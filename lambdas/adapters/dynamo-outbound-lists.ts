/**
 * The outbound API's lists on the `byTenant` index (lambdas/contract.ts `OUTBOUND_TABLE.tenantIndex`): a tenant's
 * deliveries and messages, newest first, a page at a time, and the deliveries of one message.
 *
 * A page is read with as few Query calls as fill it: each call evaluates the page's remaining room (at least 100
 * items when a filter may drop some), stopping at `MAX_EXAMINED` items per page so one API call stays short; a page
 * cut there or in the middle of a Query page gets a cursor pointing after its last item. The cursor is the
 * DynamoDB start key, base64url JSON, checked on the way back in: it must name this list's partition.
 */
import { QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import { InvalidCursorError } from '../core/outbound/errors';
import type { Delivery, MessageRecord } from '../core/outbound/model';
import type { Bounded, DeliveryQuery, MessageSummary, Page, PageQuery } from '../core/outbound/ports';
import { keys, timeKey, toDelivery, toMessage, type Item } from './dynamo-outbound-codec';

const { partitionKey: PK, sortKey: SK, tenantIndex } = OUTBOUND_TABLE;
const DEFAULT_LIMIT = 50;
/** Items one page may examine (a selective filter over a large tenant): about a second of Query calls. */
export const MAX_EXAMINED = 2000;
const LIVE = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';

/** A tenant's live deliveries, newest first, filtered by endpoint and status. */
export async function listDeliveries(
  client: DynamoDBClient,
  tableName: string,
  query: DeliveryQuery,
  nowMs: number,
): Promise<Page<Delivery>> {
  const conditions = [LIVE];
  const values: Item = { ':t': { S: keys.tenantKey(query.tenantId) }, ':now': { N: String(nowMs) } };
  if (query.endpointId !== undefined) {
    conditions.push('endpointId = :e');
    values[':e'] = { S: query.endpointId };
  }
  if (query.status !== undefined) {
    conditions.push('#status = :s');
    values[':s'] = { S: query.status };
  }
  const page = await tenantPage(client, tableName, keys.tenantKey(query.tenantId), query, {
    FilterExpression: conditions.join(' AND '),
    ExpressionAttributeValues: values,
    ...(query.status !== undefined && { ExpressionAttributeNames: { '#status': 'status' } }),
  });
  return { ...page, items: page.items.map(toDelivery) };
}

/** A tenant's live messages, newest first, without their payloads. */
export async function listMessages(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  query: PageQuery,
  nowMs: number,
): Promise<Page<MessageSummary>> {
  const partition = keys.tenantMessages(tenantId);
  const page = await tenantPage(client, tableName, partition, query, {
    FilterExpression: LIVE,
    ExpressionAttributeValues: { ':t': { S: partition }, ':now': { N: String(nowMs) } },
  });
  return { ...page, items: page.items.map((i) => summary(toMessage(i))) };
}

function summary(m: MessageRecord): MessageSummary {
  const { payload: _payload, fingerprint: _fingerprint, ...rest } = m;
  return rest;
}

/** The deliveries of one message, oldest first, from its creation on (bounded: `Bounded.complete`). */
export async function messageDeliveries(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  message: Pick<MessageRecord, 'id' | 'createdAt'>,
  options: { readonly limit: number; readonly scanLimit: number },
  nowMs: number,
): Promise<Bounded<Delivery>> {
  const items: Delivery[] = [];
  let start: Item | undefined;
  let examined = 0;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: tenantIndex.name,
        KeyConditionExpression: '#t = :t AND #l >= :from',
        FilterExpression: `messageId = :m AND ${LIVE}`,
        ExpressionAttributeNames: { '#t': tenantIndex.partitionKey, '#l': tenantIndex.sortKey },
        ExpressionAttributeValues: {
          ':t': { S: keys.tenantKey(tenantId) },
          ':from': { S: timeKey(message.createdAt) },
          ':m': { S: message.id },
          ':now': { N: String(nowMs) },
        },
        ScanIndexForward: true,
        Limit: Math.min(options.scanLimit - examined, 500),
        ExclusiveStartKey: start,
      }),
    );
    examined += out.ScannedCount ?? 0;
    items.push(...(out.Items ?? []).map(toDelivery));
    start = out.LastEvaluatedKey;
  } while (start !== undefined && examined < options.scanLimit && items.length < options.limit);
  return { items: items.slice(0, options.limit), complete: start === undefined && items.length <= options.limit };
}

/** One page of a `byTenant` partition, newest first. */
async function tenantPage(
  client: DynamoDBClient,
  tableName: string,
  partition: string,
  query: PageQuery,
  input: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames'>,
): Promise<Page<Item>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const keyAttributes = [PK, SK, tenantIndex.partitionKey, tenantIndex.sortKey];
  const items: Item[] = [];
  let start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, tenantIndex.partitionKey, partition);
  let examined = 0;
  for (;;) {
    const room = limit - items.length;
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: tenantIndex.name,
        KeyConditionExpression: '#t = :t',
        ...input,
        ExpressionAttributeNames: { '#t': tenantIndex.partitionKey, ...input.ExpressionAttributeNames },
        ScanIndexForward: false,
        Limit: Math.min(Math.max(room, 100), MAX_EXAMINED - examined),
        ExclusiveStartKey: start,
      }),
    );
    examined += out.ScannedCount ?? 0;
    const got = out.Items ?? [];
    if (got.length > room) {
      items.push(...got.slice(0, room));
      return { items, cursor: encodeCursor(pick(items.at(-1)!, keyAttributes)) };
    }
    items.push(...got);
    start = out.LastEvaluatedKey;
    if (start === undefined) return { items };
    if (items.length === limit || examined >= MAX_EXAMINED) return { items, cursor: encodeCursor(start) };
  }
}

const pick = (item: Item, names: readonly string[]): Item =>
  Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]!]));

/** A start key as an opaque cursor. */
export function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The start key of a cursor this module gave for `partition` (attribute `partitionAttribute`); else 400. */
export function decodeCursor(cursor: string, partitionAttribute: string, partition: string): Item {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const valid =
    typeof key === 'object' &&
    key !== null &&
    !Array.isArray(key) &&
    Object.values(key).every(
      (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 1 && ('S' in v || 'N' in v),
    ) &&
    (key as Item)[partitionAttribute]?.S === partition;
  if (!valid) throw new InvalidCursorError();
  return key as Item;
}
