/**
 * The tenant portal in a real browser against the local stack: a tenant adds an endpoint, sends a test event to a
 * local receiver, sees the delivery and its attempt, rotates the secret; a session of another tenant sees none of
 * it; a read-only session changes nothing; tenant strings are text, never markup; the token leaves the address bar
 * and travels only in a header; no request leaves the stack's origin; the page works by keyboard and at 375 px.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventTypes } from '../../config/event-types';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';
import { describeInBrowser, useBrowser, type TrackedPage } from './browser';

const HOSTILE = '<img src=x onerror="window.__xss=1">Billing & "ops"';

describeInBrowser('tenant portal', () => {
  const browser = useBrowser();
  let t: TestStack;
  let receiver: RecordingServer;

  beforeAll(async () => {
    t = await startTestStack({ outbound: { eventTypes } });
    receiver = await recordingServer();
    receiver.answer = { status: 200, body: { received: true } };
  });
  afterAll(async () => {
    await browser.closePages();
    await receiver?.close();
    await t?.stop();
  });

  async function session(tenant: string, readOnly = false): Promise<string> {
    const r = await fetch(`${t.stack.url}/v1/tenants/${tenant}/portal-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ readOnly }),
    });
    expect(r.status).toBe(201);
    return ((await r.json()) as { url: string }).url;
  }

  async function open(tenant: string, options: { readOnly?: boolean; width?: number } = {}): Promise<TrackedPage> {
    const tracked = await browser.page(options.width ? { width: options.width, height: 900 } : undefined);
    await tracked.page.goto(await session(tenant, options.readOnly));
    await tracked.page.getByRole('heading', { level: 1 }).waitFor();
    return tracked;
  }

  let endpointId = '';

  it('a tenant adds an endpoint, sends a test event, sees its delivery and attempt, and rotates the secret', async () => {
    const { page, requests, errors } = await open('acme');
    expect(page.url()).toBe(`${t.stack.url}/portal#/endpoints`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Endpoints');

    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hooks`);
    await page.getByLabel('Description').fill(HOSTILE);
    await page.getByLabel('Every event type').uncheck();
    await page.getByRole('checkbox', { name: /invoice\.paid/ }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.locator('#secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);

    await page.getByRole('link', { name: /show the endpoint/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(HOSTILE);
    endpointId = decodeURIComponent(page.url().split('/endpoints/')[1]!);
    await page.getByText('Send a test event').click();
    await expect.poll(() => page.locator('#test-type').inputValue()).toBe('invoice.paid');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('.attempt').waitFor();
    expect(await page.locator('.attempt').textContent()).toContain('HTTP 200');
    // A 2xx response body is not kept (decision 0027): the attempt shows its status and latency only.
    expect(await page.locator('.attempt pre').count()).toBe(0);

    // The receiver got the catalog's example, signed with the secret the portal showed once.
    const got = receiver.received.find((r) => r.url === '/hooks')!;
    const verified = new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as { data: unknown };
    expect(verified.data).toEqual({ invoice: 'in_1', amount: 4200, currency: 'EUR' });

    await page.getByRole('link', { name: 'Deliveries' }).first().click();
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody').textContent()).toContain('delivered');
    await page.locator('tbody a').first().click();
    await page.getByRole('heading', { name: 'Attempts' }).waitFor();
    expect(await page.locator('.attempt').textContent()).toMatch(/#1.*HTTP 200/);

    await page.goto(`${t.stack.url}/portal#/endpoints/${endpointId}`);
    await page.getByText('Signing secret').click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    await expect.poll(() => page.locator('#secret').textContent()).toMatch(/^whsec_/);
    expect(await page.locator('#secret').textContent()).not.toBe(secret);
    await page.reload();
    await page.getByRole('heading', { name: 'Health' }).waitFor();

    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${t.stack.url}/`))).toEqual([]);
  });

  it('keeps the token out of the address bar, out of cookies, and in the Authorization header of each API call', async () => {
    const { page } = await open('acme');
    const headers: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/portal/api/')) headers.push(r.headers().authorization);
    });
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByRole('heading', { name: 'invoice.paid' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(await page.context().cookies()).toEqual([]);
    expect(headers.length).toBeGreaterThan(0);
    for (const h of headers) expect(h).toMatch(/^Bearer eyJ/);
  });

  it('a session of another tenant sees nothing of this one', async () => {
    const { page } = await open('globex');
    expect(await page.locator('main').textContent()).toContain('No endpoints yet');
    await page.goto(`${t.stack.url}/portal#/endpoints/${encodeURIComponent(endpointId)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('No such endpoint.');
    await page.goto(`${t.stack.url}/portal#/deliveries`);
    await page.getByText('No deliveries match.').waitFor();
    expect(await page.content()).not.toContain(receiver.url);
  });

  it('a read-only session shows everything and offers no change', async () => {
    const { page } = await open('acme', { readOnly: true });
    expect(await page.locator('header').textContent()).toContain('read-only');
    expect(await page.getByRole('link', { name: 'Add endpoint' }).count()).toBe(0);
    await page.locator('tbody a').first().click();
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    expect(await page.getByText('Read-only session').count()).toBe(1);
    expect(await page.getByRole('button').count()).toBe(0);
  });

  it('ends the session on the page when the signing key is rotated', async () => {
    const { page } = await open('acme');
    t.stack.outbound.portal.rotate();
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'No session' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('is usable by keyboard alone: the new page’s heading takes focus, links and buttons are reached with Tab', async () => {
    const { page } = await open('acme');
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
    let focused = '';
    for (let i = 0; i < 15 && focused !== 'Add endpoint'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>("document.activeElement?.textContent ?? ''");
    }
    expect(focused).toBe('Add endpoint');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Add an endpoint' }).waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('url');
    await page.keyboard.type('not a url');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/url/);
  });

  it('is readable at 375 px: no page scrolls sideways', async () => {
    const { page } = await open('acme', { width: 375 });
    for (const hash of [
      '#/endpoints',
      `#/endpoints/${encodeURIComponent(endpointId)}`,
      '#/deliveries',
      '#/event-types',
    ]) {
      await page.goto(`${t.stack.url}/portal${hash}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await waitFor('the page to load', async () => (await page.locator('.loading').count()) === 0);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, hash).toBeLessThanOrEqual(0);
    }
    await page.goto(`${t.stack.url}/portal#/endpoints/${encodeURIComponent(endpointId)}`);
    await page.getByRole('heading', { name: 'Health' }).waitFor();
  });
});
