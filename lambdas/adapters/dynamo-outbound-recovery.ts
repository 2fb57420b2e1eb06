/**
 * `endpoints recover` and `messages replay` on the outbound table (core/outbound/recovery/recover.ts, replay.ts): an
 * endpoint's deliveries of a window from the `byEndpoint` index (keys only: the items are read), a tenant's messages
 * of a window from the `byTenant` index (its entries carry what a replay needs of a message: id, type, creation and
 * expiry, not the payload), both by creation time, oldest first, a page at a time; and the conditional requeue that
 * makes each delivery due once per recovery run.
 *
 * A requeued delivery gets the whole retry schedule again without losing its attempt log: `attemptCount` (which
 * numbers the attempts and guards their recording) is kept, and `scheduleBase` is set to the scheduled attempts
 * made so far (`attemptCount - probes`), which the delivery step (core/outbound/delivery/attempt.ts) subtracts. It
 * goes back on the sparse `due` index like a new delivery, so a lost wake-up (or one too far ahead for a queue
 * delay) is swept.
 *
 * The record of each run (runs.ts) is one item, rewritten after each page, kept as long as deliveries are.
 */
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type { MessageRecord } from '../core/outbound/model';
import type { DeliveryPage, RecoveryStore, RequeueRequest } from '../core/outbound/recovery/recover';
import type { MessagePager } from '../core/outbound/recovery/replay';
import type { RecoveryRun, RecoveryRunStore } from '../core/outbound/recovery/runs';
import type { Window } from '../core/outbound/recovery/window';
import { DEFAULT_DUE_SHARDS, DEFAULT_WAKE_LEASE_MS, dueShardFor, sweepAtFor } from '../core/outbound/delivery/wake-up';
import { DEFAULT_RETENTION, expiry, isExpired, type RetentionSettings } from '../core/outbound/retention';
import { succeeds } from './conditional-write';
import { toDelivery } from './dynamo-delivery-codec';
import { keys, timeKey, toMessage, ttlOf } from './dynamo-outbound-codec';
import { batchGet } from './dynamo-outbound-query';
import type { DeliveryStoreOptions } from './dynamo-outbound-deliveries';
import { decodeCursor, encodeCursor } from './dynamo-outbound-lists';

const { endpointIndex, tenantIndex } = OUTBOUND_TABLE;

export interface RecoveryStoreOptions extends Pick<DeliveryStoreOptions, 'leaseMs' | 'dueShards' | 'now'> {
  /** Items per Query page. @default 100 */
  readonly pageSize?: number;
  /** Run records are kept as long as deliveries (`deliveriesDays`). @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
}

export class DynamoRecoveryStore implements RecoveryStore, MessagePager, RecoveryRunStore {
  private readonly leaseMs: number;
  private readonly shards: number;
  private readonly pageSize: number;
  private readonly retention: RetentionSettings;
  private readonly now: () => number;

  /** `options` must match the delivery store's (the sweeper reads the same `due` shards). */
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: RecoveryStoreOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_WAKE_LEASE_MS;
    this.shards = options.dueShards ?? DEFAULT_DUE_SHARDS;
    this.pageSize = options.pageSize ?? 100;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now ?? Date.now;
  }

  async putRun(run: RecoveryRun): Promise<void> {
    const { expiresAt } = expiry('delivery', run.startedAt, this.retention);
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...keys.recoveryRun(run.tenantId, run.recoveryId),
          kind: { S: 'recoveryRun' },
          doc: { S: JSON.stringify(run) },
          expiresAt: { N: String(expiresAt) },
          [OUTBOUND_TABLE.ttlAttribute]: ttlOf(expiresAt),
        },
      }),
    );
  }

  async getRun(tenantId: string, recoveryId: string): Promise<RecoveryRun | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: keys.recoveryRun(tenantId, recoveryId),
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (item?.doc?.S === undefined || isExpired(Number(item.expiresAt?.N), this.now())) return undefined;
    return JSON.parse(item.doc.S) as RecoveryRun;
  }

  async listByEndpoint(tenantId: string, endpointId: string, window: Window, cursor?: string): Promise<DeliveryPage> {
    const page = await this.window(endpointIndex, keys.endpointDeliveries(tenantId, endpointId), window, cursor);
    // The index holds keys only: the status and recovery marks are read from the items (consistently, as a requeue
    // is conditional on them).
    const items = await batchGet(
      this.client,
      this.tableName,
      page.items.map((e) => ({ pk: e.pk!, sk: e.sk! })),
      { consistent: true },
    );
    return { items: items.map(toDelivery), ...(page.cursor !== undefined && { cursor: page.cursor }) };
  }

  async listByTenant(
    tenantId: string,
    window: Window,
    cursor?: string,
  ): Promise<{ readonly items: readonly MessageRecord[]; readonly cursor?: string }> {
    const page = await this.window(tenantIndex, keys.tenantMessages(tenantId), window, cursor);
    return { items: page.items.map(toMessage), ...(page.cursor !== undefined && { cursor: page.cursor }) };
  }

  async requeue(r: RequeueRequest): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keys.delivery(r.deliveryId),
          UpdateExpression:
            'SET #status = :pending, #next = :due, #sweep = :sweep, #shard = :shard, updatedAt = :now, scheduleBase = #count - if_not_exists(probes, :zero) ' +
            'REMOVE skipReason, exhaustedNotifiedAt ADD recoveryIds :ids',
          ConditionExpression:
            'attribute_exists(pk) AND tenantId = :tenant AND #status = :expected AND NOT contains(recoveryIds, :id)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#next': 'nextAttemptAt',
            '#sweep': 'sweepAt',
            '#shard': 'dueShard',
            '#count': 'attemptCount',
          },
          ExpressionAttributeValues: {
            ':pending': { S: 'pending' },
            ':due': { N: String(r.dueAt) },
            ':sweep': { N: String(sweepAtFor(r.dueAt, r.nowMs, this.leaseMs)) },
            ':shard': { N: String(dueShardFor(r.deliveryId, this.shards)) },
            ':now': { N: String(r.nowMs) },
            ':zero': { N: '0' },
            ':ids': { SS: [r.recoveryId] },
            ':id': { S: r.recoveryId },
            ':tenant': { S: r.tenantId },
            ':expected': { S: r.expectedStatus },
          },
        }),
      ),
    );
  }

  /** One page of an index partition's items created in `[sinceMs, untilMs)`, oldest first. */
  private async window(
    index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
    partition: string,
    w: Window,
    cursor: string | undefined,
  ) {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index.name,
      // timeKey(t) sorts before every key created at t and after every key created before it: a half-open window.
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: {
        ':pk': { S: partition },
        ':from': { S: timeKey(w.sinceMs) },
        ':to': { S: timeKey(w.untilMs) },
      },
      ScanIndexForward: true,
      Limit: this.pageSize,
      ...(cursor !== undefined && { ExclusiveStartKey: decodeCursor(cursor, index.partitionKey, partition) }),
    };
    const out = await this.client.send(new QueryCommand(input));
    return {
      items: out.Items ?? [],
      ...(out.LastEvaluatedKey !== undefined && { cursor: encodeCursor(out.LastEvaluatedKey) }),
    };
  }
}
