/**
 * EventStore on DynamoDB. Every state change is one conditional write; this class only translates
 * the rules in `ports.ts` into condition expressions and `ConditionalCheckFailedException` into a
 * "not claimed" answer. A refused receive or claim asks for the record it collided with in the same
 * request (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so no second read is paid for; the local
 * store, whose dynalite ignores that parameter, supplies it itself (local/dynamo.ts). Attribute names
 * are aliased (`#status`) because `status`, `source` and `type` are DynamoDB reserved words.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { EVENTS_TABLE, eventKey } from '../contract';
import type { ClaimResult, EventRecord, EventStatus, EventStore, ProcessingClaim } from '../core/inbound/ports';
import { succeeds } from './conditional-write';

const PK = EVENTS_TABLE.partitionKey;
const TTL = EVENTS_TABLE.ttlAttribute;

export class DynamoEventStore implements EventStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async tryReceive(record: EventRecord, nowMs: number): Promise<ClaimResult> {
    const item: Record<string, AttributeValue> = {
      [PK]: { S: eventKey(record.source, record.eventId) },
      source: { S: record.source },
      eventId: { S: record.eventId },
      status: { S: record.status },
      type: { S: record.type },
      receivedAt: { N: String(record.receivedAt) },
      attempts: { N: String(record.attempts) },
      [TTL]: { N: String(record.expiresAt) },
    };
    if (record.leaseUntil !== undefined) item.leaseUntil = { N: String(record.leaseUntil) };
    if (record.leaseToken !== undefined) item.leaseToken = { S: record.leaseToken };
    return this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk) OR (#status = :received AND #leaseUntil < :now)',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':received': { S: 'received' }, ':now': { N: String(nowMs) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  }

  async markEnqueued(source: string, eventId: string, leaseToken: string, nowMs: number): Promise<boolean> {
    return this.update(source, eventId, {
      UpdateExpression: 'SET #status = :enqueued, enqueuedAt = :now REMOVE #leaseUntil, #leaseToken',
      ConditionExpression: '#leaseToken = :token AND #status = :received',
      ExpressionAttributeNames: { '#status': 'status', '#leaseUntil': 'leaseUntil', '#leaseToken': 'leaseToken' },
      ExpressionAttributeValues: {
        ':enqueued': { S: 'enqueued' },
        ':received': { S: 'received' },
        ':now': { N: String(nowMs) },
        ':token': { S: leaseToken },
      },
    });
  }

  async release(source: string, eventId: string, leaseToken: string): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [PK]: { S: eventKey(source, eventId) } },
          ConditionExpression: '#leaseToken = :token AND #status = :received',
          ExpressionAttributeNames: { '#status': 'status', '#leaseToken': 'leaseToken' },
          ExpressionAttributeValues: { ':token': { S: leaseToken }, ':received': { S: 'received' } },
        }),
      ),
    );
  }

  async tryClaimProcessing(claim: ProcessingClaim): Promise<ClaimResult> {
    return this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [PK]: { S: eventKey(claim.source, claim.eventId) } },
          UpdateExpression:
            'SET #status = :processing, #leaseUntil = :leaseUntil, #leaseToken = :token, ' +
            '#attempts = if_not_exists(#attempts, :zero) + :one, #source = if_not_exists(#source, :source), ' +
            '#eventId = if_not_exists(#eventId, :eventId), #type = if_not_exists(#type, :type), ' +
            '#receivedAt = if_not_exists(#receivedAt, :receivedAt), #ttl = if_not_exists(#ttl, :expiresAt)',
          ConditionExpression:
            'attribute_not_exists(#pk) OR #status IN (:received, :enqueued, :failed) OR (#status = :processing AND #leaseUntil < :now)',
          ExpressionAttributeNames: {
            '#pk': PK,
            '#status': 'status',
            '#leaseUntil': 'leaseUntil',
            '#leaseToken': 'leaseToken',
            '#attempts': 'attempts',
            '#source': 'source',
            '#eventId': 'eventId',
            '#type': 'type',
            '#receivedAt': 'receivedAt',
            '#ttl': TTL,
          },
          ExpressionAttributeValues: {
            ':processing': { S: 'processing' },
            ':received': { S: 'received' },
            ':enqueued': { S: 'enqueued' },
            ':failed': { S: 'failed' },
            ':leaseUntil': { N: String(claim.leaseUntil) },
            ':token': { S: claim.leaseToken },
            ':zero': { N: '0' },
            ':one': { N: '1' },
            ':source': { S: claim.source },
            ':eventId': { S: claim.eventId },
            ':type': { S: claim.type },
            ':receivedAt': { N: String(claim.receivedAt) },
            ':expiresAt': { N: String(claim.expiresAt) },
            ':now': { N: String(claim.nowMs) },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  }

  async markCompleted(
    source: string,
    eventId: string,
    leaseToken: string,
    nowMs: number,
    archived = false,
  ): Promise<boolean> {
    return this.update(source, eventId, {
      UpdateExpression: `SET #status = :completed, processedAt = :now${archived ? ', archivedAt = :now' : ''} REMOVE #leaseUntil, #leaseToken, #error`,
      ConditionExpression: '#leaseToken = :token AND #status = :processing',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#leaseUntil': 'leaseUntil',
        '#leaseToken': 'leaseToken',
        '#error': 'error',
      },
      ExpressionAttributeValues: {
        ':completed': { S: 'completed' },
        ':processing': { S: 'processing' },
        ':now': { N: String(nowMs) },
        ':token': { S: leaseToken },
      },
    });
  }

  async markFailed(
    source: string,
    eventId: string,
    leaseToken: string,
    error: string,
    nowMs: number,
    archived = false,
  ): Promise<boolean> {
    return this.update(source, eventId, {
      UpdateExpression: `SET #status = :failed, #error = :error, failedAt = :now${archived ? ', archivedAt = :now' : ''} REMOVE #leaseUntil, #leaseToken`,
      ConditionExpression: '#leaseToken = :token AND #status = :processing',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#leaseUntil': 'leaseUntil',
        '#leaseToken': 'leaseToken',
        '#error': 'error',
      },
      ExpressionAttributeValues: {
        ':failed': { S: 'failed' },
        ':processing': { S: 'processing' },
        ':error': { S: error.slice(0, 500) },
        ':now': { N: String(nowMs) },
        ':token': { S: leaseToken },
      },
    });
  }

  async markArchived(source: string, eventId: string, nowMs: number): Promise<boolean> {
    return this.update(source, eventId, {
      UpdateExpression: 'SET archivedAt = :now',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':now': { N: String(nowMs) } },
    });
  }

  async get(source: string, eventId: string): Promise<EventRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [PK]: { S: eventKey(source, eventId) } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toRecord(out.Item) : undefined;
  }

  private async update(
    source: string,
    eventId: string,
    input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName' | 'Key'>,
  ): Promise<boolean> {
    return succeeds(() =>
      this.client.send(
        new UpdateItemCommand({ TableName: this.tableName, Key: { [PK]: { S: eventKey(source, eventId) } }, ...input }),
      ),
    );
  }

  /** Runs a write made with `ReturnValuesOnConditionCheckFailure: ALL_OLD`; a refusal carries the record it met. */
  private async conditional(write: () => Promise<unknown>): Promise<ClaimResult> {
    try {
      await write();
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { claimed: false, existing: error.Item ? toRecord(error.Item) : undefined };
    }
  }
}

/** Reads a stored item back into a record. Exported for the local `events` commands. */
export function toRecord(item: Record<string, AttributeValue>): EventRecord {
  const n = (name: string) => (item[name]?.N !== undefined ? Number(item[name].N) : undefined);
  const s = (name: string) => item[name]?.S;
  return {
    source: s('source') ?? '',
    eventId: s('eventId') ?? '',
    status: (s('status') ?? 'received') as EventStatus,
    type: s('type') ?? 'unknown',
    receivedAt: n('receivedAt') ?? 0,
    attempts: n('attempts') ?? 0,
    expiresAt: n(TTL) ?? 0,
    ...(n('leaseUntil') !== undefined && { leaseUntil: n('leaseUntil') }),
    ...(s('leaseToken') !== undefined && { leaseToken: s('leaseToken') }),
    ...(n('enqueuedAt') !== undefined && { enqueuedAt: n('enqueuedAt') }),
    ...(n('processedAt') !== undefined && { processedAt: n('processedAt') }),
    ...(s('error') !== undefined && { error: s('error') }),
    ...(n('archivedAt') !== undefined && { archivedAt: n('archivedAt') }),
  };
}
