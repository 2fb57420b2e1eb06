/**
 * The local outbound table at a glance, for `status`: every endpoint (disabled ones and open circuits named) and the
 * deliveries by status. A Scan of the whole table: fine for the local stack's few items; deployed, `status` reads
 * CloudWatch instead and names endpoints per tenant (`endpoints list`), since a Scan would read every delivery.
 */
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoEndpointStateStore } from '../lambdas/adapters/dynamo-endpoint-state';
import { toDelivery } from '../lambdas/adapters/dynamo-delivery-codec';
import { toEndpoint, type Item } from '../lambdas/adapters/dynamo-outbound-codec';
import { phaseOf } from '../lambdas/core/outbound/admission/circuit';

export interface EndpointRef {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly url: string;
  /** Why it is disabled, or when its circuit's cool-down ends. */
  readonly detail?: string;
}

export interface OutboundOverview {
  readonly endpoints: {
    readonly total: number;
    readonly enabled: number;
    readonly disabled: readonly EndpointRef[];
    readonly openCircuits: readonly EndpointRef[];
  };
  readonly deliveries: Readonly<Record<string, number>>;
}

export async function outboundOverview(
  client: DynamoDBClient,
  tableName: string,
  nowMs: number,
): Promise<OutboundOverview> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start);
  const endpoints = items.filter((i) => i.sk?.S?.startsWith('EP#')).map((i) => toEndpoint(i).endpoint);
  const deliveries: Record<string, number> = {};
  for (const item of items.filter((i) => i.sk?.S === 'DLV')) {
    const { status } = toDelivery(item);
    deliveries[status] = (deliveries[status] ?? 0) + 1;
  }
  const states = new DynamoEndpointStateStore(client, tableName);
  const openCircuits: EndpointRef[] = [];
  for (const e of endpoints.filter((x) => x.enabled)) {
    const circuit = (await states.read({ tenantId: e.tenantId, endpointId: e.endpointId, kind: 'circuit' })).value;
    const phase = phaseOf(circuit, nowMs);
    if (phase !== 'closed' && circuit?.status === 'open')
      openCircuits.push({
        tenantId: e.tenantId,
        endpointId: e.endpointId,
        url: e.url,
        detail: `${phase}, next probe ${new Date(circuit.openUntil).toISOString()}`,
      });
  }
  return {
    endpoints: {
      total: endpoints.length,
      enabled: endpoints.filter((e) => e.enabled).length,
      disabled: endpoints
        .filter((e) => !e.enabled)
        .map((e) => ({
          tenantId: e.tenantId,
          endpointId: e.endpointId,
          url: e.url,
          ...(e.disabledReason !== undefined && { detail: e.disabledReason }),
        })),
      openCircuits,
    },
    deliveries,
  };
}
