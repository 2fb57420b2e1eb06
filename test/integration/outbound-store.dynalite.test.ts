/** The outbound stores (and the endpoint state store) on the local stack's embedded DynamoDB (dynalite), as `npm start` runs them. */
import { afterAll, beforeAll } from 'vitest';
import { DeleteTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';
import { outboundStoreSuite } from './outbound-store-suite';
import { outboundRecoverySuite } from './outbound-recovery-suite';
import { endpointStateSuite } from './endpoint-state-suite';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

const dropTable = async () => {
  await dynamo.client.send(new DeleteTableCommand({ TableName: 'outbound' })).catch((e: unknown) => {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  });
};
outboundStoreSuite('dynalite', () => dynamo.client, dropTable);
endpointStateSuite('dynalite', () => dynamo.client, dropTable);
outboundRecoverySuite('dynalite', () => dynamo.client, dropTable);
