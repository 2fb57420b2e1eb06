/**
 * A crash (SIGKILL of the stack's process) while the circuit is half-open and its probe is in flight: the receiver
 * holds the probe request unanswered, so the kill lands exactly then. The next stack, on the same data directory,
 * finds the probe's lease still held and sends nothing until it expires; then another probe goes, closes the
 * circuit, and every message is delivered (at least once, each with its own `webhook-id`: the held probe's message
 * arrives again with the same one, and its log shows the held probe as an attempt of unknown outcome), none
 * exhausted. A real kill, not a simulated one: the half-open moment is made to last by the receiver, not caught by
 * timing. The claim lease and the wake-up's visibility timeout are shortened (deployed 70 s and 240 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DynamoEndpointStateStore } from '../../lambdas/adapters/dynamo-endpoint-state';
import { DEFAULT_OPERATIONS_SETTINGS } from '../../lambdas/core/outbound/admission/settings';
import { localDynamoClient } from '../../local/dynamo';
import { LOCAL_OUTBOUND_TABLE_NAME } from '../../local/outbound-table';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';
import { recordingLog } from '../helpers/outbound';
import { startOutboundChild } from '../helpers/outbound-child';

/** Three failures open the circuit; probes after 1 s; the shortest probe lease the settings allow (31 s). */
const OPERATIONS = {
  ...DEFAULT_OPERATIONS_SETTINGS,
  circuit: {
    ...DEFAULT_OPERATIONS_SETTINGS.circuit,
    consecutiveFailures: 3,
    coolDownSeconds: 1,
    probeLeaseSeconds: 31,
  },
};
const IDS = ['msg_h0', 'msg_h1', 'msg_h2', 'msg_h3', 'msg_h4'];
/** The dead probe's claim expires in seconds, not the deployed 70 s, and its wake-up comes back after 8 s, not 240 s. */
const CLAIMS = { claimLeaseMs: 5_000, deliveryVisibilityTimeoutMs: 8_000 };

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

it('after a crash while the probe is in flight, the lease lets another probe go once it expires, and nothing is lost', async () => {
  dir = mkdtempSync(join(tmpdir(), 'outbound-half-open-'));
  // The receiver: 503 until told to hold, then holds every request (the probe) unanswered; after the crash, 200.
  let mode: 'fail' | 'hold' | 'ok' = 'fail';
  const requests: Array<{ at: number; id: string; status: number | 'held' }> = [];
  const held: ServerResponse[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (mode === 'hold') {
        requests.push({ at: Date.now(), id, status: 'held' });
        held.push(res);
        return;
      }
      const status = mode === 'fail' ? 503 : 200;
      requests.push({ at: Date.now(), id, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

  const child = await startOutboundChild(dir, { operations: OPERATIONS, ...CLAIMS });
  const { url, lines } = child;
  const notified = (ls: ReadonlyArray<{ message: string; extra: unknown[] }>, type: string) =>
    ls.filter(
      (l) =>
        l.message === 'operator notification' &&
        (l.extra[0] as { notification: { type: string } }).notification.type === type,
    ).length;
  const post = (base: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const created = await post(url, '/v1/tenants/acme/endpoints', {
    url: receiverUrl,
    filterTypes: ['invoice.*'],
    retryDelaysSeconds: Array.from({ length: 10 }, () => 1),
  });
  const endpointId = ((await created.json()) as { endpoint: { endpointId: string } }).endpoint.endpointId;
  for (const id of IDS.slice(0, 3))
    expect((await post(url, '/v1/tenants/acme/messages', { id, type: 'invoice.paid', payload: { id } })).status).toBe(
      202,
    );
  await waitFor('the circuit to open', () => notified(lines, 'endpoint.circuit.opened') === 1, 30_000);
  for (const id of IDS.slice(3))
    expect((await post(url, '/v1/tenants/acme/messages', { id, type: 'invoice.paid', payload: { id } })).status).toBe(
      202,
    );
  // From now on the circuit is open: the only request that can reach the receiver is a probe. Hold it.
  mode = 'hold';
  await waitFor(
    'a probe in flight',
    () => held.length === 1 && lines.some((l) => l.message === 'delivery sent as the circuit probe'),
    30_000,
  );

  await child.kill();
  const crashedAt = Date.now();
  const heldId = requests.find((r) => r.status === 'held')!.id;
  mode = 'ok';
  const log = recordingLog();
  after = await startTestStack({ dataDir: dir, log, outbound: { operations: OPERATIONS, ...CLAIMS } });

  // The dead probe's lease is still held: half-open, and no other probe may go before it expires.
  const state = new DynamoEndpointStateStore(localDynamoClient(after.stack.dynamoEndpoint), LOCAL_OUTBOUND_TABLE_NAME);
  const circuit = (await state.read({ tenantId: 'acme', endpointId, kind: 'circuit' })).value;
  expect(circuit).toMatchObject({ status: 'open', probe: { leaseId: expect.any(String) } });
  const leaseExpiresAt = circuit?.status === 'open' ? circuit.probe!.expiresAt : 0;
  expect(leaseExpiresAt).toBeGreaterThan(crashedAt);

  const list = async (status: string) =>
    (
      (await (await fetch(`${after!.stack.url}/v1/tenants/acme/deliveries?status=${status}`)).json()) as {
        deliveries: Array<{ messageId: string }>;
      }
    ).deliveries;
  await waitFor('every message delivered', async () => (await list('delivered')).length === IDS.length, 90_000);

  const afterCrash = requests.filter((r) => r.at >= crashedAt);
  expect(afterCrash[0]!.at).toBeGreaterThanOrEqual(leaseExpiresAt);
  expect(log.lines.filter((l) => l.message === 'delivery sent as the circuit probe').length).toBeGreaterThanOrEqual(1);
  expect(notified(log.lines as Array<{ message: string; extra: unknown[] }>, 'endpoint.circuit.closed')).toBe(1);
  expect([...new Set(requests.filter((r) => r.status === 200).map((r) => r.id))].sort()).toEqual([...IDS].sort());
  expect(requests.filter((r) => r.id === heldId && r.status === 200).length).toBeGreaterThanOrEqual(1);
  expect(await list('exhausted')).toEqual([]);
  // The held probe is in its delivery's log as a probe of unknown outcome: its worker died before the answer.
  const heldDelivery = (await list('delivered')).find((d) => d.messageId === heldId) as unknown as {
    deliveryId: string;
  };
  const shown = (await (
    await fetch(`${after.stack.url}/v1/tenants/acme/deliveries/${heldDelivery.deliveryId}`)
  ).json()) as {
    attempts: Array<{ error?: string; probe?: boolean }>;
  };
  expect(shown.attempts.filter((a) => a.error === 'unknown')).toEqual([
    expect.objectContaining({ error: 'unknown', probe: true }),
  ]);
}, 150_000);
