/**
 * The verifier on a tenant source's route (`/webhooks/t/{tenant}/{source}/{token}`), with the core fakes behind
 * its ports: what it queues and where, what it answers a deleted source or a source over its rate limit, and that
 * neither writes anything.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../lambdas/core/inbound/envelope';
import { memoryRateLimiter } from '../../lambdas/core/inbound/rate-limit';
import { createSource, deleteSource, updateSource } from '../../lambdas/core/inbound/tenant-sources/management';
import { createVerifierHandler } from '../../lambdas/verifier/create-handler';
import { TENANT_WEBHOOK_PATH } from '../../lambdas/contract';
import type { IncomingWebhook } from '../../lambdas/core/inbound/ingest';
import { countingRandom, FakeSourceCipher, FakeTenantSources, testResolver } from '../helpers/tenant-sources';
import { apiGatewayEvent, signedWebhook, TEST_QUEUES, testDeps } from '../helpers/webhook';

const context = { getRemainingTimeInMillis: () => 10_000 } as Context;
const PUSH = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/app' } });

/** The event API Gateway sends for a tenant source's path. */
function tenantEvent(path: string, webhook: IncomingWebhook, method: 'POST' | 'GET' = 'POST'): APIGatewayProxyEventV2 {
  const [, , , tenant, source, token] = path.split('/');
  const base = apiGatewayEvent(source!, webhook);
  const routeKey = `${method} ${TENANT_WEBHOOK_PATH}`;
  return {
    ...base,
    routeKey,
    rawPath: path,
    pathParameters: { tenant: tenant!, source: source!, token: token! },
    requestContext: { ...base.requestContext, routeKey, http: { ...base.requestContext.http, method, path } },
  };
}

let t: ReturnType<typeof testDeps>;
let table: FakeTenantSources;
let handler: ReturnType<typeof createVerifierHandler>;
let path: string;
let secret: string;
const manage = () => ({ sources: table, cipher, now: t.clock, random: countingRandom() });
const cipher = new FakeSourceCipher();

beforeEach(async () => {
  t = testDeps();
  table = new FakeTenantSources();
  const created = await createSource('acme', { id: 'github', scheme: 'github' }, manage());
  path = created.source.path;
  secret = created.secret!;
  handler = createVerifierHandler({
    ...t.deps,
    sources: t.sources,
    tenantSources: testResolver(table, cipher, t.clock, { ttlMs: 0 }),
    rateLimiter: memoryRateLimiter(),
  });
});

/** A GitHub push delivery `id`, signed with `s`, to the source's path (or `to`). */
const push = (id: string, s = secret, to = path) =>
  tenantEvent(
    to,
    signedWebhook('github', {
      body: PUSH,
      secret: s,
      nowMs: t.clock(),
      headers: { 'x-github-delivery': id, 'x-github-event': 'push' },
    }),
  );

describe('the verifier on a tenant source’s route', () => {
  it('queues a signed event on the shared queue, in the tenant’s group, with the tenant on the event and its attributes', async () => {
    const response = await handler(push('d-1'), context);

    expect([response.statusCode, JSON.parse(response.body)]).toEqual([202, { status: 'accepted', id: 'd-1' }]);
    const [sent] = t.queue.sent;
    expect(sent).toMatchObject({
      queueUrl: TEST_QUEUES.sharedUrl,
      groupId: 'acme',
      attributes: { source: 'acme.github', type: 'push', eventId: 'd-1', tenant: 'acme' },
    });
    expect(parseEnvelope(sent!.body)).toMatchObject({ source: 'acme.github', tenant: 'acme', type: 'push' });
    expect(await t.store.get('acme.github', 'd-1')).toMatchObject({ status: 'enqueued' });
  });

  it('answers 401 to a request signed with another secret, and 404 to a wrong token or another tenant’s path', async () => {
    expect((await handler(push('d-2', 'not-the-secret'), context)).statusCode).toBe(401);
    expect((await handler(push('d-3', secret, path.replace(/[^/]+$/, 'A'.repeat(22))), context)).statusCode).toBe(404);
    expect((await handler(push('d-4', secret, path.replace('/t/acme/', '/t/beta/')), context)).statusCode).toBe(404);
    expect(t.queue.sent).toHaveLength(0);
  });

  it('answers 404 to a deleted or disabled source, writing nothing', async () => {
    await updateSource('acme', 'github', { enabled: false }, manage());
    expect((await handler(push('d-5'), context)).statusCode).toBe(404);
    await deleteSource('acme', 'github', manage());
    const response = await handler(push('d-6'), context);

    expect([response.statusCode, JSON.parse(response.body).error]).toEqual([404, 'unknown_source']);
    expect(t.store.records.size).toBe(0);
    expect(t.queue.sent).toHaveLength(0);
  });

  it('answers 429 with Retry-After over the source’s rate limit, before any write, and lets the next second in', async () => {
    await updateSource('acme', 'github', { rateLimit: { perSecond: 2, burst: 2 } }, manage());

    const answers = [];
    for (const id of ['r-1', 'r-2', 'r-3']) answers.push(await handler(push(id), context));

    expect(answers.map((r) => r.statusCode)).toEqual([202, 202, 429]);
    expect(answers[2]!.headers).toMatchObject({ 'retry-after': '1' });
    expect(JSON.parse(answers[2]!.body).error).toBe('rate_limited');
    expect(await t.store.get('acme.github', 'r-3')).toBeUndefined();
    expect(t.queue.sent).toHaveLength(2);
    t.clock.advance(1000);
    expect((await handler(push('r-3'), context)).statusCode).toBe(202);
  });

  it('answers Meta’s GET check with the verify token held for the source', async () => {
    const meta = await createSource('acme', { id: 'meta', scheme: 'meta', secret: 'app-secret' }, manage());
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': meta.verifyToken!,
      'hub.challenge': '1158201444',
    }).toString();
    const event = { ...tenantEvent(meta.source.path, signedWebhook('github'), 'GET'), rawQueryString: query };

    expect(await handler(event, context)).toMatchObject({ statusCode: 200, body: '1158201444' });
  });
});
