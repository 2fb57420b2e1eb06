/** The outbound stores' condition expressions and indexes against DynamoDB Local, AWS's own emulator. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clients, describeWithServer } from './servers';
import { outboundStoreSuite } from './outbound-store-suite';
import { outboundRecoverySuite } from './outbound-recovery-suite';
import { outboundListsSuite } from './outbound-lists-suite';
import { endpointStateSuite } from './endpoint-state-suite';
import { endpointIndexSuite } from './endpoint-index-suite';

describeWithServer('dynamodb-local', 'outbound stores', (server) => {
  let client: DynamoDBClient | undefined;
  outboundStoreSuite(
    'DynamoDB Local',
    () => (client ??= clients(server().endpoint).dynamo),
    async () => undefined, // the server is reset before each test
  );
  endpointStateSuite(
    'DynamoDB Local',
    () => (client ??= clients(server().endpoint).dynamo),
    async () => undefined,
  );
  endpointIndexSuite(
    'DynamoDB Local',
    () => (client ??= clients(server().endpoint).dynamo),
    async () => undefined,
  );
  outboundListsSuite(
    'DynamoDB Local',
    () => (client ??= clients(server().endpoint).dynamo),
    async () => undefined,
  );
  outboundRecoverySuite(
    'DynamoDB Local',
    () => (client ??= clients(server().endpoint).dynamo),
    async () => undefined,
  );
});
