/**
 * The local stack's stand-in for DynamoDB TTL (dynalite has none): `sweepExpired` deletes the outbound items whose
 * TTL attribute is past, whatever their kind, and keeps the others. Real adapters on dynalite write the items.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { keys } from '../../lambdas/adapters/dynamo-outbound-codec';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import type { Attempt } from '../../lambdas/core/outbound/model';
import { retentionSettingsSchema } from '../../lambdas/core/outbound/retention';
import { sweepExpired } from '../../local/dynamo';
import { ensureOutboundTable, OUTBOUND_TTL_SHAPE } from '../../local/outbound-table';
import { claimAndRecord, delivery, message, NOW } from '../helpers/outbound';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-ttl';
const DAY = 86_400_000;
const dynamo = useEmbeddedDynamo();
beforeAll(() => ensureOutboundTable(dynamo.client, TABLE));

const exists = async (key: Record<string, AttributeValue>) =>
  (await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item !==
  undefined;

describe('the local TTL sweep of the outbound table', () => {
  it('deletes the items past their TTL and keeps the others: the response body goes first, then the rest', async () => {
    const retention = retentionSettingsSchema.parse({
      messagesDays: 30,
      deliveriesDays: 30,
      attemptsDays: 30,
      responseBodiesDays: 7,
    });
    const deliveries = new DynamoDeliveryStore(dynamo.client, TABLE, { retention });
    const d = delivery();
    const attempt: Attempt = {
      tenantId: 'acme',
      deliveryId: d.deliveryId,
      endpointId: 'ep_1',
      messageId: 'msg_1',
      number: 1,
      at: NOW,
      latencyMs: 5,
      status: 500,
      responseBody: 'down',
    };
    await new DynamoMessageStore(dynamo.client, TABLE).putIfAbsent(message({ expiresAt: NOW + 30 * DAY }), NOW);
    await deliveries.createIfAbsent([d]);
    await claimAndRecord(
      deliveries,
      attempt,
      { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000, updatedAt: NOW },
      0,
    );
    // The attempt itself is logged in the delivery item (decision 0027): the body is the only item apart.
    const items = {
      message: keys.message('acme', 'msg_1'),
      delivery: keys.delivery(d.deliveryId),
      body: keys.attemptBody(d.deliveryId, 1),
    };

    expect(await sweepExpired(dynamo.client, TABLE, NOW + 7 * DAY, OUTBOUND_TTL_SHAPE)).toBe(0); // at its TTL, not past it
    expect(await sweepExpired(dynamo.client, TABLE, NOW + 7 * DAY + 1000, OUTBOUND_TTL_SHAPE)).toBe(1);
    expect(await exists(items.body)).toBe(false);
    expect(await exists(items.delivery)).toBe(true);
    expect(await exists(items.message)).toBe(true);

    expect(await sweepExpired(dynamo.client, TABLE, NOW + 31 * DAY, OUTBOUND_TTL_SHAPE)).toBe(2);
    for (const key of Object.values(items)) expect(await exists(key)).toBe(false);
  });
});
