/**
 * Issue #18, 4: the circuit breaker counts every attempt. 16 delivery worker invocations (16 containers, each
 * with its own combining store) deliver to one endpoint at the same time, over the real DynamoDB adapters on
 * dynalite: the breaker's window holds exactly as many samples as attempts were made, and 16 failures in a row
 * open a circuit whose threshold is 16. Compare-and-set on one record lost 15–31 % of these samples in
 * bench:outbound. Here each write takes 50 ms and each read 1 ms (in-process dynalite answers both in well under
 * one), so concurrent read-then-write cycles on one record really overlap, as they do on a busy service.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DEFAULT_OPERATIONS_SETTINGS } from '../../lambdas/core/outbound/admission/settings';
import { encodeWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import { deliveryIdFor } from '../../lambdas/core/outbound/intake/fanout';
import type { SendResult } from '../../lambdas/core/outbound/ports';
import { outboundUnderTest } from '../helpers/outbound-composition';
import { delivery, endpoint, message, NOW, ok, TENANT } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const TABLE = 'outbound-breaker-count';
const INVOCATIONS = 16;
const dynamo = useEmbeddedDynamo();

beforeEach(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
});

/** The attempts the endpoint's breaker has counted in its window. */
async function countedSamples(): Promise<{ total: number; failures: number }> {
  const { counts } = await new DynamoEndpointStateStore(dynamo.client, TABLE).readCircuit({
    tenantId: TENANT,
    endpointId: 'ep_1',
  });
  return {
    total: counts.window.reduce((n, b) => n + b.total, 0),
    failures: counts.window.reduce((n, b) => n + b.failures, 0),
  };
}

/** The embedded DynamoDB with a service's latency: writes 50 ms, reads 1 ms. */
const withLatency = (client: DynamoDBClient) =>
  ({
    send: async (command: { constructor: { name: string } }) => {
      const write = /^(Put|Update|Delete|BatchWrite)/.test(command.constructor.name);
      await new Promise((r) => setTimeout(r, write ? 50 : 1));
      return client.send(command as never);
    },
  }) as unknown as DynamoDBClient;

async function run(answer: () => SendResult, consecutiveFailures = 1000) {
  const o = outboundUnderTest({
    dynamo: withLatency(dynamo.client),
    tableName: TABLE,
    sender: { send: async () => answer() },
    now: () => NOW,
    operations: {
      ...DEFAULT_OPERATIONS_SETTINGS,
      circuit: { ...DEFAULT_OPERATIONS_SETTINGS.circuit, consecutiveFailures, minimumVolume: 100_000 },
    },
  });
  await o.stores.endpoints.create(endpoint());
  const ids = Array.from({ length: INVOCATIONS }, (_, i) => `msg_${i}`);
  for (const id of ids) {
    await o.stores.messages.putIfAbsent(message({ id }), NOW);
    await o.stores.deliveries.createIfAbsent([
      delivery({ messageId: id, deliveryId: deliveryIdFor(TENANT, id, 'ep_1') }),
    ]);
  }
  // One wake-up per invocation, all at once: each invocation is its own container.
  await Promise.all(
    ids.map((id) =>
      o.handler()({
        Records: [
          { messageId: id, body: encodeWakeUp({ tenantId: TENANT, deliveryId: deliveryIdFor(TENANT, id, 'ep_1') }) },
        ],
      } as SQSEvent),
    ),
  );
  return o;
}

describe('16 concurrent invocations delivering to one endpoint', () => {
  it("the breaker's window counts every attempt made", async () => {
    let n = 0;
    const o = await run(() => (n++ % 4 === 0 ? ok(500) : ok(200)));
    expect(await countedSamples()).toEqual({ total: INVOCATIONS, failures: INVOCATIONS / 4 });
    expect(o.log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('16 failures at once open a circuit whose threshold is 16 failures in a row', async () => {
    const o = await run(() => ok(503), INVOCATIONS);
    expect(o.published.map((p) => p.attributes.type)).toEqual(['endpoint.circuit.opened']);
  });
});
