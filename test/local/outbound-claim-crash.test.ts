/**
 * Issue #18, 1: a worker killed (SIGKILL of the stack's process) while it holds the claim on an attempt, its request
 * already at the receiver. The next stack on the same data directory sends nothing while the claim's lease runs;
 * after it, the delivery is sent again with the same `webhook-id`, and its log shows the first attempt as one of
 * unknown outcome (`unknown`), at the time it was claimed. The claim lease and the delivery queue's visibility
 * timeout are shortened through the local stack's options (deployed: 70 s and 240 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { OutboundOptions } from '../../local/outbound';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';
import { startOutboundChild } from '../helpers/outbound-child';

const OPTIONS: OutboundOptions = { claimLeaseMs: 2_000, deliveryVisibilityTimeoutMs: 4_000 };

let dir: string;
let after: TestStack | undefined;
let server: Server | undefined;
afterEach(async () => {
  await after?.stop();
  after = undefined;
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it('after a kill -9 while a claim is held, the delivery goes again after the lease with the same webhook-id, and the unknown attempt is logged', async () => {
  dir = mkdtempSync(join(tmpdir(), 'outbound-claim-crash-'));
  let hold = true;
  const requests: Array<{ at: number; id: string }> = [];
  const held: ServerResponse[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ at: Date.now(), id: String(req.headers['webhook-id']) });
      if (hold) held.push(res);
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

  const child = await startOutboundChild(dir, OPTIONS);
  const post = (path: string, body: unknown) =>
    fetch(`${child.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect((await post('/v1/tenants/acme/endpoints', { url: receiverUrl })).status).toBe(201);
  const accepted = await post('/v1/tenants/acme/messages', { id: 'msg_claimed', type: 'invoice.paid', payload: {} });
  expect(accepted.status).toBe(202);
  // The request is at the receiver, unanswered: the worker holds the claim on attempt 1. Kill it now.
  await waitFor('the request held at the receiver', () => held.length === 1, 20_000);
  await child.kill();
  const heldAt = requests[0]!.at;
  hold = false;

  after = await startTestStack({ dataDir: dir, outbound: OPTIONS });
  const base = after.stack.url;
  const [listed] = (
    (await (await fetch(`${base}/v1/tenants/acme/deliveries`)).json()) as { deliveries: Array<{ deliveryId: string }> }
  ).deliveries;
  const show = async () =>
    (await (await fetch(`${base}/v1/tenants/acme/deliveries/${listed!.deliveryId}`)).json()) as {
      delivery: { status: string; attemptCount: number };
      attempts: Array<{ number: number; at: number; status?: number; error?: string }>;
    };
  await waitFor('the delivery delivered', async () => (await show()).delivery.status === 'delivered', 30_000);

  expect(requests.map((r) => r.id)).toEqual(['msg_claimed', 'msg_claimed']);
  expect(requests[1]!.at - heldAt).toBeGreaterThanOrEqual(OPTIONS.claimLeaseMs!);
  const { delivery, attempts } = await show();
  expect(delivery.attemptCount).toBe(2);
  expect(attempts).toMatchObject([
    { number: 1, error: 'unknown' },
    { number: 2, status: 200 },
  ]);
  expect(Math.abs(attempts[0]!.at - heldAt)).toBeLessThan(1_000);
}, 90_000);
