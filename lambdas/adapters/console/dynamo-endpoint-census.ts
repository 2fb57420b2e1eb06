/**
 * Every tenant's endpoints with their state, for the operator console: a Scan of the outbound table's endpoint
 * items (`EP#…` sort keys) and each one's circuit and health. A Scan reads the table's other items too (messages,
 * deliveries, attempts), so it stops after `maxScanned` items and says so (`complete: false`): on a large table an
 * unbounded read would outlast API Gateway's 30 s and be paid in full on every page view (docs/portal.md). The local
 * stack and a deployed one read it alike.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { phaseOf } from '../../core/outbound/admission/circuit';
import type { EndpointCensus, EndpointRow, EndpointState } from '../../core/console/ports';
import { toEndpoint } from '../dynamo-outbound-codec';
import { DynamoEndpointStateStore } from '../dynamo-endpoint-state';

/** Items one census reads at most: about 20 Scan pages of 1 MB for items of 1 KB. */
export const CENSUS_MAX_SCANNED = 20_000;

export async function endpointCensus(
  dynamo: DynamoDBClient,
  outboundTable: string,
  now: () => number,
  maxScanned = CENSUS_MAX_SCANNED,
): Promise<EndpointCensus> {
  const state = new DynamoEndpointStateStore(dynamo, outboundTable);
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  let scanned = 0;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: outboundTable,
        FilterExpression: 'begins_with(sk, :ep)',
        ExpressionAttributeValues: { ':ep': { S: 'EP#' } },
        ExclusiveStartKey: startKey,
        // A page is at most 1 MB; the last one reads only what is left of the bound.
        Limit: maxScanned - scanned,
      }),
    );
    items.push(...(page.Items ?? []));
    scanned += page.ScannedCount ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey && scanned < maxScanned);
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
  rows.sort((a, b) => a.tenantId.localeCompare(b.tenantId) || a.endpointId.localeCompare(b.endpointId));
  return { endpoints: rows, complete: startKey === undefined, scanned };
}
