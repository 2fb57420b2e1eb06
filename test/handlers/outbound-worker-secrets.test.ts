/**
 * The delivery worker with the secret cache (decision 0013) over the real DynamoDB adapters on dynalite: a batch
 * of deliveries to one endpoint decrypts its secret once, and later batches within the TTL not at all.
 */
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../lambdas/adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../../lambdas/adapters/dynamo-outbound-endpoints';
import { deliveryIdFor } from '../../lambdas/core/outbound/intake/fanout';
import type { SecretCipher } from '../../lambdas/core/outbound/ports';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { ensureOutboundTable } from '../../local/outbound-table';
import { delivery, endpoint, fakeCipher, message, NOW, ok, TENANT } from '../helpers/outbound';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-worker-secrets';
/** The endpoint's signing secret and its one sealed header, each decrypted once. */
const ONCE_EACH = [endpoint().secrets.current, ...Object.values(endpoint().sealedHeaders ?? {})].sort();
const N = 8;
const dynamo = useEmbeddedDynamo();
beforeAll(() => ensureOutboundTable(dynamo.client, TABLE));

describe('delivery worker with the secret cache', () => {
  it('decrypts the endpoint secret (and its sealed header) once for a batch of N deliveries to one endpoint, and not again within the TTL', async () => {
    const endpoints = new DynamoEndpointRepository(dynamo.client, TABLE);
    const messages = new DynamoMessageStore(dynamo.client, TABLE);
    const deliveries = new DynamoDeliveryStore(dynamo.client, TABLE, { leaseMs: 15 * 60_000 });
    await endpoints.create(endpoint());
    const ids = Array.from({ length: 2 * N }, (_, i) => `msg_${i}`);
    for (const id of ids) await messages.putIfAbsent(message({ id }), NOW);
    await deliveries.createIfAbsent(
      ids.map((id) => delivery({ messageId: id, deliveryId: deliveryIdFor(TENANT, id, 'ep_1') })),
    );
    const decrypts: string[] = [];
    const kms: SecretCipher = {
      encrypt: fakeCipher.encrypt,
      decrypt: async (c, ctx) => (decrypts.push(c), fakeCipher.decrypt(c, ctx)),
    };
    const { handler: newHandler, sender } = outboundUnderTest({
      dynamo: dynamo.client,
      tableName: TABLE,
      script: Array.from({ length: 2 * N }, () => ok()),
      now: () => NOW,
      cipher: kms,
    });
    // One container: its secret cache (the composition's, decision 0013) serves both batches.
    const handler = newHandler();
    const batch = (some: string[]) =>
      ({
        Records: some.map((id, i) => ({
          messageId: `m_${id}_${i}`,
          body: encodeWakeUp({ tenantId: TENANT, deliveryId: deliveryIdFor(TENANT, id, 'ep_1') }),
        })),
      }) as SQSEvent;

    expect(await handler(batch(ids.slice(0, N)))).toEqual({ batchItemFailures: [] });
    expect(sender.requests).toHaveLength(N);
    expect(decrypts.sort()).toEqual(ONCE_EACH);

    await handler(batch(ids.slice(N)));

    expect(sender.requests).toHaveLength(2 * N);
    expect(decrypts.sort()).toEqual(ONCE_EACH);
  });
});
