/**
 * The OpenAPI document against the code: it describes every route the function answers (and no other), each of
 * its examples satisfies the schema it illustrates, the committed docs/openapi.json is the generated one, and every
 * route's real answer (through the handler, on the embedded DynamoDB) satisfies the schema the document gives it.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventTypes } from '../../config/event-types';
import { FUNCTION_ROUTES } from '../../lambdas/outbound-api/function-routes';
import { openApiDocument } from '../../lambdas/outbound-api/openapi/document';
import { OPERATIONS } from '../../lambdas/outbound-api/openapi/operations';
import { REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from '../../lambdas/outbound-api/openapi/schemas';
import { SOURCE_OPERATIONS } from '../../lambdas/outbound-api/openapi/source-operations';
import { OUTBOUND_ROUTES, type OutboundRouteKey } from '../../lambdas/outbound-api/routes';
import { SOURCE_ROUTES } from '../../lambdas/sources-api/routes';
import { OPENAPI_FILE, openApiText } from '../../scripts/openapi';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { RECEIVER_HOST } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { portalUnderTest } from '../helpers/portal';

type Doc = { paths: Record<string, Record<string, unknown>> };
const doc = openApiDocument() as unknown as Doc;
const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
);

describe('OpenAPI document', () => {
  it('describes every route the outbound API and sources API functions answer, and nothing else', () => {
    expect([...documented].sort()).toEqual([...FUNCTION_ROUTES.map((r) => r.key), ...SOURCE_ROUTES].sort());
  });

  it('is OpenAPI 3.1 with JSON Schema 2020-12 components, every $ref resolving', () => {
    expect(openApiDocument().openapi).toBe('3.1.0');
    const text = JSON.stringify(openApiDocument());
    const components = openApiDocument().components as Record<string, Record<string, unknown>>;
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g))
      expect(components[kind!]?.[name!], `${kind}/${name}`).toBeDefined();
  });

  it.each(Object.entries({ ...OPERATIONS, ...SOURCE_OPERATIONS }))(
    '%s: its examples satisfy their schemas',
    (_, op) => {
      if (op.body) {
        const parsed = REQUEST_SCHEMAS[op.body.schema].safeParse(op.body.example);
        expect(parsed.error?.issues ?? []).toEqual([]);
      }
      const parsed = z.safeParse(RESPONSE_SCHEMAS[op.success.schema], op.success.example);
      expect(parsed.error?.issues ?? []).toEqual([]);
    },
  );

  it('is committed as docs/openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
  });
});

describe('every route answers what the document says', () => {
  const dynamo = useEmbeddedDynamo();
  const answers = new Map<OutboundRouteKey, { status: number; json: unknown }>();

  beforeAll(async () => {
    await freshOutboundTable(dynamo.client, 'openapi-contract');
    const p = portalUnderTest({ dynamo: dynamo.client, tableName: 'openapi-contract', eventTypes });
    const t = '/v1/tenants/acme';
    const run = async (route: OutboundRouteKey, path: string, body?: unknown) => {
      const [method] = route.split(' ') as [string];
      const a = await p.call(method, path, body);
      answers.set(route, { status: a.status, json: a.json });
      return a;
    };
    await run('POST /v1/tenants/{tenant}/endpoints', `${t}/endpoints`, {
      url: `https://${RECEIVER_HOST}/hooks`,
      filterTypes: ['invoice.*'],
    });
    await run('GET /v1/tenants/{tenant}/endpoints', `${t}/endpoints`);
    await run('GET /v1/tenants/{tenant}/endpoints/{endpoint}', `${t}/endpoints/ep_1`);
    await run('PATCH /v1/tenants/{tenant}/endpoints/{endpoint}', `${t}/endpoints/ep_1`, { description: 'billing' });
    await run('POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret', `${t}/endpoints/ep_1/rotate-secret`);
    await run(
      'POST /v1/tenants/{tenant}/messages',
      `${t}/messages`,
      OPERATIONS['POST /v1/tenants/{tenant}/messages'].body!.example,
    );
    const sent = await run('POST /v1/tenants/{tenant}/endpoints/{endpoint}/test', `${t}/endpoints/ep_1/test`, {});
    const delivery = (sent.json as { delivery: { deliveryId: string } }).delivery.deliveryId;
    await run('GET /v1/tenants/{tenant}/endpoints/{endpoint}/status', `${t}/endpoints/ep_1/status`);
    await run('GET /v1/tenants/{tenant}/deliveries', `${t}/deliveries`);
    await run('GET /v1/tenants/{tenant}/messages', `${t}/messages`);
    await run('GET /v1/tenants/{tenant}/messages/{message}', `${t}/messages/msg_1`);
    await run('GET /v1/tenants/{tenant}/deliveries/{delivery}', `${t}/deliveries/${delivery}`);
    await run('POST /v1/tenants/{tenant}/deliveries/{delivery}/retry', `${t}/deliveries/${delivery}/retry`);
    const recovered = await run(
      'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover',
      `${t}/endpoints/ep_1/recover`,
      { since: '2026-12-01T00:00:00Z' },
    );
    const recoveryId = (recovered.json as { recoveryId: string }).recoveryId;
    await run('GET /v1/tenants/{tenant}/recoveries/{recovery}', `${t}/recoveries/${recoveryId}`);
    await run('POST /v1/tenants/{tenant}/messages/replay', `${t}/messages/replay`, { since: '2026-12-01T00:00:00Z' });
    await run('POST /v1/tenants/{tenant}/portal-sessions', `${t}/portal-sessions`, { readOnly: true });
    await run('GET /v1/event-types', '/v1/event-types');
    await run('GET /v1/openapi.json', '/v1/openapi.json');
    await run('DELETE /v1/tenants/{tenant}/endpoints/{endpoint}', `${t}/endpoints/ep_1`);
  });

  it.each(OUTBOUND_ROUTES.map((r) => [r]))('%s', (route) => {
    const answer = answers.get(route);
    expect(answer, 'add a call of this route to the scenario above').toBeDefined();
    const op = OPERATIONS[route];
    expect(answer!.status).toBe(op.success.status);
    const parsed = z.safeParse(RESPONSE_SCHEMAS[op.success.schema], answer!.json);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
