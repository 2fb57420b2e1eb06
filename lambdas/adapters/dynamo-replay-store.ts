/**
 * ReplayStore on the events table: a job is one item (`replay#<id>`, the job as JSON beside the fields the
 * conditions read), each event it publishes one marker item (`replay#<id>#<source>#<eventId>`). Both expire by the
 * table's TTL. The same adapter runs on dynalite locally, which ignores `ReturnValuesOnConditionCheckFailure`: a
 * refused marker is then read back with a GetItem.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { EVENTS_TABLE } from '../contract';
import type { MarkerResult, ReplayJob, ReplayStore } from '../core/archive/ports';

const PK = EVENTS_TABLE.partitionKey;
const TTL = EVENTS_TABLE.ttlAttribute;
/** Jobs are kept this long after their last update, for `events replays show`. */
const JOB_TTL_SECONDS = 30 * 86_400;

const jobKey = (id: string) => `replay#${id}`;

export class DynamoReplayStore implements ReplayStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async create(job: ReplayJob): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: this.item(job),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  }

  async get(id: string): Promise<ReplayJob | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [PK]: { S: jobKey(id) } }, ConsistentRead: true }),
    );
    return out.Item ? toJob(out.Item) : undefined;
  }

  async acquire(id: string, runner: string, leaseUntil: number, nowMs: number): Promise<ReplayJob | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [PK]: { S: jobKey(id) } },
          UpdateExpression: 'SET runner = :runner, leaseUntil = :lease',
          ConditionExpression:
            '#status = :running AND (attribute_not_exists(runner) OR runner = :runner OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':runner': { S: runner },
            ':lease': { N: String(leaseUntil) },
            ':running': { S: 'running' },
            ':now': { N: String(nowMs) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toJob(out.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async checkpoint(job: ReplayJob, runner: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.item({ ...job, runner }),
          ConditionExpression: 'runner = :runner',
          ExpressionAttributeValues: { ':runner': { S: runner } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async mark(
    replayId: string,
    source: string,
    eventId: string,
    position: string,
    expiresAt: number,
  ): Promise<MarkerResult> {
    const Key = { [PK]: { S: `${jobKey(replayId)}#${source}#${eventId}` } };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...Key, position: { S: position }, [TTL]: { N: String(expiresAt) } },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'new';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing =
        error.Item ??
        (await this.client.send(new GetItemCommand({ TableName: this.tableName, Key, ConsistentRead: true }))).Item;
      return existing?.position?.S === position ? 'uncertain' : 'duplicate';
    }
  }

  /** Running jobs, by a Scan: for the local stack's restart only (the deployed functions never call it). */
  async running(): Promise<readonly string[]> {
    const ids: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#pk, :prefix) AND #status = :running',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
          ExpressionAttributeValues: { ':prefix': { S: 'replay#' }, ':running': { S: 'running' } },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) if (item.job?.S) ids.push(toJob(item).id);
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  private item(job: ReplayJob): Record<string, AttributeValue> {
    return {
      [PK]: { S: jobKey(job.id) },
      status: { S: job.status },
      job: { S: JSON.stringify(job) },
      ...(job.runner !== undefined && { runner: { S: job.runner } }),
      ...(job.leaseUntil !== undefined && { leaseUntil: { N: String(job.leaseUntil) } }),
      [TTL]: { N: String(Math.floor(job.updatedAt / 1000) + JOB_TTL_SECONDS) },
    };
  }
}

function toJob(item: Record<string, AttributeValue>): ReplayJob {
  const job = JSON.parse(item.job?.S ?? '{}') as ReplayJob;
  return {
    ...job,
    status: (item.status?.S as ReplayJob['status']) ?? job.status,
    ...(item.runner?.S !== undefined && { runner: item.runner.S }),
    ...(item.leaseUntil?.N !== undefined && { leaseUntil: Number(item.leaseUntil.N) }),
  };
}
