/**
 * The writes of a delivery's life on the outbound table (decision 0027): created once (conditional put), claimed
 * for an attempt (one conditional update of the delivery item), recorded under that claim (one conditional update
 * that also releases it), skipped, marked notified. Every claim and record writes only the delivery item: its
 * claim and attempt attributes are in no index. An attempt pushed out of the item by newer ones is put as an item
 * of its own before the update that removes it (idempotent: same key, same content), so a crash between the two
 * loses nothing; a response body is put after the record that logs its attempt.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { FINAL_STATUSES, type Attempt, type Delivery } from '../core/outbound/model';
import type { ClaimRequest, DeliveryUpdate, StaleClaim } from '../core/outbound/ports';
import { dueShardFor, queueDelaySeconds, sweepAtFor } from '../core/outbound/delivery/wake-up';
import { expiry, type RetentionSettings } from '../core/outbound/retention';
import {
  attemptAttribute,
  attemptBodyItem,
  attemptEntry,
  attemptItem,
  CLAIM_ATTRIBUTES,
  deliveryItem,
  INLINE_ATTEMPTS,
  toDelivery,
} from './dynamo-delivery-codec';
import { keys, type Item } from './dynamo-outbound-codec';
import { UpdateBuilder } from './dynamo-update';

export interface WriteContext {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly leaseMs: number;
  readonly shards: number;
  readonly retention: RetentionSettings;
}

const WAITING = 'attribute_exists(pk) AND #status IN (:pending, :failed)';
const waitingValues = (u: UpdateBuilder) => {
  u.name('status');
  u.value('pending', { S: 'pending' });
  u.value('failed', { S: 'failed' });
};

/**
 * The put of a new delivery. A delivery due beyond a queue delay enters the sweep at its time (nothing else wakes
 * it); with `sweep`, every waiting one enters it a lease after it is due (recovery and replay's safety net).
 */
export function createPut(ctx: WriteContext, d: Delivery, sweep: boolean) {
  const due = d.nextAttemptAt ?? d.createdAt;
  const swept =
    FINAL_STATUSES.has(d.status) || (!sweep && queueDelaySeconds(due, d.createdAt) !== undefined)
      ? undefined
      : { sweepAt: sweepAtFor(due, d.createdAt, ctx.leaseMs), dueShard: dueShardFor(d.deliveryId, ctx.shards) };
  return new PutItemCommand({
    TableName: ctx.tableName,
    Item: deliveryItem(d, swept, expiry('delivery', d.createdAt, ctx.retention).expiresAt),
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}

/** Creates `d` unless it exists; answers with the delivery as stored. */
export async function createOrFind(ctx: WriteContext, d: Delivery, sweep = false) {
  try {
    await ctx.client.send(createPut(ctx, d, sweep));
    return { delivery: d, created: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const found = error.Item ?? (await read(ctx, d.deliveryId));
    if (found === undefined) throw error;
    return { delivery: toDelivery(found), created: false };
  }
}

async function read(ctx: WriteContext, deliveryId: string): Promise<Item | undefined> {
  const out = await ctx.client.send(
    new GetItemCommand({ TableName: ctx.tableName, Key: keys.delivery(deliveryId), ConsistentRead: true }),
  );
  return out.Item;
}

/** Puts the delivery in the sweep at `sweepAt` (intake's fallback when its wake-up was refused). */
export async function sweepAt(ctx: WriteContext, deliveryId: string, at: number): Promise<void> {
  const u = new UpdateBuilder()
    .set('sweepAt', { N: String(at) })
    .set('dueShard', { N: String(dueShardFor(deliveryId, ctx.shards)) });
  await ctx.client.send(
    new UpdateItemCommand({
      TableName: ctx.tableName,
      Key: keys.delivery(deliveryId),
      ...u.build('attribute_exists(pk)'),
    }),
  );
}

/**
 * Adds attempt `a` to the delivery item's log: `a<number>` set, and the attempt INLINE_ATTEMPTS older removed from
 * it after it was put as an item of its own.
 */
async function logAttempt(ctx: WriteContext, u: UpdateBuilder, a: Attempt): Promise<void> {
  u.set(attemptAttribute(a.number), { S: attemptEntry(a) });
  const old = a.number - INLINE_ATTEMPTS;
  if (old < 1) return;
  const out = await ctx.client.send(
    new GetItemCommand({
      TableName: ctx.tableName,
      Key: keys.delivery(a.deliveryId),
      ProjectionExpression: '#old',
      ExpressionAttributeNames: { '#old': attemptAttribute(old) },
      ConsistentRead: true,
    }),
  );
  const entry = out.Item?.[attemptAttribute(old)]?.S;
  if (entry !== undefined) {
    const { tenantId, deliveryId, endpointId, messageId } = a;
    const pushed: Attempt = { ...(JSON.parse(entry) as Attempt), tenantId, deliveryId, endpointId, messageId };
    const expiresAt = expiry('attempt', pushed.at, ctx.retention).expiresAt;
    await ctx.client.send(new PutItemCommand({ TableName: ctx.tableName, Item: attemptItem(pushed, expiresAt) }));
  }
  u.remove(attemptAttribute(old));
}

/** The delivery's state after an attempt: status, count, next attempt, and whether the sweep holds it. */
function applyUpdate(ctx: WriteContext, u: UpdateBuilder, deliveryId: string, update: DeliveryUpdate): void {
  u.set('status', { S: update.status })
    .set('attemptCount', { N: String(update.attemptCount) })
    .set('updatedAt', { N: String(update.updatedAt) });
  if (update.probes !== undefined) u.set('probes', { N: String(update.probes) });
  const waiting = !FINAL_STATUSES.has(update.status) && update.nextAttemptAt !== undefined;
  u.set('nextAttemptAt', waiting ? { N: String(update.nextAttemptAt) } : undefined);
  // A retry beyond a queue delay is the sweeper's to wake; a shorter one has its delayed wake-up.
  const long = waiting && queueDelaySeconds(update.nextAttemptAt!, update.updatedAt) === undefined;
  u.set('sweepAt', long ? { N: String(update.nextAttemptAt) } : undefined);
  u.set('dueShard', long ? { N: String(dueShardFor(deliveryId, ctx.shards)) } : undefined);
}

/** Runs a conditional update; false when its condition failed. */
async function conditional(
  ctx: WriteContext,
  deliveryId: string,
  u: UpdateBuilder,
  condition: string,
): Promise<boolean> {
  try {
    await ctx.client.send(
      new UpdateItemCommand({ TableName: ctx.tableName, Key: keys.delivery(deliveryId), ...u.build(condition) }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Settles an expired claim into `u`: the unknown attempt logged, its update applied, the claim released. */
async function settle(ctx: WriteContext, u: UpdateBuilder, stale: StaleClaim): Promise<string> {
  await logAttempt(ctx, u, stale.attempt);
  applyUpdate(ctx, u, stale.attempt.deliveryId, stale.update);
  return `claimToken = ${u.value('staleToken', { S: stale.token })}`;
}

export async function claim(ctx: WriteContext, r: ClaimRequest): Promise<boolean> {
  const u = new UpdateBuilder();
  waitingValues(u);
  const held = r.stale ? await settle(ctx, u, r.stale) : 'attribute_not_exists(claimToken)';
  if (r.claim) {
    u.set('claimToken', { S: r.claim.token })
      .set('claimAttempt', { N: String(r.claim.attempt) })
      .set('claimedAt', { N: String(r.claim.at) })
      .set('claimUntil', { N: String(r.claim.until) })
      .set('claimProbe', r.claim.probe ? { BOOL: true } : undefined);
  } else u.remove(...CLAIM_ATTRIBUTES);
  const count = `${u.name('attemptCount')} = ${u.value('expected', { N: String(r.expectedAttemptCount) })}`;
  return conditional(ctx, r.deliveryId, u, `${WAITING} AND ${count} AND ${held}`);
}

export async function recordAttempt(
  ctx: WriteContext,
  attempt: Attempt,
  update: DeliveryUpdate,
  claimToken: string,
): Promise<boolean> {
  const u = new UpdateBuilder();
  await logAttempt(ctx, u, attempt);
  applyUpdate(ctx, u, attempt.deliveryId, update);
  u.remove(...CLAIM_ATTRIBUTES);
  const recorded = await conditional(ctx, attempt.deliveryId, u, `claimToken = ${u.value('token', { S: claimToken })}`);
  const body = recorded && attemptBodyItem(attempt, expiry('responseBody', attempt.at, ctx.retention).expiresAt);
  if (body) await ctx.client.send(new PutItemCommand({ TableName: ctx.tableName, Item: body }));
  return recorded;
}

export async function markSkipped(
  ctx: WriteContext,
  deliveryId: string,
  reason: string,
  nowMs: number,
  stale?: Omit<StaleClaim, 'update'>,
): Promise<void> {
  const u = new UpdateBuilder();
  waitingValues(u);
  let held = 'attribute_not_exists(claimToken)';
  if (stale) {
    await logAttempt(ctx, u, stale.attempt);
    u.set('attemptCount', { N: String(stale.attempt.number) }).remove(...CLAIM_ATTRIBUTES);
    held = `claimToken = ${u.value('staleToken', { S: stale.token })}`;
  }
  u.set('status', { S: 'skipped' })
    .set('skipReason', { S: reason })
    .set('updatedAt', { N: String(nowMs) })
    .remove('nextAttemptAt', 'sweepAt', 'dueShard');
  await conditional(ctx, deliveryId, u, `${WAITING} AND ${held}`);
}

export async function markExhaustedNotified(ctx: WriteContext, deliveryId: string, nowMs: number): Promise<void> {
  const u = new UpdateBuilder().set('exhaustedNotifiedAt', { N: String(nowMs) });
  await conditional(
    ctx,
    deliveryId,
    u,
    `attribute_exists(pk) AND ${u.name('status')} = ${u.value('exhausted', { S: 'exhausted' })}`,
  );
}

/**
 * Makes a delivery that is not waiting due now (`deliveries retry`), in the sweep a lease later in case its wake-up
 * is lost. False when it changed since it was read.
 */
export async function replay(ctx: WriteContext, current: Delivery, nowMs: number): Promise<boolean> {
  const u = new UpdateBuilder()
    .set('status', { S: 'pending' })
    .set('nextAttemptAt', { N: String(nowMs) })
    .set('sweepAt', { N: String(nowMs + ctx.leaseMs) })
    .set('dueShard', { N: String(dueShardFor(current.deliveryId, ctx.shards)) })
    .set('updatedAt', { N: String(nowMs) })
    .remove('skipReason', 'exhaustedNotifiedAt');
  const condition = `${u.name('attemptCount')} = ${u.value('count', { N: String(current.attemptCount) })} AND ${u.name('status')} = ${u.value('was', { S: current.status })}`;
  return conditional(ctx, current.deliveryId, u, condition);
}
