/**
 * The endpoint operational state (rate bucket, circuit, health: core/outbound/admission/state-store.ts) on the
 * outbound table. One item per (tenant, endpoint, kind) in its own partition, so a busy endpoint's bucket writes never
 * contend with another endpoint's, nor with its own breaker's. The value is one JSON document; `version` carries
 * the compare-and-set. Only a failed condition means "somebody wrote since your read" (false); every other
 * error (throttling, access, network) propagates, because treating it as a lost race would retry it blindly.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import type {
  EndpointStateKey,
  EndpointStateKind,
  EndpointStateStore,
  EndpointStates,
  Versioned,
} from '../core/outbound/admission/state-store';
import type { Item } from './dynamo-outbound-codec';
import { succeeds } from './conditional-write';

const { partitionKey: PK, sortKey: SK } = OUTBOUND_TABLE;

/** The item key of one state record. */
export const stateKey = (k: EndpointStateKey): Item => ({
  [PK]: { S: `EPSTATE#${k.tenantId}#${k.endpointId}` },
  [SK]: { S: `STATE#${k.kind}` },
});

export class DynamoEndpointStateStore implements EndpointStateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read<K extends EndpointStateKind>(key: EndpointStateKey<K>): Promise<Versioned<EndpointStates[K]>> {
    // Strongly consistent: a stale read would only lose the following compare-and-set, but costs a round trip.
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: stateKey(key), ConsistentRead: true }),
    );
    const item = out.Item;
    if (item?.doc?.S === undefined || item.version?.N === undefined) return { value: undefined, version: 0 };
    return { value: JSON.parse(item.doc.S) as EndpointStates[K], version: Number(item.version.N) };
  }

  async compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    const first = expectedVersion === 0;
    return succeeds(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...stateKey(key),
            kind: { S: `endpoint-state:${key.kind}` },
            doc: { S: JSON.stringify(value) },
            version: { N: String(expectedVersion + 1) },
          },
          ConditionExpression: first ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(!first && {
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
          }),
        }),
      ),
    );
  }
}
