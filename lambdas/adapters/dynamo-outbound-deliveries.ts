/**
 * Deliveries and their attempts on the outbound table, and the `due` index the sweeper reads (decisions 0007, 0027).
 * The writes are in dynamo-delivery-writes.ts (create, claim, record under the claim, skip), the reads through the
 * list indexes in dynamo-delivery-reads.ts; this class holds the options they share and the `due` index.
 *
 * Every item carries `expiresAt` (epoch ms) and the TTL attribute from the retention settings (retention.ts): a
 * delivery from its creation, a pushed-out attempt and a response body from the attempt's time. TTL deletes lazily,
 * so readers leave out whatever is past its `expiresAt` (`isExpired`).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { Attempt, Delivery, MessageRecord } from '../core/outbound/model';
import type {
  Bounded,
  ClaimRequest,
  DeliveryQuery,
  DeliveryReader,
  DeliveryStore,
  DeliveryUpdate,
  DueIndex,
  EndpointDelivery,
  EndpointDeliveryReader,
  Page,
  StaleClaim,
  WakeUpClaim,
} from '../core/outbound/ports';
import { DEFAULT_DUE_SHARDS, DEFAULT_WAKE_LEASE_MS } from '../core/outbound/delivery/wake-up';
import { DEFAULT_RETENTION, expiry, isExpired, type RetentionSettings } from '../core/outbound/retention';
import { mergeAttempts, toDelivery } from './dynamo-delivery-codec';
import * as reads from './dynamo-delivery-reads';
import * as writes from './dynamo-delivery-writes';
import { keys, type Item } from './dynamo-outbound-codec';
import * as lists from './dynamo-outbound-lists';
import { queryAll } from './dynamo-outbound-query';

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
  private readonly ctx: writes.WriteContext;
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DeliveryStoreOptions = {},
  ) {
    this.ctx = {
      client,
      tableName,
      leaseMs: options.leaseMs ?? DEFAULT_WAKE_LEASE_MS,
      shards: options.dueShards ?? DEFAULT_DUE_SHARDS,
      retention: options.retention ?? DEFAULT_RETENTION,
    };
    this.now = options.now ?? Date.now;
  }

  async createIfAbsent(deliveries: readonly Delivery[], options: { readonly sweep?: boolean } = {}): Promise<number> {
    const stored = await Promise.all(deliveries.map((d) => writes.createOrFind(this.ctx, d, options.sweep)));
    return stored.filter((s) => s.created).length;
  }

  createOrFind(deliveries: readonly Delivery[]): Promise<ReadonlyArray<{ delivery: Delivery; created: boolean }>> {
    return Promise.all(deliveries.map((d) => writes.createOrFind(this.ctx, d)));
  }

  async sweepAt(deliveries: ReadonlyArray<Pick<Delivery, 'deliveryId'>>, at: number): Promise<void> {
    await Promise.all(deliveries.map((d) => writes.sweepAt(this.ctx, d.deliveryId, at)));
  }

  claim(request: ClaimRequest): Promise<boolean> {
    return writes.claim(this.ctx, request);
  }

  recordAttempt(attempt: Attempt, update: DeliveryUpdate, claimToken: string): Promise<boolean> {
    return writes.recordAttempt(this.ctx, attempt, update, claimToken);
  }

  markSkipped(
    _tenantId: string,
    deliveryId: string,
    reason: string,
    nowMs: number,
    stale?: Omit<StaleClaim, 'update'>,
  ): Promise<void> {
    return writes.markSkipped(this.ctx, deliveryId, reason, nowMs, stale);
  }

  markExhaustedNotified(_tenantId: string, deliveryId: string, nowMs: number): Promise<void> {
    return writes.markExhaustedNotified(this.ctx, deliveryId, nowMs);
  }

  async get(tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keys.delivery(deliveryId), ConsistentRead: true }),
    );
    const d = out.Item && this.live(out.Item) ? toDelivery(out.Item) : undefined;
    return d?.tenantId === tenantId ? d : undefined;
  }

  async attempts(tenantId: string, deliveryId: string): Promise<readonly Attempt[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.delivery(deliveryId).pk! },
      ConsistentRead: true,
    });
    const head = items.find((i) => i.sk?.S === 'DLV');
    if (!head || !this.live(head) || toDelivery(head).tenantId !== tenantId) return [];
    const now = this.now();
    return mergeAttempts(items, (at) => !isExpired(expiry('attempt', at, this.ctx.retention).expiresAt, now), now);
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
    return reads.endpointDeliveries(this.client, this.tableName, tenantId, endpointId, limit, (i) => this.live(i));
  }

  waitingDeliveries(
    tenantId: string,
    endpointId: string,
    options: { dueBy: number; limit: number; scanLimit: number },
  ): Promise<Bounded<Delivery>> {
    return reads.waitingDeliveries(this.client, this.tableName, tenantId, endpointId, options, (i) => this.live(i));
  }

  async replay(tenantId: string, deliveryId: string, nowMs: number): Promise<Delivery | undefined> {
    const current = await this.get(tenantId, deliveryId);
    if (!current || current.status === 'pending' || current.status === 'delivered') return current;
    const applied = await writes.replay(this.ctx, current, nowMs);
    if (!applied) return this.get(tenantId, deliveryId);
    const { skipReason: _s, exhaustedNotifiedAt: _e, ...rest } = current;
    return { ...rest, status: 'pending', nextAttemptAt: nowMs, updatedAt: nowMs };
  }

  async claimDue(untilMs: number, nowMs: number, limit: number): Promise<readonly WakeUpClaim[]> {
    const claims: WakeUpClaim[] = [];
    for (let shard = 0; shard < this.ctx.shards && claims.length < limit; shard++) {
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
        const claimed = await this.claimWake(key, nowMs);
        if (claimed) claims.push(claimed);
      }
    }
    return claims;
  }

  /** Moves `sweepAt` a lease ahead if nobody moved it since the index was read. */
  private async claimWake(key: Item, nowMs: number): Promise<WakeUpClaim | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: key.pk!, sk: key.sk! },
          UpdateExpression: 'SET #sweep = :lease',
          ConditionExpression: '#sweep = :seen',
          ExpressionAttributeNames: { '#sweep': dueIndex.sortKey },
          ExpressionAttributeValues: {
            ':seen': key[dueIndex.sortKey]!,
            ':lease': { N: String(nowMs + this.ctx.leaseMs) },
          },
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
}
