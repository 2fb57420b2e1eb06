/**
 * The portal API's authorization, route by route: every route the portal answers is enumerated from the route
 * table (portal-access.ts), so a new route is covered without editing this file. A session for tenant acme sees
 * nothing of tenant globex (403/404 on each of its resources, none of its data in any list), a read-only session
 * changes nothing, and a missing, expired, tampered, wrong-key or `alg: none` token is refused on every route.
 */
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PORTAL_ACCESS,
  PORTAL_API_ROUTES,
  PORTAL_ROUTES,
  portalRouteKey,
} from '../../lambdas/outbound-api/portal-access';
import { OUTBOUND_ROUTES } from '../../lambdas/outbound-api/routes';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { RECEIVER_HOST } from '../helpers/outbound';
import { freshOutboundTable } from '../helpers/outbound-table';
import { PORTAL_KEY, portalUnderTest } from '../helpers/portal';

const TABLE = 'portal-access';
const dynamo = useEmbeddedDynamo();
let p: ReturnType<typeof portalUnderTest>;
/** globex's resources, by path parameter name. */
let theirs: Record<string, string>;

// One setup for the file: every test leaves globex as it found it (and checks so), whatever it does to acme.
beforeAll(async () => {
  await freshOutboundTable(dynamo.client, TABLE);
  p = portalUnderTest({ dynamo: dynamo.client, tableName: TABLE });
  for (const tenant of ['acme', 'globex']) {
    const created = await p.call('POST', `/v1/tenants/${tenant}/endpoints`, {
      url: `https://${RECEIVER_HOST}/${tenant}`,
      description: `${tenant} endpoint`,
    });
    expect(created.status).toBe(201);
    await p.call('POST', `/v1/tenants/${tenant}/messages`, { type: 'invoice.paid', id: `msg_${tenant}`, payload: {} });
  }
  const listed = await p.call('GET', '/v1/tenants/globex/deliveries');
  const recovered = await p.call('POST', '/v1/tenants/globex/endpoints/ep_2/recover', {
    since: p.clock.now - 3_600_000,
  });
  expect(recovered.status).toBe(202);
  theirs = {
    endpoint: 'ep_2',
    delivery: listed.json.deliveries[0].deliveryId,
    message: 'msg_globex',
    recovery: recovered.json.recoveryId,
  };
});

/** The concrete path of a portal route for globex's resources. */
function pathFor(routeKey: string, ids: Record<string, string>): { method: string; path: string } {
  const [method, template] = routeKey.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const id = ids[name];
    if (id === undefined) throw new Error(`no resource of globex for {${name}}: add one to this test`);
    return encodeURIComponent(id);
  });
  return { method, path };
}

const BODIES: Record<string, unknown> = {
  'POST /portal/api/endpoints': { url: `https://${RECEIVER_HOST}/new` },
  'PATCH /portal/api/endpoints/{endpoint}': { description: 'changed', enabled: false },
  'POST /portal/api/endpoints/{endpoint}/recover': { since: '2026-01-01T00:00:00Z' },
};

async function globexState(): Promise<string> {
  const [endpoints, deliveries] = await Promise.all([
    p.call('GET', '/v1/tenants/globex/endpoints'),
    p.call('GET', '/v1/tenants/globex/deliveries'),
  ]);
  return JSON.stringify([endpoints.json, deliveries.json]);
}

describe('portal API: one tenant’s session', () => {
  it('serves every tenant route, and no operator route, at /portal/api', () => {
    const served = [...PORTAL_ROUTES.values()].sort();
    expect(served).toEqual(OUTBOUND_ROUTES.filter((r) => PORTAL_ACCESS[r] === 'tenant').sort());
    expect(OUTBOUND_ROUTES.filter((r) => PORTAL_ACCESS[r] === 'operator')).toEqual(
      expect.arrayContaining(['POST /v1/tenants/{tenant}/portal-sessions', 'POST /v1/tenants/{tenant}/messages']),
    );
    expect(new Set(PORTAL_API_ROUTES).size).toBe(PORTAL_API_ROUTES.length);
  });

  it.each(PORTAL_API_ROUTES.filter((r) => r.includes('{')))(
    'acme’s session gets 403 or 404 for globex’s resource on %s, and globex is unchanged',
    async (route) => {
      const before = await globexState();
      const { method, path } = pathFor(route, theirs);
      const answer = await p.portal(p.token('acme'), method, path, BODIES[route] ?? {});
      expect([403, 404]).toContain(answer.status);
      expect(answer.text).not.toContain('globex');
      expect(await globexState()).toBe(before);
    },
  );

  it.each(PORTAL_API_ROUTES.filter((r) => !r.includes('{')))(
    'acme’s session on %s answers acme’s data only, and globex is unchanged',
    async (route) => {
      const before = await globexState();
      const { method, path } = pathFor(route, {});
      const answer = await p.portal(p.token('acme'), method, path, BODIES[route] ?? {});
      expect(answer.status).toBeLessThan(300);
      expect(answer.text).not.toMatch(/globex|ep_2|msg_globex/);
      expect(await globexState()).toBe(before);
    },
  );

  it('takes the tenant from the session: acme’s own resources answer, a path cannot name another tenant', async () => {
    const token = p.token('acme');
    expect((await p.portal(token, 'GET', '/portal/api/endpoints/ep_1')).json.endpoint.tenantId).toBe('acme');
    for (const path of [
      '/portal/api/tenants/globex/endpoints',
      `/portal/api/endpoints/${encodeURIComponent('../../tenants/globex/endpoints/ep_2')}`,
      '/portal/api/endpoints/ep_2%2F..%2F..%2Fglobex',
    ])
      expect([400, 404]).toContain((await p.portal(token, 'GET', path)).status);
  });

  it('does not serve the operator routes under /portal/api', async () => {
    const operatorOnly = OUTBOUND_ROUTES.filter(
      (r) => PORTAL_ACCESS[r] === 'operator' && !PORTAL_ROUTES.has(portalRouteKey(r)),
    );
    expect(operatorOnly).toContain('POST /v1/tenants/{tenant}/portal-sessions');
    for (const route of operatorOnly) {
      const { method, path } = pathFor(portalRouteKey(route), { ...theirs, tenant: 'globex' });
      expect((await p.portal(p.token('acme'), method, path, {})).status, route).toBe(404);
    }
  });
});

describe('portal API: a read-only session', () => {
  it.each([...PORTAL_ROUTES].filter(([, target]) => !target.startsWith('GET ')).map(([key]) => key))(
    'is refused %s with 403 read_only_session, changing nothing',
    async (route) => {
      const ours = () => p.call('GET', '/v1/tenants/acme/endpoints').then((a) => a.text);
      const before = await ours();
      const { method, path } = pathFor(route, {
        endpoint: 'ep_1',
        delivery: 'dlv_x',
        message: 'msg_x',
        recovery: 'rcv_x',
      });
      const answer = await p.portal(p.token('acme', 'read'), method, path, BODIES[route] ?? {});
      expect([answer.status, answer.json.error]).toEqual([403, 'read_only_session']);
      expect(await ours()).toBe(before);
    },
  );

  it('reads everything a read-write session reads', async () => {
    const answer = await p.portal(p.token('acme', 'read'), 'GET', '/portal/api/endpoints/ep_1/status');
    expect(answer.status).toBe(200);
  });
});

describe('portal API: tokens refused on every route', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as object;
  const forged: Record<string, () => string> = {
    missing: () => '',
    expired: () => {
      const t = p.token('acme', 'write', 60);
      p.clock.now += 61_000;
      return t;
    },
    tampered: () => {
      const [h, , s] = p.token('acme').split('.');
      return `${h}.${b64({ ...claims(p.token('acme')), sub: 'globex' })}.${s}`;
    },
    'wrong key': () => {
      p.rotateKey('another-key-0123456789abcdef0123456789');
      const t = p.token('acme');
      p.rotateKey(PORTAL_KEY);
      return t;
    },
    'alg none': () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(p.token('acme')))}.`,
    'alg none, MACed': () => {
      const input = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(p.token('acme')))}`;
      return `${input}.${createHmac('sha256', PORTAL_KEY).update(input).digest('base64url')}`;
    },
  };

  it.each(Object.keys(forged))('refuses a %s token with 401 on every portal API route', async (kind) => {
    const token = forged[kind]!();
    for (const route of PORTAL_API_ROUTES) {
      const { method, path } = pathFor(route, {
        endpoint: 'ep_1',
        delivery: 'dlv_x',
        message: 'msg_x',
        recovery: 'rcv_x',
      });
      const answer = await p.portal(token, method, path, BODIES[route] ?? {});
      expect([answer.status, answer.json.error], route).toEqual([
        401,
        kind === 'expired' ? 'session_expired' : 'invalid_session',
      ]);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
    }
  });

  it('rotating the key revokes every session signed with the old one', async () => {
    const token = p.token('acme');
    expect((await p.portal(token, 'GET', '/portal/api/session')).status).toBe(200);
    p.rotateKey('rotated-key-0123456789abcdef0123456789ab');
    expect((await p.portal(token, 'GET', '/portal/api/session')).status).toBe(401);
  });

  it('never logs a token', async () => {
    const token = p.token('acme');
    await p.portal(token, 'GET', '/portal/api/endpoints');
    await p.portal(`${token}x`, 'GET', '/portal/api/endpoints');
    expect(JSON.stringify(p.log.lines)).not.toContain(token.split('.')[2]);
  });
});
