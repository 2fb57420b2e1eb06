/** Paginated Query and chunked BatchGetItem over the outbound table. */
import {
  BatchGetItemCommand,
  QueryCommand,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Item } from './dynamo-outbound-codec';

export async function queryAll(client: DynamoDBClient, input: QueryCommandInput): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** How many keys one BatchGetItem takes. */
const BATCH_GET = 100;

/**
 * The items of `keys` (those that exist), in the order of `keys`: BatchGetItem in chunks of 100, run `parallel` at a
 * time, unprocessed keys asked again with a backoff.
 */
export async function batchGet(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly Item[],
  options: { readonly consistent?: boolean; readonly parallel?: number } = {},
): Promise<Item[]> {
  const found = new Map<string, Item>();
  const id = (k: Item) => `${k.pk?.S}\u0000${k.sk?.S}`;
  const chunks: Item[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET) chunks.push(keys.slice(i, i + BATCH_GET));
  const one = async (chunk: Item[]) => {
    let pending = chunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round === 6) throw new Error(`${pending.length} items not read after 6 rounds`);
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      const out = await client.send(
        new BatchGetItemCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? false } },
        }),
      );
      for (const item of out.Responses?.[tableName] ?? []) found.set(id(item), item);
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
  };
  const parallel = options.parallel ?? 4;
  for (let i = 0; i < chunks.length; i += parallel) await Promise.all(chunks.slice(i, i + parallel).map(one));
  return keys.flatMap((k) => {
    const item = found.get(id(k));
    return item === undefined ? [] : [item];
  });
}
