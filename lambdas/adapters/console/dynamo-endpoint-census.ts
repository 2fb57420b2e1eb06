/**
 * Every tenant's endpoints with their state, for the operator console: a Scan of the outbound table's endpoint
 * items (`EP#…` sort keys) and each one's circuit and health. A Scan reads the whole table, deliveries included: the
 * console asks for it on a page view, not per request, and says so (docs/portal.md). The local stack and a deployed
 * one read it alike.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { phaseOf } from '../../core/outbound/admission/circuit';
import type { EndpointRow, EndpointState } from '../../core/console/ports';
import { toEndpoint } from '../dynamo-outbound-codec';
import { DynamoEndpointStateStore } from '../dynamo-endpoint-state';

export async function endpointCensus(
  dynamo: DynamoDBClient,
  outboundTable: string,
  now: () => number,
): Promise<EndpointRow[]> {
  const state = new DynamoEndpointStateStore(dynamo, outboundTable);
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: outboundTable,
        FilterExpression: 'begins_with(sk, :ep)',
        ExpressionAttributeValues: { ':ep': { S: 'EP#' } },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const at = now();
  const rows = await Promise.all(
    items.map(async (item): Promise<EndpointRow> => {
      const { endpoint: e } = toEndpoint(item);
      const key = { tenantId: e.tenantId, endpointId: e.endpointId };
      const record = await state.readCircuit(key);
      const phase = phaseOf(record.circuit.value, at);
      const s: EndpointState = !e.enabled
        ? 'disabled'
        : phase === 'open'
          ? 'circuit open'
          : phase === 'half-open'
            ? 'circuit half-open'
            : record.health?.failingSince !== undefined
              ? 'failing'
              : 'healthy';
      return { ...key, url: e.url, description: e.description, state: s, disabledReason: e.disabledReason };
    }),
  );
  return rows.sort((a, b) => a.tenantId.localeCompare(b.tenantId) || a.endpointId.localeCompare(b.endpointId));
}
