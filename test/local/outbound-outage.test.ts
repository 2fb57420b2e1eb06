/**
 * An outage end to end through the local stack: a receiver that fails for a while, then recovers. The circuit
 * opens (and says so), later deliveries are parked without using attempts, a probe finds the receiver back, the
 * circuit closes, and every message is delivered, none exhausted, never faster than the endpoint's rate limit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OPERATIONS_SETTINGS } from '../../lambdas/core/outbound/admission/settings';
import { maxInWindow } from '../../lambdas/core/outbound/admission/token-bucket';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';
import { recordingLog } from '../helpers/outbound';

const LIMIT = { perSecond: 4, burst: 1 };
let t: TestStack | undefined;
let server: Server | undefined;

afterEach(async () => {
  await t?.stop();
  await new Promise((r) => server?.close(r));
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${t!.stack.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on by shape
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

describe('an endpoint outage through the local stack', () => {
  it('opens the circuit, parks deliveries without using attempts, and after recovery delivers everything at the rate limit, none twice', async () => {
    let failing = true;
    const requests: Array<{ at: number; status: number; id: string }> = [];
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = failing ? 503 : 200;
        requests.push({ at: Date.now(), status, id: String(req.headers['webhook-id']) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

    const log = recordingLog();
    const operations = {
      ...DEFAULT_OPERATIONS_SETTINGS,
      circuit: { ...DEFAULT_OPERATIONS_SETTINGS.circuit, consecutiveFailures: 3, coolDownSeconds: 1 },
    };
    t = await startTestStack({ log, outbound: { operations } });
    const notified = (type: string) =>
      log.lines.filter(
        (l) =>
          l.message === 'operator notification' &&
          (l.extra[0] as { notification: { type: string } }).notification.type === type,
      );
    const created = await call('POST', '/v1/tenants/acme/endpoints', {
      url,
      filterTypes: ['invoice.*'],
      retryDelaysSeconds: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      rateLimit: LIMIT,
    });
    expect(created.status).toBe(201);

    for (let i = 0; i < 3; i++)
      await call('POST', '/v1/tenants/acme/messages', { id: `msg_a${i}`, type: 'invoice.paid', payload: { i } });
    await waitFor('the circuit to open', () => notified('endpoint.circuit.opened').length === 1, 30_000);

    for (let i = 0; i < 5; i++)
      await call('POST', '/v1/tenants/acme/messages', { id: `msg_b${i}`, type: 'invoice.paid', payload: { i } });
    await waitFor(
      'the new deliveries to be parked',
      () => log.lines.filter((l) => l.message === 'delivery parked: the endpoint circuit is open').length >= 5,
      30_000,
    );
    const pending = await call('GET', '/v1/tenants/acme/deliveries?status=pending');
    // Pending = never attempted (a first message may have been throttled, then parked, before its first try).
    const waiting = pending.json.deliveries as Array<{ messageId: string; attemptCount: number }>;
    expect(waiting.map((d) => d.messageId)).toEqual(
      expect.arrayContaining(['msg_b0', 'msg_b1', 'msg_b2', 'msg_b3', 'msg_b4']),
    );
    expect(waiting.every((d) => d.attemptCount === 0)).toBe(true);
    const failedWhileOpen = requests.length;

    failing = false;
    await waitFor(
      'every message to be delivered',
      async () =>
        ((await call('GET', '/v1/tenants/acme/deliveries?status=delivered')).json.deliveries as unknown[]).length === 8,
      45_000,
    );
    expect(notified('endpoint.circuit.closed')).toHaveLength(1);
    expect((await call('GET', '/v1/tenants/acme/deliveries?status=exhausted')).json.deliveries).toEqual([]);
    // While the circuit was open only probes reached the receiver: a few, not one per delivery per retry.
    expect(failedWhileOpen).toBeLessThanOrEqual(3 + 2 + 1);
    // No duplicates when the circuit closes: each message answered 200 once, and every request the receiver saw is
    // an attempt in its delivery's log (the release and the parked wake-ups both wake a delivery; one claim sends).
    const delivered = requests.filter((r) => r.status === 200).map((r) => r.id);
    expect(delivered.length).toBe(new Set(delivered).size);
    const all = (await call('GET', '/v1/tenants/acme/deliveries?limit=100')).json.deliveries as Array<{
      attemptCount: number;
    }>;
    expect(all.reduce((n, d) => n + d.attemptCount, 0)).toBe(requests.length);
    const times = requests.map((r) => r.at).sort((a, b) => a - b);
    for (const start of times)
      expect(times.filter((x) => x >= start && x < start + 1000).length).toBeLessThanOrEqual(maxInWindow(LIMIT, 1100));
  }, 90_000);
});
