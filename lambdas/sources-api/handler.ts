/** Tenant sources API Lambda entry (`/v1/tenants/{tenant}/sources…`, IAM-authorized): adapters built once per cold start. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoTenantSources } from '../adapters/dynamo-tenant-sources';
import { KmsSecretCipher } from '../adapters/kms-secret-cipher';
import { powertoolsLog } from '../adapters/powertools-log';
import { sourcesApiConfig } from '../wiring/inbound-env';
import { createSourcesApiHandler } from './create-handler';

const config = sourcesApiConfig();

export const handler = createSourcesApiHandler({
  sources: new DynamoTenantSources(new DynamoDBClient({}), config.tableName),
  cipher: new KmsSecretCipher(new KMSClient({}), config.keyId),
  now: Date.now,
  log: powertoolsLog(new Logger()),
});
