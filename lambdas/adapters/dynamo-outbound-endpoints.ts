/**
 * Endpoints and messages on the outbound table. A message is recorded once per (tenant, id) with one conditional
 * put (an expired record counts as absent, as DynamoDB TTL deletes lazily), its payload in the item, or, when large,
 * in the payload store with the key in the item (decision 0027); endpoints are versioned so that two management
 * calls changing the same endpoint cannot overwrite each other.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Endpoint, MessageRecord } from '../core/outbound/model';
import type {
  EndpointRepository,
  MessageReader,
  MessageStore,
  MessageSummary,
  Page,
  PageQuery,
  PutMessageResult,
} from '../core/outbound/ports';
import { isExpired } from '../core/outbound/retention';
import { endpointItem, keys, messageItem, toEndpoint, toMessage, type Item } from './dynamo-outbound-codec';
import { PAYLOAD_INLINE_MAX_BYTES, payloadKey, type PayloadStore } from './payload-store';
import { succeeds } from './conditional-write';
import { queryAll } from './dynamo-outbound-query';
import { listMessages } from './dynamo-outbound-lists';

export class DynamoEndpointRepository implements EndpointRepository {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async listByTenant(tenantId: string): Promise<readonly Endpoint[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ep)',
      ExpressionAttributeValues: { ':pk': { S: keys.tenantEndpoints(tenantId) }, ':ep': { S: 'EP#' } },
      // A message accepted right after an endpoint was added must reach it.
      ConsistentRead: true,
    });
    return items.map((i) => toEndpoint(i).endpoint);
  }

  async disable(tenantId: string, endpointId: string, reason: string, nowMs: number): Promise<void> {
    await succeeds(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keys.endpoint(tenantId, endpointId),
          UpdateExpression: 'SET #enabled = :false, disabledReason = :reason, updatedAt = :now ADD #version :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#enabled': 'enabled', '#version': 'version' },
          ExpressionAttributeValues: {
            ':false': { BOOL: false },
            ':reason': { S: reason },
            ':now': { N: String(nowMs) },
            ':one': { N: '1' },
          },
        }),
      ),
    );
  }

  async get(tenantId: string, endpointId: string): Promise<Endpoint | undefined> {
    return (await this.read(tenantId, endpointId))?.endpoint;
  }

  async create(endpoint: Endpoint): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: endpointItem(endpoint, 1),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async modify(
    tenantId: string,
    endpointId: string,
    change: (endpoint: Endpoint) => Promise<Endpoint>,
  ): Promise<Endpoint | undefined> {
    for (let round = 0; round < 5; round++) {
      const current = await this.read(tenantId, endpointId);
      if (!current) return undefined;
      const next = await change(current.endpoint);
      const written = await succeeds(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: endpointItem(next, current.version + 1),
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':v': { N: String(current.version) } },
          }),
        ),
      );
      if (written) return next;
    }
    throw new Error(`endpoint ${endpointId} kept changing under 5 consecutive updates`);
  }

  async remove(tenantId: string, endpointId: string): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: keys.endpoint(tenantId, endpointId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  private async read(tenantId: string, endpointId: string) {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keys.endpoint(tenantId, endpointId), ConsistentRead: true }),
    );
    return out.Item ? toEndpoint(out.Item) : undefined;
  }
}

export interface MessageStoreOptions {
  /** The readers' clock: a message past its `expiresAt` is not read back (TTL deletes lazily). @default Date.now */
  readonly now?: () => number;
  /** Where payloads over `PAYLOAD_INLINE_MAX_BYTES` go. @default none: every payload in its item */
  readonly payloads?: PayloadStore;
}

export class DynamoMessageStore implements MessageStore, MessageReader {
  private readonly now: () => number;
  private readonly payloads: PayloadStore | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: MessageStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.payloads = options.payloads;
  }

  async putIfAbsent(record: MessageRecord, nowMs: number): Promise<PutMessageResult> {
    // A large payload is stored first: the item that points to it never exists without it.
    let ref: string | undefined;
    if (this.payloads && Buffer.byteLength(record.payload, 'utf8') > PAYLOAD_INLINE_MAX_BYTES) {
      ref = payloadKey(record);
      await this.payloads.put(ref, record.payload);
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: messageItem(record, ref),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': { N: String(nowMs) } },
          // A refusal carries the record that refused it: no second read on the duplicate path.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item ? await this.withPayload(error.Item) : await this.read(record.tenantId, record.id);
      if (!existing) throw new Error(`message ${record.id} refused the put but cannot be read`, { cause: error });
      return { created: false, existing };
    }
  }

  /** The message of an item, its payload read from where it is stored; undefined if that is gone. */
  private async withPayload(item: Item): Promise<MessageRecord | undefined> {
    const m = toMessage(item);
    const ref = item.payloadRef?.S;
    if (ref === undefined) return m;
    const payload = this.payloads ? await this.payloads.get(ref) : undefined;
    return payload === undefined ? undefined : { ...m, payload };
  }

  /** A page of the tenant's messages, newest first (dynamo-outbound-lists.ts). */
  list(tenantId: string, query: PageQuery): Promise<Page<MessageSummary>> {
    return listMessages(this.client, this.tableName, tenantId, query, this.now());
  }

  async get(tenantId: string, messageId: string): Promise<MessageRecord | undefined> {
    const m = await this.read(tenantId, messageId);
    return m && !isExpired(m.expiresAt, this.now()) ? m : undefined;
  }

  private async read(tenantId: string, messageId: string): Promise<MessageRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keys.message(tenantId, messageId), ConsistentRead: true }),
    );
    return out.Item ? this.withPayload(out.Item) : undefined;
  }
}
