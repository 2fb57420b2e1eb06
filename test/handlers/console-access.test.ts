/**
 * The operator console on the API function, route by route: a console session is minted only by the IAM-signed
 * `POST /v1/console-sessions` (an hour at most), every console API route (enumerated from the route table) refuses a
 * missing, expired, tampered or portal token, a read-only session changes nothing, the data routes answer from the
 * ConsoleData port with clear 4xx for bad input, and the tenant routes act on the tenant the path names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleData, RedriveResult } from '../../lambdas/core/console/ports';
import { signSessionToken } from '../../lambdas/core/portal/session-token';
import { CONSOLE_API_ROUTES, CONSOLE_TENANT_ROUTES } from '../../lambdas/outbound-api/console-access';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { RECEIVER_HOST } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { PORTAL_KEY, portalUnderTest } from '../helpers/portal';

const TABLE = 'console-access';
const dynamo = useEmbeddedDynamo();
const redrives: string[] = [];

/** The port as a fake: one source, one queue (`stripe`), one event; it records each redrive. */
const data: ConsoleData = {
  overview: async () => ({
    sources: [{ id: 'stripe', scheme: 'stripe', requests: { perMinute: [1], rejectedPerMinute: [0], outcomes: {} } }],
    queues: [{ name: 'stripe', visible: 0, inFlight: 0, deadLetters: 1 }],
  }),
  events: async (filter) =>
    [{ source: 'stripe', eventId: 'evt_1', status: 'processed', receivedAt: 1 }].slice(0, filter.limit) as never,
  event: async (source, eventId) =>
    source === 'stripe' && eventId === 'evt_1' ? ({ source, eventId, status: 'processed' } as never) : undefined,
  deadLetters: async (queue) =>
    queue === 'stripe' ? [{ id: 'm1', eventId: 'evt_1', type: 'invoice.paid', receiveCount: 4, bytes: 10 }] : undefined,
  endpoints: async () => ({ endpoints: [], complete: true, scanned: 0 }),
  redrive: async (queue): Promise<RedriveResult | undefined> => {
    if (queue !== 'stripe') return undefined;
    redrives.push(queue);
    return { status: 'running', moved: 0 };
  },
};

let p: ReturnType<typeof portalUnderTest>;
beforeAll(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  p = portalUnderTest({ dynamo: dynamo.client, tableName: TABLE, console: data });
  for (const tenant of ['acme', 'globex'])
    expect(
      (await p.call('POST', `/v1/tenants/${tenant}/endpoints`, { url: `https://${RECEIVER_HOST}/${tenant}` })).status,
    ).toBe(201);
});

const consoleToken = (scope: 'read' | 'write' = 'write', ttlSeconds = 3600) =>
  signSessionToken(PORTAL_KEY, { tenantId: 'operator', scope, ttlSeconds, audience: 'console' }, p.clock.now);
const asOperator = (token: string, method: string, path: string, body?: unknown) => p.portal(token, method, path, body);
/** A concrete path for a console route key (tenant acme, queue stripe, …). */
const pathOf = (key: string) =>
  key
    .split(' ')[1]!
    .replace('{tenant}', 'acme')
    .replace('{endpoint}', 'ep_1')
    .replace('{delivery}', 'dlv_x')
    .replace('{message}', 'msg_x')
    .replace('{recovery}', 'rcv_x')
    .replace('{source}', 'stripe')
    .replace('{event}', 'evt_1')
    .replace('{queue}', 'stripe');

describe('console sessions', () => {
  it('are minted by POST /v1/console-sessions: a link to /console with the token in its fragment, an hour by default', async () => {
    const a = await p.call('POST', '/v1/console-sessions', {});
    expect(a.status).toBe(201);
    expect(a.headers['cache-control']).toBe('no-store');
    expect(a.json.url).toBe(`https://api.test/console#token=${a.json.token}`);
    expect(a.json).toMatchObject({ scope: 'write', expiresAt: new Date(p.clock.now + 3600_000).toISOString() });
    expect((await asOperator(a.json.token, 'GET', '/console/api/session')).json).toEqual({
      scope: 'write',
      expiresAt: a.json.expiresAt,
    });
  });

  it('last an hour at most, and refuse an unknown field (400, nothing minted)', async () => {
    expect((await p.call('POST', '/v1/console-sessions', { expiresInSeconds: 3601 })).status).toBe(400);
    expect((await p.call('POST', '/v1/console-sessions', { tenant: 'acme' })).status).toBe(400);
    expect((await p.call('POST', '/v1/console-sessions', '{')).status).toBe(400);
  });

  it.each(CONSOLE_API_ROUTES)(
    '%s refuses a missing, expired, tampered, wrong-key or portal token (401)',
    async (key) => {
      const [method] = key.split(' ') as [string];
      const path = pathOf(key);
      const expired = consoleToken('write', 60);
      p.clock.now += 61_000;
      const portalToken = p.token('acme');
      // Another MAC's first character (the last one carries padding bits a change may not touch).
      const [head, claims, mac] = consoleToken().split('.') as [string, string, string];
      const tampered = `${head}.${claims}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
      const wrongKey = signSessionToken(
        'another-signing-key-0123456789abcdefghij',
        { tenantId: 'operator', scope: 'write', ttlSeconds: 600, audience: 'console' },
        p.clock.now,
      );
      for (const token of [expired, portalToken, tampered, wrongKey])
        expect((await asOperator(token, method, path)).status, token).toBe(401);
      expect((await p.call(method, path)).status).toBe(401);
    },
  );

  it('are not portal sessions: a console token on the portal API is refused', async () => {
    expect((await asOperator(consoleToken(), 'GET', '/portal/api/endpoints')).status).toBe(401);
  });

  it('end when the signing key rotates', async () => {
    const token = consoleToken();
    expect((await asOperator(token, 'GET', '/console/api/overview')).status).toBe(200);
    p.rotateKey('rotated-portal-signing-key-0123456789abcdef');
    try {
      expect((await asOperator(token, 'GET', '/console/api/overview')).status).toBe(401);
    } finally {
      p.rotateKey(PORTAL_KEY);
    }
  });
});

describe('the console API', () => {
  it('answers its data routes from the console data, never cached', async () => {
    const token = consoleToken();
    const overview = await asOperator(token, 'GET', '/console/api/overview');
    expect(overview.status).toBe(200);
    expect(overview.headers['cache-control']).toBe('no-store');
    expect(overview.json.queues).toEqual([{ name: 'stripe', visible: 0, inFlight: 0, deadLetters: 1 }]);
    expect((await asOperator(token, 'GET', '/console/api/events?limit=1')).json.events).toHaveLength(1);
    expect((await asOperator(token, 'GET', '/console/api/events/stripe/evt_1')).json.event.eventId).toBe('evt_1');
    expect((await asOperator(token, 'GET', '/console/api/dead-letters/stripe')).json.deadLetters[0]).not.toHaveProperty(
      'body',
    );
  });

  it('says 404 for an unknown event or queue and 400 for a bad limit', async () => {
    const token = consoleToken();
    expect((await asOperator(token, 'GET', '/console/api/events/stripe/evt_2')).status).toBe(404);
    expect((await asOperator(token, 'GET', '/console/api/dead-letters/nope')).status).toBe(404);
    expect((await asOperator(token, 'POST', '/console/api/queues/nope/redrive')).status).toBe(404);
    for (const limit of ['0', '1001', 'x'])
      expect((await asOperator(token, 'GET', `/console/api/events?limit=${limit}`)).status).toBe(400);
  });

  it('starts a redrive (202 while SQS moves the messages)', async () => {
    const before = redrives.length;
    const a = await asOperator(consoleToken(), 'POST', '/console/api/queues/stripe/redrive');
    expect(a.status).toBe(202);
    expect(a.json).toEqual({ queue: 'stripe', status: 'running', moved: 0 });
    expect(redrives.length).toBe(before + 1);
  });

  it('changes nothing for a read-only session (403), and still reads', async () => {
    const token = consoleToken('read');
    const before = redrives.length;
    const refused = await asOperator(token, 'POST', '/console/api/queues/stripe/redrive');
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe('This console session is read-only.');
    expect(redrives.length).toBe(before);
    for (const [key, target] of CONSOLE_TENANT_ROUTES) {
      if (target.startsWith('GET ')) continue;
      const [method] = key.split(' ') as [string];
      expect((await asOperator(token, method, pathOf(key), {})).status, key).toBe(403);
    }
    expect((await p.call('GET', '/v1/tenants/acme/endpoints')).json.endpoints).toHaveLength(1);
    expect((await asOperator(token, 'GET', '/console/api/tenants/acme/endpoints')).status).toBe(200);
  });

  it('serves a tenant route for the tenant its path names, whichever tenant that is', async () => {
    const token = consoleToken();
    const acme = await asOperator(token, 'GET', '/console/api/tenants/acme/endpoints');
    const globex = await asOperator(token, 'GET', '/console/api/tenants/globex/endpoints');
    expect(acme.json.endpoints.map((e: { url: string }) => e.url)).toEqual([`https://${RECEIVER_HOST}/acme`]);
    expect(globex.json.endpoints.map((e: { url: string }) => e.url)).toEqual([`https://${RECEIVER_HOST}/globex`]);
    expect(acme.headers['cache-control']).toBe('no-store');
  });

  it('opens a tenant’s portal from its pages: a portal link for the tenant the path names (read-only sessions cannot)', async () => {
    const link = await asOperator(consoleToken(), 'POST', '/console/api/tenants/globex/portal-sessions', {});
    expect(link.status).toBe(201);
    expect(link.json).toMatchObject({
      tenant: 'globex',
      url: expect.stringMatching(/^https:\/\/api\.test\/portal#token=/),
    });
    const endpoints = await p.portal(link.json.token, 'GET', '/portal/api/endpoints');
    expect(endpoints.json.endpoints.map((e: { url: string }) => e.url)).toEqual([`https://${RECEIVER_HOST}/globex`]);
    expect(
      (await asOperator(consoleToken('read'), 'POST', '/console/api/tenants/globex/portal-sessions', {})).status,
    ).toBe(403);
  });

  it('answers 404 on every console route when the function has no console', async () => {
    const bare = portalUnderTest({ dynamo: dynamo.client, tableName: TABLE });
    expect((await bare.call('POST', '/v1/console-sessions', {})).status).toBe(404);
    expect((await bare.portal(consoleToken(), 'GET', '/console/api/overview')).status).toBe(404);
  });
});
