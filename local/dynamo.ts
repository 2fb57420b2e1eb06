/**
 * The embedded DynamoDB: dynalite (a DynamoDB-compatible server on LevelDB, or in memory) started
 * in-process on a loopback port and reached through the real AWS SDK client, exactly as the Lambdas
 * reach DynamoDB. The table comes from `EVENTS_TABLE`, the definition the CDK construct uses too.
 *
 * dynalite has no TTL, transactions or ReturnValuesOnConditionCheckFailure. The event store needs
 * the last one (a refused write carries the record it met), so the local client supplies it
 * (`withConditionCheckFailureItem`): production does not pay a second read for the stand-in's gap.
 * `sweepExpired` stands in for TTL so a long-lived local store does not grow forever.
 */
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ResourceInUseException,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { toRecord } from '../lambdas/adapters/dynamo-event-store';
import { EVENTS_TABLE, OUTBOUND_TABLE } from '../lambdas/contract';
import type { EventRecord } from '../lambdas/core/inbound/ports';

export const LOCAL_TABLE_NAME = 'webhook-events';

/** Static, obviously fake credentials: dynalite accepts any signature. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  stop(): Promise<void>;
}

/** A DynamoDB client for a local endpoint (also used by the CLI to read a running stack's store). */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  // The SDK prints a Node-version notice on first use; it is noise for a local tool.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
    // Keep-alive and enough sockets for the concurrency tests; the default pool queues at 50.
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) },
    maxAttempts: 3,
  });
  return withConditionCheckFailureItem(client);
}

interface ConditionalWriteInput {
  readonly TableName?: string;
  readonly Key?: Record<string, AttributeValue>;
  readonly Item?: Record<string, AttributeValue>;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

/**
 * Gives a client the half of `ReturnValuesOnConditionCheckFailure: ALL_OLD` dynalite lacks: when a
 * conditional write that asked for it is refused without the item, the item is read (consistently)
 * and attached to the `ConditionalCheckFailedException`, as DynamoDB would have. Local only: the
 * read happens after the refusal, so it may see a later state than the one that refused the write,
 * which DynamoDB's answer never does.
 */
export function withConditionCheckFailureItem(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const input = args.input as ConditionalWriteInput;
        if (
          !(error instanceof ConditionalCheckFailedException) ||
          error.Item !== undefined ||
          input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD'
        )
          throw error;
        // The key of the item a put names: the events table's partition key, or the outbound table's two.
        const names = [EVENTS_TABLE.partitionKey, OUTBOUND_TABLE.sortKey];
        const item = input.Item;
        const key =
          input.Key ??
          (item?.[EVENTS_TABLE.partitionKey] === undefined
            ? undefined
            : Object.fromEntries(names.flatMap((n) => (item[n] === undefined ? [] : [[n, item[n]]]))));
        if (input.TableName === undefined || key === undefined) throw error;
        const out = await client.send(
          new GetItemCommand({ TableName: input.TableName, Key: key, ConsistentRead: true }),
        );
        if (out.Item !== undefined) error.Item = out.Item;
        throw error;
      }
    },
    { step: 'initialize', name: 'localConditionCheckFailureItem' },
  );
  return client;
}

/**
 * Starts dynalite on 127.0.0.1 (random port) and makes sure the events table exists.
 * `path` is a LevelDB directory (state survives restarts); omit it for a fresh in-memory store.
 */
export async function startEmbeddedDynamo(
  options: { path?: string; tableName?: string } = {},
): Promise<EmbeddedDynamo> {
  const server = dynalite({
    ...(options.path !== undefined && { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const stop = async () => {
    client.destroy();
    server.closeAllConnections?.();
    await new Promise<void>((resolve, reject) => server.close((error?: Error) => (error ? reject(error) : resolve())));
  };
  try {
    await ensureEventsTable(client, tableName);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { endpoint, client, tableName, stop };
}

/** Creates the events table from the shared definition, unless it already exists (a restart). */
export function ensureEventsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return ensureTable(client, {
    TableName: tableName,
    KeySchema: [{ AttributeName: EVENTS_TABLE.partitionKey, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: EVENTS_TABLE.partitionKey, AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
}

/** Creates a table unless it already exists (a restart), and waits until it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(definition));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // createTableMs is 0, but the state flips asynchronously: wait for ACTIVE before the first write.
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`table ${definition.TableName} did not become ACTIVE`);
}

/** Every event record, read with Scan (fine for a local store; never used on the hot path). */
export async function scanEvents(client: DynamoDBClient, tableName: string): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    // Event records only: replay jobs and their markers share the table (`replay#…`, no eventId).
    for (const item of page.Items ?? []) if (item.eventId?.S !== undefined) out.push(toRecord(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/** What the TTL sweep needs to know of a table: its key attributes and its TTL attribute (epoch seconds). */
export interface TtlShape {
  readonly keys: readonly string[];
  readonly ttlAttribute: string;
}

export const EVENTS_TTL_SHAPE: TtlShape = {
  keys: [EVENTS_TABLE.partitionKey],
  ttlAttribute: EVENTS_TABLE.ttlAttribute,
};

/**
 * Stands in for DynamoDB TTL: deletes records whose TTL attribute (epoch seconds) has passed, each with
 * a conditional delete so a record refreshed meanwhile is kept. Returns how many were deleted. A Scan:
 * fine at local sizes, and what the local stack has (dynalite has no TTL).
 */
export async function sweepExpired(
  client: DynamoDBClient,
  tableName: string,
  nowMs: number,
  shape: TtlShape = EVENTS_TTL_SHAPE,
): Promise<number> {
  const now = String(Math.floor(nowMs / 1000));
  const ttl = shape.ttlAttribute;
  const keyNames = Object.fromEntries(shape.keys.map((k, i) => [`#k${i}`, k]));
  let deleted = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: Object.keys(keyNames).join(', '),
        FilterExpression: '#ttl < :now',
        ExpressionAttributeNames: { ...keyNames, '#ttl': ttl },
        ExpressionAttributeValues: { ':now': { N: now } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const key of page.Items ?? []) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': ttl },
            ExpressionAttributeValues: { ':now': { N: now } },
          }),
        );
        deleted++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
}
