/**
 * The operator console (`/_local/console`) in a real browser against the local stack: an operator sees a source's
 * requests and rejections, sees a dead letter and redrives it (the event then completes), and sees every tenant's
 * endpoints by state, each tenant's pages one click away.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from '../e2e/helpers';
import { describeInBrowser, useBrowser } from './browser';

describeInBrowser('operator console', () => {
  const browser = useBrowser();
  let t: TestStack;
  /** While true, every processing attempt of `stripe` fails (the injected fault's draw is below its rate). */
  let failing = true;
  let eventId = '';

  beforeAll(async () => {
    t = await startTestStack({
      processingFaults: { failRate: new Map([['stripe', 0.5]]), slow: new Map() },
      random: () => (failing ? 0 : 0.99),
      timing: { visibilityTimeoutMs: 50 },
    });
    const v1 = (method: string, path: string, body: unknown) =>
      fetch(`${t.stack.url}/v1${path}`, { method, body: JSON.stringify(body) });
    await v1('POST', '/tenants/acme/endpoints', { url: 'http://127.0.0.1:9/hooks', description: 'Billing' });
    await v1('POST', '/tenants/globex/endpoints', { url: 'http://127.0.0.1:9/globex', enabled: false });
    const request = signedRequest(t.stack.url, 'stripe');
    eventId = request.eventId!;
    expect((await post(request)).status).toBe(202);
    expect((await post({ ...request, headers: { ...request.headers, 'stripe-signature': 't=1,v1=00' } })).status).toBe(
      401,
    );
    await waitFor('the event in the dead-letter queue', () => t.stack.queues.get('stripe')!.stats().deadLetters === 1);
  });
  afterAll(async () => {
    await browser.closePages();
    await t?.stop();
  });

  it('shows a dead letter and redrives it; the event then completes', async () => {
    const { page, errors, requests } = await browser.page();
    await page.goto(`${t.stack.url}/_local/console`);
    await page.getByRole('heading', { name: 'Inbound sources' }).waitFor();
    const stripe = page.getByRole('region', { name: /^stripe/ });
    expect(await stripe.textContent()).toMatch(/2 requests.*1 accepted.*1 rejected.*invalid_signature 1/s);
    expect(await stripe.getByRole('img').getAttribute('aria-label')).toMatch(/2 requests in all/);

    const row = page.getByRole('row', { name: /^stripe/ });
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('1');
    await row.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('heading', { name: 'Dead letters of stripe' }).waitFor();
    expect(await page.locator('.letters').textContent()).toContain(eventId);

    failing = false;
    await row.getByRole('button', { name: 'Redrive stripe' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Redrive of stripe: 1 message moved back to the queue.');
    await waitFor(
      'the redriven event to complete',
      async () => (await t.stack.getEvent('stripe', eventId))?.status === 'completed',
    );

    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('Source').fill('stripe');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page
      .getByRole('row', { name: /stripe/ })
      .first()
      .waitFor();
    expect(await page.locator('tbody').textContent()).toContain('completed');
    await page.locator('tbody a').first().click();
    await page.getByRole('heading', { name: `Event ${eventId}` }).waitFor();
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${t.stack.url}/`))).toEqual([]);
  });

  it('shows every tenant’s endpoints by state, and a tenant’s pages with a portal link', async () => {
    const { page } = await browser.page();
    await page.goto(`${t.stack.url}/_local/console#/tenants`);
    await page.getByRole('heading', { name: 'Endpoints of every tenant' }).waitFor();
    expect(await page.getByRole('list', { name: 'Endpoints by state' }).textContent()).toMatch(
      /healthy: 1.*disabled: 1/s,
    );
    expect(await page.getByRole('row', { name: /globex/ }).textContent()).toContain('disabled');
    await page.getByRole('link', { name: 'acme', exact: true }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await page.locator('tbody').textContent()).toContain('Billing');
    await page.getByRole('button', { name: 'Portal link' }).click();
    const link = page.getByRole('link', { name: /portal as acme/ });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${t.stack.url}/portal#token=`));
  });

  it('opens from a console session link at /console (as deployed): the token leaves the address bar, every call carries it', async () => {
    const minted = await fetch(`${t.stack.url}/v1/console-sessions`, {
      method: 'POST',
      body: JSON.stringify({ readOnly: true }),
    });
    expect(minted.status).toBe(201);
    const { url } = (await minted.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${t.stack.url}/console#token=`));
    const { page, errors, requests } = await browser.page();
    await page.goto(url);
    await page.getByRole('heading', { name: 'Inbound sources' }).waitFor();
    expect(page.url()).toBe(`${t.stack.url}/console#/overview`);
    expect(await page.getByText(/operator console · read-only/).count()).toBe(1);
    // Read-only: the queues show, the redrive button does not.
    await page.getByRole('row', { name: /^stripe/ }).waitFor();
    expect(await page.getByRole('button', { name: /^Redrive/ }).count()).toBe(0);
    await page.goto(`${t.stack.url}/console#/t/acme/endpoints`);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await page.locator('tbody').textContent()).toContain('Billing');
    expect(await page.getByRole('button', { name: 'Portal link' }).count()).toBe(0);
    const calls = requests.filter((u) => u.includes('/api/'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((u) => u.startsWith(`${t.stack.url}/console/api/`))).toBe(true);
    expect(errors).toEqual([]);
    // Without the session the same API answers 401.
    expect((await fetch(`${t.stack.url}/console/api/overview`)).status).toBe(401);
  });

  it('opens a tenant’s portal from a read-write console session (as deployed), through the console API', async () => {
    const minted = await fetch(`${t.stack.url}/v1/console-sessions`, { method: 'POST', body: '{}' });
    const { url } = (await minted.json()) as { url: string };
    const { page, requests } = await browser.page();
    await page.goto(url);
    await page.getByRole('heading', { name: 'Inbound sources' }).waitFor();
    await page.goto(`${t.stack.url}/console#/t/acme/endpoints`);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.getByRole('button', { name: 'Portal link' }).click();
    const link = page.getByRole('link', { name: /portal as acme/ });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${t.stack.url}/portal#token=`));
    expect(requests).toContain(`${t.stack.url}/console/api/tenants/acme/portal-sessions`);
  });

  it('is not framed by any page, and is refused to a cross-site request', async () => {
    const page = await fetch(`${t.stack.url}/_local/console`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const crossSite = await fetch(`${t.stack.url}/_local/console/api/overview`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
  });
});
