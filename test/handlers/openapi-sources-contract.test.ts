/**
 * The tenant sources routes against the OpenAPI document: each route, run through the sources API handler, answers
 * the status and the shape (schemas.ts) the document gives it, and a list pages with `cursor` as the outbound lists do.
 */
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../lambdas/core/kernel/log';
import { SOURCE_OPERATIONS } from '../../lambdas/outbound-api/openapi/source-operations';
import { RESPONSE_SCHEMAS } from '../../lambdas/outbound-api/openapi/schemas';
import { createSourcesApiHandler } from '../../lambdas/sources-api/create-handler';
import { matchSourceRoute, SOURCE_ROUTES, type SourceRouteKey } from '../../lambdas/sources-api/routes';
import { routedCaller } from '../helpers/outbound-api';
import { FakeSourceCipher, FakeTenantSources } from '../helpers/tenant-sources';

const api = routedCaller(
  createSourcesApiHandler({
    sources: new FakeTenantSources(),
    cipher: new FakeSourceCipher(),
    now: () => 1_780_000_000_000,
    log: silentLog,
  }),
  matchSourceRoute,
);
const call = (method: string, path: string, body?: unknown) => api(method, path, body, { host: 'api.example.com' });

const answers = new Map<SourceRouteKey, { status: number; json: unknown }>();
const t = '/v1/tenants/acme/sources';

beforeAll(async () => {
  const run = async (route: SourceRouteKey, path: string, body?: unknown) => {
    const answer = await call(route.split(' ')[0]!, path, body);
    answers.set(route, answer);
    return answer;
  };
  await run(
    'POST /v1/tenants/{tenant}/sources',
    t,
    SOURCE_OPERATIONS['POST /v1/tenants/{tenant}/sources'].body!.example,
  );
  await run('GET /v1/tenants/{tenant}/sources', t);
  await run('GET /v1/tenants/{tenant}/sources/{source}', `${t}/github`);
  await run('PATCH /v1/tenants/{tenant}/sources/{source}', `${t}/github`, { enabled: false });
  await run('POST /v1/tenants/{tenant}/sources/{source}/rotate-secret', `${t}/github/rotate-secret`, {
    secret: 'rolled-at-the-provider',
  });
  await run('DELETE /v1/tenants/{tenant}/sources/{source}', `${t}/github`);
});

describe('every sources route answers what the document says', () => {
  it.each(SOURCE_ROUTES.map((r) => [r]))('%s', (route) => {
    const answer = answers.get(route);
    expect(answer, 'add a call of this route to the scenario above').toBeDefined();
    const op = SOURCE_OPERATIONS[route];
    expect(answer!.status).toBe(op.success.status);
    const parsed = z.safeParse(RESPONSE_SCHEMAS[op.success.schema], answer!.json);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('pages a list with ?limit= and the cursor it answered, as the outbound lists do', async () => {
    for (const id of ['p1', 'p2', 'p3']) await call('POST', '/v1/tenants/paged/sources', { id, scheme: 'gitlab' });

    const first = await call('GET', '/v1/tenants/paged/sources?limit=2');
    const second = await call('GET', `/v1/tenants/paged/sources?limit=2&cursor=${first.json.cursor as string}`);

    expect((first.json.sources as { id: string }[]).map((s) => s.id)).toEqual(['p1', 'p2']);
    expect(first.json.cursor).toEqual(expect.any(String));
    expect((second.json.sources as { id: string }[]).map((s) => s.id)).toEqual(['p3']);
    expect(second.json).not.toHaveProperty('cursor');
  });
});
