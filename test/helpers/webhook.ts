/**
 * The signed-request fixture (`signed-request.ts`) as the verifier receives it: `signedWebhook` is
 * `signedRequest` plus the content type, user agent and source IP an `IncomingWebhook` carries, so
 * there is one builder of validly signed requests. Also ready-made sources, deps and API Gateway
 * events. Negative tests break exactly one thing.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseRuntimeSources, type RuntimeSource } from '../../lambdas/core/inbound/source-schema';
import type { IncomingWebhook, IngestDeps } from '../../lambdas/core/inbound/ingest';
import { silentLog } from '../../lambdas/core/kernel/log';
import { prepareSources, type PreparedSource } from '../../lambdas/core/inbound/sources';
import { type SchemeName, schemes } from '../../lambdas/core/signatures/index';
import { FakeEventStore, FakeQueue, FakeSecrets, manualClock, tokens } from './fakes';
import { signedRequest } from './signed-request';

export const SECRET = 'whsec_dGVzdC1zZWNyZXQtZm9yLXVuaXQtdGVzdHMtb25seQ==';
/** Where the tests' verifier finds its queues: own queues under the prefix, and the shared one. */
export const TEST_QUEUES = {
  urlPrefix: 'https://sqs.us-east-1.amazonaws.com/123456789012/',
  sharedUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shared',
} as const;
export const QUEUE_URL = `${TEST_QUEUES.urlPrefix}test-queue`;

export function runtimeSource(
  overrides: Partial<RuntimeSource> & { id?: string; scheme?: SchemeName } = {},
): RuntimeSource {
  const id = overrides.id ?? 'stripe';
  return {
    id,
    scheme: 'stripe',
    options: {},
    maxBodyBytes: 200 * 1024,
    allowedCidrs: [],
    dedupeSeconds: 7 * 86_400,
    queueName: 'test-queue',
    secretId: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}`,
    ...overrides,
  };
}

/** Sources as the verifier gets them: checked as the synth checks them, then prepared. */
export function prepared(...sources: RuntimeSource[]): ReadonlyMap<string, PreparedSource> {
  return prepareSources(parseRuntimeSources(sources.length ? sources : [runtimeSource()]), TEST_QUEUES);
}

export function testDeps(sources: readonly RuntimeSource[] = [runtimeSource()]) {
  const clock = manualClock();
  const store = new FakeEventStore();
  const queue = new FakeQueue();
  const secrets = new FakeSecrets(Object.fromEntries(sources.map((s) => [s.secretId, [SECRET]])));
  const deps: IngestDeps = { store, queue, secrets, clock, leaseMs: 30_000, newToken: tokens(), log: silentLog };
  return { deps, clock, store, queue, secrets, sources: prepareSources(parseRuntimeSources(sources), TEST_QUEUES) };
}

export interface SignedOptions {
  readonly body?: string | Uint8Array;
  readonly nowMs?: number;
  readonly secret?: string;
  readonly headers?: Record<string, string>;
  readonly url?: string;
  readonly id?: string;
  readonly contentType?: string;
  readonly sourceIp?: string;
  readonly options?: unknown;
}

export const STRIPE_EVENT = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'invoice.paid',
  data: { object: { id: 'in_1', amount_due: 1234 } },
});

/** A validly signed request for `scheme` at `nowMs`, as the verifier receives it. */
export function signedWebhook(scheme: SchemeName, o: SignedOptions = {}): IncomingWebhook {
  const nowMs = o.nowMs ?? manualClock()();
  const signed = signedRequest(scheme, {
    body: typeof o.body === 'string' || o.body === undefined ? Buffer.from(o.body ?? STRIPE_EVENT, 'utf8') : o.body,
    secret: o.secret ?? SECRET,
    timestampSeconds: Math.floor(nowMs / 1000),
    url: o.url ?? `https://hooks.example.com/webhooks/${scheme}`,
    id: o.id ?? 'msg_1',
    options: o.options ?? {},
  });
  const contentType = o.contentType ?? schemes[scheme].contentTypes(signed.options)[0]?.media;
  return {
    headers: { 'content-type': contentType, 'user-agent': 'test-sender/1.0', ...signed.headers, ...o.headers },
    body: signed.body,
    sourceIp: o.sourceIp ?? '203.0.113.10',
    url: signed.url as string,
  };
}

/** The same request as API Gateway HTTP API (payload v2) hands it to the verifier. */
export function apiGatewayEvent(source: string, webhook: IncomingWebhook, base64 = false): APIGatewayProxyEventV2 {
  const rawPath = `/webhooks/${source}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath,
    rawQueryString: '',
    headers: {
      host: 'hooks.example.com',
      'x-forwarded-proto': 'https',
      ...(webhook.headers as Record<string, string>),
    },
    pathParameters: { source },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'hooks.example.com',
      domainPrefix: 'hooks',
      http: {
        method: 'POST',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: webhook.sourceIp,
        userAgent: 'test-sender/1.0',
      },
      requestId: 'req-1',
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: '23/Nov/2026:12:00:00 +0000',
      timeEpoch: Date.UTC(2026, 10, 23, 12),
    },
    body: base64 ? Buffer.from(webhook.body).toString('base64') : Buffer.from(webhook.body).toString('utf8'),
    isBase64Encoded: base64,
  };
}
