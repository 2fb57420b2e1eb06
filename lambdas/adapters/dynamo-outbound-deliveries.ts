/**
 * Deliveries and their attempts on the outbound table, and the `due` index the sweeper reads (decision 0007).
 *
 * Recording an attempt is one conditional `UpdateItem` on the delivery (`attemptCount` unchanged) that applies the
 * new state and keeps the attempt itself in `lastAttempt`; the attempt's own item is written right after, together
 * with the previous `lastAttempt` again. So a crash between the two writes loses nothing: the attempt lives in the
 * delivery until the next attempt writes it out, and readers merge it (decision 0011). This costs 3 WRU where a
 * `TransactWriteItems` of two items costs 4, and runs unchanged on the local stack's dynalite, which has no
 * transactions.
 *
 * Every item carries `expiresAt` (epoch ms) and the TTL attribute from the retention settings (retention.ts):
 * a delivery from its creation, an attempt and its response body from the attempt's time. The body is its own
 * item (`ATT#<n>#body`, on no index) because DynamoDB TTL deletes whole items and bodies are kept less long.
 * TTL deletes lazily, so readers leave out whatever is past its `expiresAt` (`isExpired`).
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import { FINAL_STATUSES, type Attempt, type Delivery, type MessageRecord } from '../core/outbound/model';
import type {
  Bounded,
  DeliveryQuery,
  DeliveryReader,
  DeliveryStore,
  DeliveryUpdate,
  DueIndex,
  EndpointDelivery,
  EndpointDeliveryReader,
  Page,
  WakeUpClaim,
} from '../core/outbound/ports';
import { DEFAULT_DUE_SHARDS, DEFAULT_WAKE_LEASE_MS, dueShardFor, sweepAtFor } from '../core/outbound/delivery/wake-up';
import { DEFAULT_RETENTION, expiry, isExpired, type RetentionSettings } from '../core/outbound/retention';
import {
  attemptBodyItem,
  attemptItem,
  deliveryItem,
  keys,
  LAST_ATTEMPT_SET,
  lastAttemptOf,
  lastAttemptValues,
  mergeAttempts,
  toDelivery,
  type AttemptExpiry,
  type Item,
} from './dynamo-outbound-codec';
import { queryAll } from './dynamo-outbound-query';
import * as lists from './dynamo-outbound-lists';
import * as byEndpoint from './dynamo-outbound-endpoint-index';
import { succeeds } from './conditional-write';

const { dueIndex } = OUTBOUND_TABLE;

export interface DeliveryStoreOptions {
  /** @default DEFAULT_WAKE_LEASE_MS */
  readonly leaseMs?: number;
  /** @default DEFAULT_DUE_SHARDS */
  readonly dueShards?: number;
  /** How long deliveries, attempts and response bodies are kept (DynamoDB TTL). @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
  /** The readers' clock: what is past its `expiresAt` is not read back. @default Date.now */
  readonly now?: () => number;
}

export class DynamoDeliveryStore implements DeliveryStore, DeliveryReader, EndpointDeliveryReader, DueIndex {
  private readonly leaseMs: number;
  private readonly shards: number;
  private readonly retention: RetentionSettings;
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DeliveryStoreOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_WAKE_LEASE_MS;
    this.shards = options.dueShards ?? DEFAULT_DUE_SHARDS;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now ?? Date.now;
  }

  async createIfAbsent(deliveries: readonly Delivery[]): Promise<number> {
    const created = await Promise.all(
      deliveries.map((d) =>
        succeeds(() =>
          this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              // A lost first wake-up is found by the sweeper one lease after it is due; one due beyond a queue delay
              // (a paced replay) has no first wake-up: the sweeper sends it when it falls due. A final one (skipped at
              // intake: its endpoint is disabled) is never attempted, so it stays out of the due index.
              Item: deliveryItem(
                d,
                FINAL_STATUSES.has(d.status)
                  ? undefined
                  : {
                      sweepAt: sweepAtFor(d.nextAttemptAt ?? d.createdAt, d.createdAt, this.leaseMs),
                      dueShard: dueShardFor(d.deliveryId, this.shards),
                    },
                expiry('delivery', d.createdAt, this.retention).expiresAt,
              ),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      ),
    );
    return created.filter(Boolean).length;
  }

  async recordAttempt(attempt: Attempt, update: DeliveryUpdate, expectedAttemptCount: number): Promise<boolean> {
    const waiting = !FINAL_STATUSES.has(update.status) && update.nextAttemptAt !== undefined;
    const names: Record<string, string> = {
      '#status': 'status',
      '#count': 'attemptCount',
      '#next': 'nextAttemptAt',
      '#sweep': 'sweepAt',
      '#shard': 'dueShard',
    };
    const values: Item = {
      ':status': { S: update.status },
      ':count': { N: String(update.attemptCount) },
      ':expected': { N: String(expectedAttemptCount) },
      ':updated': { N: String(update.updatedAt) },
      ...lastAttemptValues(attempt, this.expiry(attempt)),
    };
    let expression = `SET #status = :status, #count = :count, updatedAt = :updated, ${LAST_ATTEMPT_SET}`;
    if (update.probes !== undefined) {
      values[':probes'] = { N: String(update.probes) };
      expression += ', probes = :probes';
    }
    if (waiting) {
      values[':next'] = { N: String(update.nextAttemptAt) };
      values[':sweep'] = { N: String(sweepAtFor(update.nextAttemptAt!, update.updatedAt, this.leaseMs)) };
      values[':shard'] = { N: String(dueShardFor(attempt.deliveryId, this.shards)) };
      expression += ', #next = :next, #sweep = :sweep, #shard = :shard';
    } else {
      expression += ' REMOVE #next, #sweep, #shard';
    }
    let old: Item | undefined;
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keys.delivery(attempt.deliveryId),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk) AND #count = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      old = out.Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    // The previous attempt again (it may never have got its own items: decision 0011), unless it is past keeping.
    const previous = lastAttemptOf(old, (a) => this.expiry(a));
    const now = this.now();
    const puts = [
      attempt,
      ...(previous && !isExpired(previous.expires.attempt, now) ? [previous.attempt] : []),
    ].flatMap((a) => {
      const expires = a === attempt ? this.expiry(a) : previous!.expires;
      const body = isExpired(expires.body, now) ? undefined : attemptBodyItem(a, expires);
      return body ? [attemptItem(a, expires), body] : [attemptItem(a, expires)];
    });
    await this.batchPut(puts);
    return true;
  }

  private expiry(a: Attempt): AttemptExpiry {
    return {
      attempt: expiry('attempt', a.at, this.retention).expiresAt,
      body: expiry('responseBody', a.at, this.retention).expiresAt,
    };
  }

  async markSkipped(_tenantId: string, deliveryId: string, reason: string, nowMs: number): Promise<void> {
    await succeeds(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keys.delivery(deliveryId),
          UpdateExpression:
            'SET #status = :skipped, skipReason = :reason, updatedAt = :now REMOVE #next, #sweep, #shard',
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:pending, :failed)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#next': 'nextAttemptAt',
            '#sweep': 'sweepAt',
            '#shard': 'dueShard',
          },
          ExpressionAttributeValues: {
            ':skipped': { S: 'skipped' },
            ':reason': { S: reason },
            ':now': { N: String(nowMs) },
            ':pending': { S: 'pending' },
            ':failed': { S: 'failed' },
          },
        }),
      ),
    );
  }

  async markExhaustedNotified(_tenantId: string, deliveryId: string, nowMs: number): Promise<void> {
    await succeeds(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keys.delivery(deliveryId),
          UpdateExpression: 'SET exhaustedNotifiedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND #status = :exhausted',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ':exhausted': { S: 'exhausted' } },
        }),
      ),
    );
  }

  async get(tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
    const items = await this.partition(deliveryId, 'DLV');
    const d = items[0] && this.live(items[0]) ? toDelivery(items[0]) : undefined;
    return d?.tenantId === tenantId ? d : undefined;
  }

  async attempts(tenantId: string, deliveryId: string): Promise<readonly Attempt[]> {
    const items = await this.partition(deliveryId);
    const head = items.find((i) => i.sk?.S === 'DLV');
    if (!head || !this.live(head) || toDelivery(head).tenantId !== tenantId) return [];
    return mergeAttempts(items, (a) => this.expiry(a), this.now());
  }

  /** Not past its retention (an item written before `expiresAt` was stored counts as live). */
  private live(item: Item): boolean {
    return item.expiresAt?.N === undefined || !isExpired(Number(item.expiresAt.N), this.now());
  }

  /** A page of the tenant's deliveries, newest first (dynamo-outbound-lists.ts). */
  list(query: DeliveryQuery): Promise<Page<Delivery>> {
    return lists.listDeliveries(this.client, this.tableName, query, this.now());
  }

  messageDeliveries(
    tenantId: string,
    message: Pick<MessageRecord, 'id' | 'createdAt'>,
    options: { limit: number; scanLimit: number },
  ): Promise<Bounded<Delivery>> {
    return lists.messageDeliveries(this.client, this.tableName, tenantId, message, options, this.now());
  }

  endpointDeliveries(tenantId: string, endpointId: string, limit: number): Promise<Bounded<EndpointDelivery>> {
    return byEndpoint.endpointDeliveries(this.client, this.tableName, tenantId, endpointId, limit, (i) => this.live(i));
  }

  endpointAttempts(tenantId: string, endpointId: string, sinceMs: number, limit: number): Promise<Bounded<Attempt>> {
    return byEndpoint.endpointAttempts(this.client, this.tableName, tenantId, endpointId, sinceMs, limit, (i) =>
      this.live(i),
    );
  }

  waitingDeliveries(
    tenantId: string,
    endpointId: string,
    options: { dueBy: number; limit: number; scanLimit: number },
  ): Promise<Bounded<Delivery>> {
    return byEndpoint.waitingDeliveries(this.client, this.tableName, tenantId, endpointId, options, (i) =>
      this.live(i),
    );
  }

  async replay(tenantId: string, deliveryId: string, nowMs: number): Promise<Delivery | undefined> {
    const current = await this.get(tenantId, deliveryId);
    if (!current || current.status === 'pending' || current.status === 'delivered') return current;
    const applied = await succeeds(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keys.delivery(deliveryId),
          UpdateExpression:
            'SET #status = :pending, #next = :now, #sweep = :sweep, #shard = :shard, updatedAt = :now REMOVE skipReason, exhaustedNotifiedAt',
          ConditionExpression: '#count = :count AND #status = :was',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#next': 'nextAttemptAt',
            '#sweep': 'sweepAt',
            '#shard': 'dueShard',
            '#count': 'attemptCount',
          },
          ExpressionAttributeValues: {
            ':pending': { S: 'pending' },
            ':now': { N: String(nowMs) },
            ':sweep': { N: String(nowMs + this.leaseMs) },
            ':shard': { N: String(dueShardFor(deliveryId, this.shards)) },
            ':count': { N: String(current.attemptCount) },
            ':was': { S: current.status },
          },
        }),
      ),
    );
    return applied
      ? {
          ...current,
          status: 'pending',
          nextAttemptAt: nowMs,
          updatedAt: nowMs,
          skipReason: undefined,
          exhaustedNotifiedAt: undefined,
        }
      : this.get(tenantId, deliveryId);
  }

  async claimDue(untilMs: number, nowMs: number, limit: number): Promise<readonly WakeUpClaim[]> {
    const claims: WakeUpClaim[] = [];
    for (let shard = 0; shard < this.shards && claims.length < limit; shard++) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: dueIndex.name,
          KeyConditionExpression: '#shard = :shard AND #sweep <= :until',
          ExpressionAttributeNames: { '#shard': dueIndex.partitionKey, '#sweep': dueIndex.sortKey },
          ExpressionAttributeValues: { ':shard': { N: String(shard) }, ':until': { N: String(untilMs) } },
          Limit: limit - claims.length,
        }),
      );
      for (const key of out.Items ?? []) {
        const claimed = await this.claim(key, nowMs);
        if (claimed) claims.push(claimed);
      }
    }
    return claims;
  }

  /** Moves `sweepAt` a lease ahead if nobody moved it since the index was read. */
  private async claim(key: Item, nowMs: number): Promise<WakeUpClaim | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: key.pk!, sk: key.sk! },
          UpdateExpression: 'SET #sweep = :lease',
          ConditionExpression: '#sweep = :seen',
          ExpressionAttributeNames: { '#sweep': dueIndex.sortKey },
          ExpressionAttributeValues: { ':seen': key[dueIndex.sortKey]!, ':lease': { N: String(nowMs + this.leaseMs) } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const d = toDelivery(out.Attributes ?? {});
      return {
        tenantId: d.tenantId,
        deliveryId: d.deliveryId,
        nextAttemptAt: d.nextAttemptAt ?? nowMs,
        dueAt: Number(key[dueIndex.sortKey]!.N),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private async partition(deliveryId: string, sk?: string): Promise<Item[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: sk === undefined ? 'pk = :pk' : 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: {
        ':pk': keys.delivery(deliveryId).pk!,
        ...(sk !== undefined && { ':sk': { S: sk } }),
      },
      ConsistentRead: true,
    });
  }

  private async batchPut(items: readonly Item[]): Promise<void> {
    let pending: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === 5) throw new Error(`${pending.length} attempt items not written after 5 rounds`);
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = out.UnprocessedItems?.[this.tableName] ?? [];
    }
  }
}
