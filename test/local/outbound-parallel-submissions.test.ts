/**
 * Issue #18, 1: a producer retrying `POST /v1/tenants/T/messages` while the first submission is still fanning out.
 * 30 identical submissions of each of 5 messages, all at once, through the local stack: every one of them may wake
 * the delivery, yet the receiver sees exactly one request per delivery, and each delivery's log counts exactly the
 * requests the receiver saw (every request a receiver sees is a logged attempt).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';

const COPIES = 30;
const IDS = ['msg_p0', 'msg_p1', 'msg_p2', 'msg_p3', 'msg_p4'];

let t: TestStack | undefined;
let server: Server | undefined;
afterEach(async () => {
  await t?.stop();
  await new Promise((r) => server?.close(r));
});

it('30 parallel identical submissions of each of 5 messages: one request per delivery, and attemptCount equals the requests seen', async () => {
  const seen: string[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(String(req.headers['webhook-id']));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  t = await startTestStack();
  const base = t.stack.url;
  const created = await fetch(`${base}/v1/tenants/acme/endpoints`, {
    method: 'POST',
    body: JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks` }),
  });
  expect(created.status).toBe(201);

  const answers = await Promise.all(
    IDS.flatMap((id) =>
      Array.from({ length: COPIES }, async () => {
        const r = await fetch(`${base}/v1/tenants/acme/messages`, {
          method: 'POST',
          headers: { 'idempotency-key': id },
          body: `{"type":"order.paid","payload":{"id":"${id}"}}`,
        });
        return r.status;
      }),
    ),
  );
  expect(answers.filter((s) => s === 202)).toHaveLength(IDS.length);
  expect(answers.every((s) => s === 202 || s === 200)).toBe(true);

  const list = async () =>
    (
      (await (await fetch(`${base}/v1/tenants/acme/deliveries?limit=100`)).json()) as {
        deliveries: Array<{ messageId: string; status: string; attemptCount: number }>;
      }
    ).deliveries;
  await waitFor(
    'every delivery delivered',
    async () => (await list()).filter((d) => d.status === 'delivered').length === 5,
  );
  // Every wake-up still queued (the duplicates' too) has its turn before the count.
  const outbound = t.stack.outbound;
  await waitFor('the delivery queue drained', () => !outbound.queue.hasVisible() && outbound.worker.busy === 0);

  expect([...seen].sort()).toEqual([...IDS].sort());
  const deliveries = await list();
  expect(deliveries).toHaveLength(IDS.length);
  for (const d of deliveries) expect(d.attemptCount).toBe(seen.filter((id) => id === d.messageId).length);
}, 60_000);
