/**
 * The outbound API's lists (lambdas/contract.ts `OUTBOUND_TABLE`): a tenant's deliveries (on `byTenant`, or on
 * `byEndpoint` for one endpoint's) and messages, newest first, a page at a time, and the deliveries of one message.
 *
 * The list indexes project keys and immutable attributes only (decision 0027): a message's entry holds everything a
 * list shows of it, but a delivery's status and attempts live in its item, so a delivery list reads the items its
 * entries name (BatchGetItem, eventually consistent, as an index read is anyway) and filters them by status there.
 *
 * A page is read with as few Query calls as fill it: each call evaluates the page's remaining room (at least 100
 * entries when a filter may drop some), stopping at `MAX_EXAMINED` entries per page so one API call stays short; a
 * page cut there or in the middle of a Query page gets a cursor pointing after its last item. The cursor is the
 * DynamoDB start key, base64url JSON, checked on the way back in: it must name this list's partition.
 */
import { QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import { InvalidCursorError } from '../core/outbound/errors';
import type { Delivery, MessageRecord } from '../core/outbound/model';
import type { Bounded, DeliveryQuery, MessageSummary, Page, PageQuery } from '../core/outbound/ports';
import { toDelivery } from './dynamo-delivery-codec';
import { keys, timeKey, toMessage, type Item } from './dynamo-outbound-codec';
import { batchGet } from './dynamo-outbound-query';

const { partitionKey: PK, sortKey: SK, tenantIndex, endpointIndex } = OUTBOUND_TABLE;
type ListIndex = typeof tenantIndex | typeof endpointIndex;
const DEFAULT_LIMIT = 50;
/** Index entries one page may examine (a selective filter over a large tenant): about a second of reads. */
export const MAX_EXAMINED = 2000;
/** Only on `byTenant`, whose entries carry `expiresAt`; the items are checked again after they are read. */
const LIVE = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';
const live = (item: Item, nowMs: number) => item.expiresAt?.N === undefined || Number(item.expiresAt.N) > nowMs;

/** A tenant's live deliveries, newest first, filtered by endpoint (its own index) and status (read from the items). */
export async function listDeliveries(
  client: DynamoDBClient,
  tableName: string,
  query: DeliveryQuery,
  nowMs: number,
): Promise<Page<Delivery>> {
  const [index, partition] =
    query.endpointId === undefined
      ? [tenantIndex, keys.tenantKey(query.tenantId)]
      : [endpointIndex, keys.endpointDeliveries(query.tenantId, query.endpointId)];
  const keep = (item: Item) => live(item, nowMs) && (query.status === undefined || item.status?.S === query.status);
  const page = await indexPage(client, tableName, index, partition, query, {
    filtered: query.status !== undefined,
    ...(index === tenantIndex && {
      input: { FilterExpression: LIVE, ExpressionAttributeValues: { ':now': { N: String(nowMs) } } },
    }),
    // The items behind a page of entries, in the entries' order; an entry whose item is gone (TTL) keeps nothing.
    read: async (entries) => {
      const items = await batchGet(
        client,
        tableName,
        entries.map((e) => ({ [PK]: e[PK]!, [SK]: e[SK]! })),
      );
      const byKey = new Map(items.map((i) => [`${i[PK]?.S}\u0000${i[SK]?.S}`, i]));
      return entries.map((e) => {
        const item = byKey.get(`${e[PK]?.S}\u0000${e[SK]?.S}`);
        return item !== undefined && keep(item) ? item : undefined;
      });
    },
  });
  return { ...page, items: page.items.map(toDelivery) };
}

/** A tenant's live messages, newest first, without their payloads: the index entries hold all a list shows. */
export async function listMessages(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  query: PageQuery,
  nowMs: number,
): Promise<Page<MessageSummary>> {
  const page = await indexPage(client, tableName, tenantIndex, keys.tenantMessages(tenantId), query, {
    filtered: true,
    input: { FilterExpression: LIVE, ExpressionAttributeValues: { ':now': { N: String(nowMs) } } },
    read: async (entries) => entries,
  });
  return { ...page, items: page.items.map((i) => summary(toMessage(i))) };
}

function summary(m: MessageRecord): MessageSummary {
  const { payload: _payload, fingerprint: _fingerprint, ...rest } = m;
  return rest;
}

/**
 * The deliveries of one message, oldest first, from its creation on (bounded: `Bounded.complete`): the `byTenant`
 * entries carry `messageId`, so only the matching items are read.
 */
export async function messageDeliveries(
  client: DynamoDBClient,
  tableName: string,
  tenantId: string,
  message: Pick<MessageRecord, 'id' | 'createdAt'>,
  options: { readonly limit: number; readonly scanLimit: number },
  nowMs: number,
): Promise<Bounded<Delivery>> {
  const entries: Item[] = [];
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
    entries.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start !== undefined && examined < options.scanLimit && entries.length < options.limit);
  const wanted = entries.slice(0, options.limit);
  const items = await batchGet(
    client,
    tableName,
    wanted.map((e) => ({ [PK]: e[PK]!, [SK]: e[SK]! })),
  );
  return {
    items: items.filter((i) => live(i, nowMs)).map(toDelivery),
    complete: start === undefined && entries.length <= options.limit,
  };
}

/**
 * One page of an index partition, newest first. `read` turns a Query page's entries into what the page keeps, in
 * order (undefined: dropped by a filter); `filtered` says that it may drop some, so a Query reads more than the room.
 */
async function indexPage(
  client: DynamoDBClient,
  tableName: string,
  index: ListIndex,
  partition: string,
  query: PageQuery,
  how: {
    readonly filtered: boolean;
    readonly input?: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeValues'>;
    readonly read: (entries: readonly Item[]) => Promise<ReadonlyArray<Item | undefined>>;
  },
): Promise<Page<Item>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const keyAttributes = [PK, SK, index.partitionKey, index.sortKey];
  const items: Item[] = [];
  let start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, index.partitionKey, partition);
  let examined = 0;
  for (;;) {
    const room = limit - items.length;
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#p = :p',
        ...how.input,
        ExpressionAttributeNames: { '#p': index.partitionKey },
        ExpressionAttributeValues: { ':p': { S: partition }, ...how.input?.ExpressionAttributeValues },
        ScanIndexForward: false,
        Limit: Math.min(how.filtered ? Math.max(room, 100) : room, MAX_EXAMINED - examined),
        ExclusiveStartKey: start,
      }),
    );
    examined += out.ScannedCount ?? 0;
    const entries = out.Items ?? [];
    const kept = await how.read(entries);
    for (let i = 0; i < entries.length; i++) {
      const item = kept[i];
      if (item === undefined) continue;
      items.push(item);
      // Full in the middle of this Query page: the next page starts after this entry.
      if (items.length === limit && i < entries.length - 1)
        return { items, cursor: encodeCursor(pick(entries[i]!, keyAttributes)) };
    }
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
