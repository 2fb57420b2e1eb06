/**
 * The console's endpoint census (dynamo-endpoint-census.ts): a Scan of the outbound table's endpoint items that stops
 * at its bound and says so, rather than reading a large table to its end on every page view.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { endpointCensus } from '../../lambdas/adapters/console/dynamo-endpoint-census';
import { endpointItem } from '../../lambdas/adapters/dynamo-outbound-codec';
import { endpoint } from '../helpers/outbound';

const dynamo = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'us-east-1' });
const item = (tenantId: string, endpointId: string, enabled = true) =>
  endpointItem(endpoint({ tenantId, endpointId, enabled }), 1);
const NEXT = { pk: { S: 'DLV#x' }, sk: { S: 'DLV' } };

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetItemCommand).resolves({});
});

describe('endpointCensus', () => {
  it('reads the whole table when it is within the bound, sorted by tenant and endpoint', async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('globex', 'ep_2')], ScannedCount: 40, LastEvaluatedKey: NEXT })
      .resolvesOnce({ Items: [item('acme', 'ep_1', false)], ScannedCount: 10 });

    const census = await endpointCensus(client, 'outbound', () => 0, 100);

    expect(census).toMatchObject({ complete: true, scanned: 50 });
    expect(census.endpoints.map((e) => [e.tenantId, e.endpointId, e.state])).toEqual([
      ['acme', 'ep_1', 'disabled'],
      ['globex', 'ep_2', 'healthy'],
    ]);
  });

  it('stops at its bound, reading only what is left of it, and says the census is partial', async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('acme', 'ep_1')], ScannedCount: 60, LastEvaluatedKey: NEXT })
      .resolvesOnce({ Items: [item('globex', 'ep_2')], ScannedCount: 40, LastEvaluatedKey: NEXT })
      .resolves({ Items: [item('initech', 'ep_3')], ScannedCount: 1 });

    const census = await endpointCensus(client, 'outbound', () => 0, 100);

    expect(census).toMatchObject({ complete: false, scanned: 100 });
    expect(census.endpoints.map((e) => e.tenantId)).toEqual(['acme', 'globex']);
    const scans = dynamo.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(scans.map((s) => s.Limit)).toEqual([100, 40]);
    expect(scans[1]!.ExclusiveStartKey).toEqual(NEXT);
  });
});
