/** The deployed outbound functions' ports: AWS clients built once per cold start from the parsed environment. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDataKeyStore } from '../adapters/dynamo-data-key';
import { readWebAssets } from '../adapters/file-assets';
import { KmsDataKeys, KmsSecretCipher } from '../adapters/kms-secret-cipher';
import { S3PayloadStore } from '../adapters/payload-store';
import { SecretsManagerSource } from '../adapters/secrets-manager-source';
import { EnvelopeSecretCipher } from '../core/outbound/delivery/envelope-cipher';
import { powertoolsLog } from '../adapters/powertools-log';
import { powertoolsMetrics } from '../adapters/powertools-metrics';
import { SnsTopic } from '../adapters/sns-topic';
import { SqsWakeUpQueue } from '../adapters/sqs-wake-up-queue';
import { PORTAL_ASSETS_DIR, PORTAL_KEY_CACHE_SECONDS } from '../contract';
import type { PortalDeps } from '../outbound-api/portal';
import type { ConsoleDeps } from '../outbound-api/request';
import { awsConsoleData } from '../adapters/console/aws-console-data';
import type { CloudWatchAccess } from '../adapters/console/cloudwatch-metrics';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import type { ConsoleConfig } from './console-env';
import type { OutboundConfig, portalConfig } from './outbound-env';
import type { OutboundPorts } from './outbound';

export function awsOutboundPorts(config: OutboundConfig, extra: Partial<OutboundPorts> = {}): OutboundPorts {
  const dynamo = new DynamoDBClient({});
  const kms = new KMSClient({});
  return {
    dynamo,
    tableName: config.tableName,
    // Envelope encryption: one Decrypt per data key and container, not per endpoint (decision 0027).
    cipher: new EnvelopeSecretCipher(
      new KmsDataKeys(kms, config.secretsKeyId),
      new DynamoDataKeyStore(dynamo, config.tableName),
      new KmsSecretCipher(kms, config.secretsKeyId),
    ),
    payloads: new S3PayloadStore(new S3Client({}), config.payloadBucket),
    wakeUps: new SqsWakeUpQueue(new SQSClient({}), config.deliveryQueueUrl),
    notifications: new SnsTopic(new SNSClient({}), config.operationsTopicArn),
    log: powertoolsLog(new Logger()),
    allowedCidrs: config.allowedCidrs,
    retention: config.retention,
    metrics: powertoolsMetrics(),
    ...extra,
  };
}

/**
 * The API function's portal: the signing key read from Secrets Manager (kept a minute, so a rotation revokes every
 * session within it) and the front end built beside the bundle (`bundleDir`: the entry's directory).
 */
export function awsPortal(config: ReturnType<typeof portalConfig>, bundleDir: string): PortalDeps {
  const secrets = new SecretsManagerSource(new SecretsManagerClient({}), PORTAL_KEY_CACHE_SECONDS * 1000);
  return {
    keys: { current: async () => (await secrets.getSecrets(config.signingSecretArn))[0]! },
    settings: config.settings,
    assets: readWebAssets(join(bundleDir, PORTAL_ASSETS_DIR)),
  };
}

/** CloudWatch from the runtime's SDK, loaded when the console first asks (API_RUNTIME_SDK_MODULES). */
function lazyCloudWatch(): () => Promise<CloudWatchAccess> {
  let loaded: Promise<CloudWatchAccess> | undefined;
  return () =>
    (loaded ??= import('@aws-sdk/client-cloudwatch').then((sdk) => ({
      client: new sdk.CloudWatchClient({}),
      commands: sdk,
    })));
}

/** The API function's operator console: its data read from the events table, SQS and CloudWatch. */
export function awsConsole(config: ConsoleConfig, ports: Pick<OutboundPorts, 'dynamo' | 'tableName'>): ConsoleDeps {
  const events = new DynamoEventStore(ports.dynamo, config.eventsTable);
  return {
    data: awsConsoleData({
      ...config,
      outboundTable: ports.tableName,
      dynamo: ports.dynamo,
      sqs: new SQSClient({}),
      cloudwatch: lazyCloudWatch(),
      getEvent: (source, eventId) => events.get(source, eventId),
    }),
  };
}
