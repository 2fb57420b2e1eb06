/**
 * The portal's page and assets through the API function, as deployed: the page with its CSP (its frame ancestors
 * from the settings), content-hashed assets cached for good, the console's page never served here, and a session
 * link minted for the address the request came to.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { freshOutboundTable } from '../helpers/outbound-table';
import { portalUnderTest } from '../helpers/portal';
import { buildWebAssets } from '../../web/build';

const dynamo = useEmbeddedDynamo();
let p: ReturnType<typeof portalUnderTest>;

beforeAll(async () => {
  await freshOutboundTable(dynamo.client, 'portal-pages');
  p = portalUnderTest({ dynamo: dynamo.client, tableName: 'portal-pages', assets: await buildWebAssets() });
});

describe('GET /portal and its assets', () => {
  it('serves the page with a CSP allowing only its own script, never cached', async () => {
    const page = await p.call('GET', '/portal');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'.*frame-ancestors 'self'$/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the hashed script it names, cached for good', async () => {
    const script = /\/portal\/assets\/(app-[0-9a-f]{10}\.js)/.exec((await p.call('GET', '/portal')).text)![1]!;
    const asset = await p.call('GET', `/portal/assets/${script}`);
    expect([asset.status, asset.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['console.html', 'index.html.bak', '..%2Fpackage.json'])(
    'answers 404 for /portal/assets/%s',
    async (name) => {
      expect((await p.call('GET', `/portal/assets/${name}`)).status).toBe(404);
    },
  );

  it('mints a session link for the address the request came to, marked no-store', async () => {
    const r = await p.call('POST', '/v1/tenants/acme/portal-sessions', { readOnly: true, expiresInSeconds: 600 });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      tenant: 'acme',
      scope: 'read',
      url: expect.stringMatching(/^https:\/\/api\.test\/portal#token=/),
    });
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await p.call('POST', '/v1/tenants/acme/portal-sessions', { expiresInSeconds: 10 })).json.message).toBe(
      'expiresInSeconds: must be at least 60',
    );
  });
});
