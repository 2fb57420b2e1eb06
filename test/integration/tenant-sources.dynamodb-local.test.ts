/** The tenant sources' adapter against DynamoDB Local, AWS's own emulator. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clients, describeWithServer } from './servers';
import { tenantSourcesSuite } from './tenant-sources-suite';

describeWithServer('dynamodb-local', 'tenant sources', (server) => {
  let client: DynamoDBClient | undefined;
  tenantSourcesSuite('DynamoDB Local', () => (client ??= clients(server().endpoint).dynamo));
});
