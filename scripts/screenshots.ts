/**
 * `npm run screenshots`: the pictures of docs/screenshots/, taken in headless Chromium from an in-memory local stack
 * with demo data: tenant acme's endpoints (one of them with a day of delivery history written straight to the store,
 * an outage included, so its charts have something to show), real test events to a local receiver, inbound events
 * with a rejection and a dead letter. Needs Chromium (apt-get install chromium, or CHROMIUM_PATH).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { eventTypes } from '../config/event-types';
import { silentLog } from '../lambdas/core/kernel/log';
import type { Attempt, Delivery } from '../lambdas/core/outbound/model';
import { startLocalStack } from '../local/stack';
import { post, signedRequest } from '../test/e2e/helpers';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const HOUR = 3_600_000;

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'), 30);
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

let failing = true;
const stack = await startLocalStack({
  port: 0,
  log: silentLog,
  outbound: { eventTypes },
  processingFaults: { failRate: new Map([['github', 0.5]]), slow: new Map() },
  random: () => (failing ? 0 : 0.99),
  timing: { visibilityTimeoutMs: 50, batchingWindowMs: 0, sweepIntervalMs: 0 },
});
/** A `/v1` call; the answers used here are read by shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- demo data, read by shape
const v1 = async (method: string, path: string, body?: unknown): Promise<any> =>
  (await fetch(`${stack.url}/v1${path}`, { method, ...(body !== undefined && { body: JSON.stringify(body) }) })).json();

const billing = (await v1('POST', '/tenants/acme/endpoints', {
  url: `${receiverUrl}/billing`,
  description: 'Billing',
  filterTypes: ['invoice.*'],
})) as { endpoint: { endpointId: string } };
await v1('POST', '/tenants/acme/endpoints', {
  url: `${receiverUrl}/crm`,
  description: 'CRM',
  filterTypes: ['customer.created'],
});
const legacy = (await v1('POST', '/tenants/acme/endpoints', {
  url: `${receiverUrl}/legacy`,
  description: 'Legacy',
})) as {
  endpoint: { endpointId: string };
};
await v1('PATCH', `/tenants/acme/endpoints/${legacy.endpoint.endpointId}`, { enabled: false });
await v1('POST', '/tenants/globex/endpoints', { url: `${receiverUrl}/globex`, description: 'Orders' });

// A day of Billing's deliveries: one every few minutes, most quick, some slow, and a 40-minute outage 6 hours ago.
const endpointId = billing.endpoint.endpointId;
const now = Date.now();
let n = 0;
for (let at = now - 24 * HOUR + 60_000; at < now - 5 * 60_000; at += at > now - HOUR ? 90_000 : 7 * 60_000) {
  const id = `dlv_demo_${++n}`;
  const outage = at > now - 6 * HOUR && at < now - 6 * HOUR + 40 * 60_000;
  const status = outage ? 503 : n % 37 === 0 ? 500 : 200;
  const latencyMs = Math.round(60 + 90 * Math.abs(Math.sin(n)) + (n % 23 === 0 ? 700 : 0));
  const delivery: Delivery = {
    tenantId: 'acme',
    deliveryId: id,
    messageId: `msg_demo_${n}`,
    endpointId,
    status: 'pending',
    attemptCount: 0,
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
  };
  const attempt: Attempt = {
    tenantId: 'acme',
    deliveryId: id,
    endpointId,
    messageId: delivery.messageId,
    number: 1,
    at,
    latencyMs,
    status,
    responseBody: status === 200 ? '{"received":true}' : '{"error":"unavailable"}',
  };
  await stack.outbound.deliveries.createIfAbsent([delivery]);
  // As a worker does: claim the attempt, then record it under the claim.
  const claim = { attempt: 1, token: `demo_${n}`, at, until: at + 60_000 };
  await stack.outbound.deliveries.claim({ tenantId: 'acme', deliveryId: id, expectedAttemptCount: 0, claim });
  await stack.outbound.deliveries.recordAttempt(
    attempt,
    { status: status === 200 ? 'delivered' : 'exhausted', attemptCount: 1, updatedAt: at },
    claim.token,
  );
}
for (const type of ['invoice.paid', 'invoice.payment_failed'])
  await v1('POST', `/tenants/acme/endpoints/${endpointId}/test`, { type });

// Inbound: accepted events, one refused signature, one dead letter.
for (let i = 0; i < 6; i++) await post(signedRequest(stack.url, 'stripe'));
const bad = signedRequest(stack.url, 'stripe');
await post({ ...bad, headers: { ...bad.headers, 'stripe-signature': 't=1,v1=00' } });
await post(signedRequest(stack.url, 'github'));
while (stack.queues.get('github')!.stats().deadLetters === 0) await new Promise((r) => setTimeout(r, 20));
failing = false;

const profile = mkdtempSync(join(tmpdir(), 'screenshots-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1200, height: 900 },
  colorScheme: 'light',
});
const page = browser.pages()[0] ?? (await browser.newPage());
const shot = async (p: Page, name: string, wait: string) => {
  await p.getByRole('heading', { name: wait }).first().waitFor();
  await p.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  console.log(`docs/screenshots/${name}.png`);
};

const session = (await v1('POST', '/tenants/acme/portal-sessions')) as { url: string };
await page.goto(session.url);
await shot(page, 'portal-endpoints', 'Endpoints');
await page.goto(`${stack.url}/portal#/endpoints/${endpointId}`);
await shot(page, 'portal-endpoint', 'Health');
await page.goto(`${stack.url}/portal#/deliveries`);
await page.locator('tbody a').first().click();
await shot(page, 'portal-delivery', 'Attempts');
await page.goto(`${stack.url}/portal#/event-types`);
await shot(page, 'portal-event-types', 'Event types');
await page.setViewportSize({ width: 375, height: 800 });
await page.goto(`${stack.url}/portal#/endpoints/${endpointId}`);
await shot(page, 'portal-375px', 'Health');
await page.setViewportSize({ width: 1200, height: 900 });
await page.goto(`${stack.url}/_local/console`);
await page
  .getByRole('row', { name: /^github/ })
  .getByRole('button', { name: 'Show' })
  .click();
await shot(page, 'console', 'Dead letters of github');
await page.goto(`${stack.url}/_local/console#/tenants`);
await shot(page, 'console-tenants', 'Endpoints of every tenant');

await browser.close();
rmSync(profile, { recursive: true, force: true });
await stack.stop();
receiver.close();
receiver.closeAllConnections();
