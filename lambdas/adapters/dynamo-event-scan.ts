/**
 * The deployed events table read with a Scan (`events list --stack`, the operator console), filtered on source and status by DynamoDB.
 * The table is keyed by `source#eventId` with no index by time (one would add a write to every event), so a listing
 * reads pages until it has `limit` matches or has read `maxScanned` items, and sorts what it found newest first:
 * the newest of those read, said so in the output. `events show` is one GetItem.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toRecord } from './dynamo-event-store';
import type { EventRecord } from '../core/inbound/ports';

export interface ScanResult {
  readonly records: EventRecord[];
  /** Items read (and paid for: one read unit per 4 KB, halved for eventual consistency). */
  readonly scanned: number;
  /** Whether the table was read to its end. */
  readonly complete: boolean;
}

/** At most this many items are read by one listing unless `--limit 0` asks for all. */
export const DEFAULT_MAX_SCANNED = 10_000;

export async function scanDeployedEvents(
  client: DynamoDBClient,
  tableName: string,
  filter: {
    readonly source?: string;
    readonly status?: string;
    /** Any of these types, or a prefix ending in `*` (as `typeSelected`). */
    readonly types?: readonly string[];
    /** Received at or after / before (epoch ms); infinite bounds are left out. */
    readonly sinceMs?: number;
    readonly untilMs?: number;
    readonly limit: number;
    readonly maxScanned?: number;
  },
): Promise<ScanResult> {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  if (filter.source !== undefined) {
    conditions.push('#source = :source');
    names['#source'] = 'source';
    values[':source'] = { S: filter.source };
  }
  if (filter.status !== undefined) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = { S: filter.status };
  }
  if (filter.types !== undefined && filter.types.length > 0) {
    names['#type'] = 'type';
    const any = filter.types.map((t, i) => {
      values[`:type${i}`] = { S: t.endsWith('*') ? t.slice(0, -1) : t };
      return t.endsWith('*') ? `begins_with(#type, :type${i})` : `#type = :type${i}`;
    });
    conditions.push(`(${any.join(' OR ')})`);
  }
  if (filter.sinceMs !== undefined && Number.isFinite(filter.sinceMs)) {
    conditions.push('#receivedAt >= :since');
    names['#receivedAt'] = 'receivedAt';
    values[':since'] = { N: String(filter.sinceMs) };
  }
  if (filter.untilMs !== undefined && Number.isFinite(filter.untilMs)) {
    conditions.push('#receivedAt < :until');
    names['#receivedAt'] = 'receivedAt';
    values[':until'] = { N: String(filter.untilMs) };
  }
  const maxScanned = filter.limit === 0 ? Infinity : (filter.maxScanned ?? DEFAULT_MAX_SCANNED);
  const records: EventRecord[] = [];
  let scanned = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey: start,
        ...(conditions.length > 0 && {
          FilterExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) records.push(toRecord(item));
    start = page.LastEvaluatedKey;
  } while (start && scanned < maxScanned && (filter.limit === 0 || records.length < filter.limit));
  return { records, scanned, complete: start === undefined };
}
