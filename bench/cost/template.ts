/**
 * Reads what drives the bill out of a synthesized CloudFormation template: API type, each function's
 * memory, architecture, tracing and logging, the table's billing and encryption, queue and topic
 * encryption, batch settings, the subscriber. Pure: template JSON in, `Drivers` out.
 */
import { ENV } from '../../lambdas/contract';
import type { Drivers, Encryption, FunctionDrivers, QueueDrivers } from './model';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, Resource>>;
}

export interface TemplateReading {
  readonly drivers: Drivers;
  /** The access-log format of the API stage, for sizing one line. */
  readonly accessLogFormat: string | undefined;
  /** Logical ids, so the output can say what it read. */
  readonly ids: {
    readonly verifier: string;
    readonly processor: string;
    readonly table: string;
    readonly queue: string;
    readonly topic: string;
    readonly subscriber?: string;
  };
  readonly warnings: readonly string[];
}

type Dict = Record<string, unknown>;
const obj = (v: unknown): Dict => (typeof v === 'object' && v !== null ? (v as Dict) : {});

/** The logical id an intrinsic points at: `{Ref: X}` or `{Fn::GetAtt: [X, ...]}`. */
function target(v: unknown): string | undefined {
  const o = obj(v);
  if (typeof o.Ref === 'string') return o.Ref;
  const getAtt = o['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

function byType(t: CfnTemplate, ...types: string[]): Array<[string, Dict]> {
  return Object.entries(t.Resources)
    .filter(([, r]) => types.includes(r.Type))
    .map(([id, r]) => [id, obj(r.Properties)]);
}

function one(t: CfnTemplate, id: string | undefined, what: string): Dict {
  const r = id === undefined ? undefined : t.Resources[id];
  if (!r) throw new Error(`template: cannot find the ${what}${id ? ` (${id})` : ''}`);
  return obj(r.Properties);
}

function env(fn: Dict): Dict {
  return obj(obj(fn.Environment).Variables);
}

function functionDrivers(fn: Dict): FunctionDrivers {
  const logging = obj(fn.LoggingConfig);
  const json = logging.LogFormat === 'JSON';
  const systemLevel = json && typeof logging.SystemLogLevel === 'string' ? logging.SystemLogLevel : 'INFO';
  const appLevel =
    (json && typeof logging.ApplicationLogLevel === 'string' ? logging.ApplicationLogLevel : env(fn)[ENV.logLevel]) ??
    'INFO';
  const arch = Array.isArray(fn.Architectures) && fn.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64';
  return {
    memoryMb: typeof fn.MemorySize === 'number' ? fn.MemorySize : 128,
    arch,
    activeTracing: obj(fn.TracingConfig).Mode === 'Active',
    platformLogs: systemLevel === 'DEBUG' || systemLevel === 'INFO',
    appLogLevel: String(appLevel).toUpperCase() as FunctionDrivers['appLogLevel'],
  };
}

function kmsKind(keyId: unknown, awsManagedAlias: string): Encryption {
  const text = JSON.stringify(keyId);
  return text.includes(awsManagedAlias) ? 'aws-managed-kms' : 'customer-managed-kms';
}

function queueDrivers(q: Dict): QueueDrivers {
  const encryption: Encryption =
    q.KmsMasterKeyId !== undefined
      ? kmsKind(q.KmsMasterKeyId, 'alias/aws/sqs')
      : q.SqsManagedSseEnabled === false
        ? 'none'
        : 'service-owned';
  return {
    encryption,
    kmsDataKeyReuseSeconds: typeof q.KmsDataKeyReusePeriodSeconds === 'number' ? q.KmsDataKeyReusePeriodSeconds : 300,
  };
}

/** @param sourceId the source whose processor and queue to read; default: the first processor found. */
export function readTemplate(t: CfnTemplate, sourceId?: string): TemplateReading {
  const warnings: string[] = [];

  // API: HTTP (v2) or REST (v1), and the stage's access-log format.
  const httpApis = byType(t, 'AWS::ApiGatewayV2::Api').filter(([, p]) => p.ProtocolType === 'HTTP');
  const restApis = byType(t, 'AWS::ApiGateway::RestApi');
  if (httpApis.length + restApis.length === 0) throw new Error('template: no API Gateway API');
  const kind = httpApis.length ? 'http' : 'rest';
  const stage = byType(t, 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGateway::Stage').find(
    ([, p]) => p.AccessLogSettings !== undefined,
  );
  const accessLogFormat = stage ? (obj(stage[1].AccessLogSettings).Format as string | undefined) : undefined;

  // The verifier is the function behind the API integration.
  const integration = byType(t, 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGateway::Method')[0];
  const verifierId = integration
    ? target(integration[1].IntegrationUri ?? obj(integration[1].Integration).Uri)
    : undefined;
  const verifier = one(t, verifierId, 'verifier function behind the API integration');

  // The processor is the function an SQS event source mapping invokes, for the chosen source.
  const mappings = byType(t, 'AWS::Lambda::EventSourceMapping').map(([id, p]) => ({
    id,
    p,
    fnId: target(p.FunctionName),
    queueId: target(p.EventSourceArn),
  }));
  const mapping = mappings.find(
    (m) => sourceId === undefined || env(one(t, m.fnId, 'processor'))[ENV.sourceId] === sourceId,
  );
  if (!mapping) throw new Error(`template: no SQS event source mapping${sourceId ? ` for source ${sourceId}` : ''}`);
  const processor = one(t, mapping.fnId, 'processor function');
  const queue = one(t, mapping.queueId, 'ingest queue');

  // The table the verifier writes to.
  const tableId = target(env(verifier)[ENV.eventsTable]);
  const table = one(t, tableId, 'events table');
  const tableType = t.Resources[tableId!]!.Type;
  const replicas =
    tableType === 'AWS::DynamoDB::GlobalTable' && Array.isArray(table.Replicas) ? table.Replicas.map(obj) : [table];
  const sse = obj(table.SSESpecification);
  const replicaKey =
    replicas.map((r) => obj(obj(r).SSESpecification).KMSMasterKeyId).find((k) => k !== undefined) ?? sse.KMSMasterKeyId;
  const tableEncryption: Encryption =
    sse.SSEEnabled === true ? (replicaKey !== undefined ? 'customer-managed-kms' : 'aws-managed-kms') : 'service-owned';
  const pitr = replicas.some((r) => obj(r.PointInTimeRecoverySpecification).PointInTimeRecoveryEnabled === true);
  if (table.TableClass === 'STANDARD_INFREQUENT_ACCESS')
    warnings.push('table class Standard-IA: request prices differ from the table used here');

  // The topic the processor publishes to, and its publishers (every processor with that topic).
  const topicId = target(env(processor)[ENV.topicArn]);
  const topic = one(t, topicId, 'events topic');
  const publishers = byType(t, 'AWS::Lambda::Function').filter(
    ([, p]) => target(env(p)[ENV.topicArn]) === topicId,
  ).length;
  const topicEncryption: Encryption =
    topic.KmsMasterKeyId !== undefined ? kmsKind(topic.KmsMasterKeyId, 'alias/aws/sns') : 'none';

  // One SQS subscriber of that topic.
  const subscription = byType(t, 'AWS::SNS::Subscription').find(
    ([, p]) => target(p.TopicArn) === topicId && p.Protocol === 'sqs',
  );
  let subscriber: Drivers['subscriber'];
  if (subscription) {
    const queueId = target(subscription[1].Endpoint);
    const subscriberQueue = queueId
      ? queueDrivers(one(t, queueId, 'subscriber queue'))
      : { encryption: 'service-owned' as const, kmsDataKeyReuseSeconds: 300 };
    if (!queueId) warnings.push('the subscriber queue is outside the stack: assumed SSE-SQS');
    const filtersOnBody = subscription[1].FilterPolicyScope === 'MessageBody';
    if (filtersOnBody)
      warnings.push('the subscriber filters on the message body: SNS payload-filtering charges are not modelled');
    subscriber = { ...subscriberQueue, rawMessageDelivery: subscription[1].RawMessageDelivery === true, filtersOnBody };
  } else {
    warnings.push('no SQS subscriber in the template: the subscriber line is left out');
  }

  // The archive (#19): the bucket the processor writes, and its lifecycle rule for this source's events.
  const bucketId = target(env(processor)[ENV.archiveBucket]);
  let archive: Drivers['archive'];
  if (bucketId) {
    const rules = (obj(one(t, bucketId, 'archive bucket').LifecycleConfiguration).Rules ?? []) as Array<{
      Prefix?: string;
      ExpirationInDays?: number;
    }>;
    const rule = rules.find((r) => r.Prefix === `events/source=${String(env(processor)[ENV.sourceId])}/`);
    archive = { retentionDays: rule?.ExpirationInDays ?? null };
  }

  const mappingProps = mapping.p;
  const drivers: Drivers = {
    api: { kind, accessLogs: accessLogFormat !== undefined },
    verifier: functionDrivers(verifier),
    processor: {
      ...functionDrivers(processor),
      batchSize: typeof mappingProps.BatchSize === 'number' ? mappingProps.BatchSize : 10,
      batchingWindowSeconds:
        typeof mappingProps.MaximumBatchingWindowInSeconds === 'number'
          ? mappingProps.MaximumBatchingWindowInSeconds
          : 0,
    },
    table: {
      billing: table.BillingMode === 'PAY_PER_REQUEST' ? 'on-demand' : 'provisioned',
      encryption: tableEncryption,
      pointInTimeRecovery: pitr,
      replicas: replicas.length,
    },
    ingestQueue: queueDrivers(queue),
    topic: { encryption: topicEncryption, publishers },
    subscriber,
    dedupeSeconds: Number(env(processor)[ENV.dedupeSeconds] ?? 7 * 86_400),
    secrets: byType(t, 'AWS::SecretsManager::Secret').length,
    secretsCacheSeconds: Number(env(verifier)[ENV.secretsCacheSeconds] ?? 60),
    archive,
  };
  return {
    drivers,
    accessLogFormat,
    ids: {
      verifier: verifierId!,
      processor: mapping.fnId!,
      table: tableId!,
      queue: mapping.queueId!,
      topic: topicId!,
      ...(subscription && { subscriber: subscription[0] }),
    },
    warnings,
  };
}

/** One access-log line in `format`, with typical values for each `$context` variable. */
export function renderAccessLog(format: string): string {
  const sample: Record<string, string> = {
    requestId: 'Jf9q3iJIIAMEZ5g=',
    'identity.sourceIp': '203.0.113.10',
    requestTime: '23/Nov/2026:12:00:00 +0000',
    routeKey: 'POST /webhooks/{source}',
    status: '202',
    responseLatency: '31',
    integrationLatency: '29',
    responseLength: '52',
    integrationErrorMessage: '-',
    'integration.error': '-',
  };
  return format.replace(/\$context\.([A-Za-z.]+)/g, (_, name: string) => sample[name] ?? 'xxxxxxxxxx');
}
