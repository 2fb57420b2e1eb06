/**
 * The portal in an iframe: a page of an origin listed in the portal's `frameAncestors` (config/portal.ts) shows it;
 * a page of any other origin gets nothing (the browser refuses to render it, as the CSP says).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { definePortal } from '../../lambdas/core/portal/settings';
import { startTestStack, type TestStack } from '../e2e/helpers';
import { describeInBrowser, useBrowser } from './browser';

/** A page that frames `portal` (set per request by the test). */
async function parentPage(): Promise<{ server: Server; url: string; frame: (src: string) => void }> {
  let src = 'about:blank';
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><title>app</title><iframe title="Webhooks" src="${src}" width="800" height="600"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    frame: (value) => (src = value),
  };
}

describeInBrowser('the portal in an iframe', () => {
  const browser = useBrowser();
  let t: TestStack;
  let allowed: Awaited<ReturnType<typeof parentPage>>;
  let other: Awaited<ReturnType<typeof parentPage>>;

  beforeAll(async () => {
    allowed = await parentPage();
    other = await parentPage();
    t = await startTestStack({
      outbound: { portal: definePortal({ frameAncestors: ["'self'", allowed.url.slice(0, -1)] }) },
    });
  });
  afterAll(async () => {
    await browser.closePages();
    for (const p of [allowed, other]) p?.server.close();
    await t?.stop();
  });

  const sessionUrl = async () => {
    const r = await fetch(`${t.stack.url}/v1/tenants/acme/portal-sessions`, { method: 'POST' });
    return ((await r.json()) as { url: string }).url;
  };

  it('shows in a page of an allowed origin', async () => {
    allowed.frame(await sessionUrl());
    const { page } = await browser.page();
    await page.goto(allowed.url);
    const frame = page.frameLocator('iframe');
    await frame.getByRole('heading', { name: 'Endpoints' }).waitFor();
  });

  it('is refused in a page of any other origin', async () => {
    other.frame(await sessionUrl());
    const { page, errors, requests } = await browser.page();
    await page.goto(other.url);
    await expect.poll(() => errors.join('\n')).toMatch(/frame-ancestors/);
    expect(await page.frameLocator('iframe').getByRole('heading', { name: 'Endpoints' }).count()).toBe(0);
    // The portal's script never ran there: it asked for no session.
    expect(requests.filter((u) => u.includes('/portal/api/'))).toEqual([]);
  });
});
