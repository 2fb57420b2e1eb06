/**
 * Recovery end to end through the local stack and the CLI: deliveries skipped while their endpoint was disabled are
 * sent again by `endpoints recover`, each once; `messages replay` sends stored messages again with their webhook-id;
 * a recovery that fails half-way and is run again sends only the rest. The receiver counts what it got per message.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let t: TestStack;
let server: Server;
let receiverUrl = '';
/** Every request: its webhook-id and what it was answered. */
let received: Array<{ id: string; status: number }> = [];
/** Answer of the next requests; `hold` keeps them waiting until `release`. */
let answer = 200;
let held: Array<() => void> = [];
let hold = false;

beforeEach(async () => {
  received = [];
  answer = 200;
  held = [];
  hold = false;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = () => {
        received.push({ id: String(req.headers['webhook-id']), status: answer });
        res.writeHead(answer).end();
      };
      if (hold) held.push(reply);
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  t = await startTestStack();
});
afterEach(async () => {
  await t.stop();
  await new Promise((r) => server.close(r));
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.stack.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on by shape
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

async function cli(...args: string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return {
    code,
    io,
    json: code === 0 && args.includes('--json') ? (JSON.parse(io.stdout[0]!) as Record<string, unknown>) : undefined,
  };
}

const deliveredIds = () =>
  received
    .filter((r) => r.status === 200)
    .map((r) => r.id)
    .sort();
const statuses = async (status: string) =>
  (await call('GET', `/v1/tenants/acme/deliveries?status=${status}`)).json.deliveries as Array<{ skipReason?: string }>;

/**
 * `ids.length` deliveries that were `skipped` because their endpoint was disabled when they fell due: each first
 * attempt is held at the receiver until the endpoint is disabled, then fails (503), and its retry finds the endpoint
 * disabled. The endpoint is enabled again afterwards (and the receiver answers 200); returns its id.
 */
async function skippedWhileDisabled(ids: readonly string[]): Promise<string> {
  const created = await call('POST', '/v1/tenants/acme/endpoints', {
    url: receiverUrl,
    filterTypes: ['invoice.*'],
    retryDelaysSeconds: [1, 1],
  });
  const endpointId = created.json.endpoint.endpointId as string;
  hold = true;
  for (const id of ids)
    expect(
      (await call('POST', '/v1/tenants/acme/messages', { id, type: 'invoice.paid', payload: { id } })).status,
    ).toBe(202);
  await waitFor('every first attempt at the receiver', () => held.length === ids.length);
  await call('PATCH', `/v1/tenants/acme/endpoints/${endpointId}`, { enabled: false });
  answer = 503;
  hold = false;
  for (const reply of held) reply();
  await waitFor('every delivery skipped', async () => (await statuses('skipped')).length === ids.length);
  expect((await statuses('skipped')).every((d) => d.skipReason === 'endpoint_disabled')).toBe(true);
  answer = 200;
  await call('PATCH', `/v1/tenants/acme/endpoints/${endpointId}`, { enabled: true });
  return endpointId;
}

describe('recovery through the local stack', () => {
  it('endpoints recover re-delivers what was skipped while the endpoint was disabled, each once; the same recover again queues 0', async () => {
    const since = new Date().toISOString();
    const ids = ['msg_r1', 'msg_r2', 'msg_r3'];
    const endpointId = await skippedWhileDisabled(ids);

    const first = await cli(
      'endpoints',
      'recover',
      endpointId,
      '--tenant',
      'acme',
      '--since',
      since,
      '--url',
      t.stack.url,
      '--json',
    );

    expect(first.json).toMatchObject({ queued: 3, notRecoverable: 0 });
    await waitFor('every recovered delivery delivered', async () => (await statuses('delivered')).length === 3);
    expect(deliveredIds()).toEqual(ids);
    const again = await cli(
      'endpoints',
      'recover',
      endpointId,
      '--tenant',
      'acme',
      '--since',
      since,
      '--url',
      t.stack.url,
    );
    expect(again.code).toBe(0);
    expect(again.io.stdout[0]).toMatch(
      new RegExp(
        `^queued 0 deliveries of ${endpointId} to be sent again \\(0 more in the window not recoverable\\)  recovery rcv_`,
      ),
    );
    expect(again.io.stdout[1]).toMatch(/^3 deliveries were already queued by an earlier run of this recovery /);
  }, 60_000);

  it('a recovery that fails half-way and is run again queues only the rest, and every delivery is delivered once', async () => {
    const since = new Date().toISOString();
    const ids = ['msg_c1', 'msg_c2', 'msg_c3', 'msg_c4', 'msg_c5'];
    const endpointId = await skippedWhileDisabled(ids);
    // The table fails the third requeue, as a store outage or a timeout would: the run stops there.
    let requeues = 0;
    t.stack.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (
          context.commandName === 'UpdateItemCommand' &&
          input.UpdateExpression?.includes('recoveryIds') &&
          ++requeues === 3
        )
          throw new Error('injected: store unavailable');
        return next(args);
      },
      { step: 'initialize', name: 'failThirdRequeue' },
    );
    const recover = () =>
      cli('endpoints', 'recover', endpointId, '--tenant', 'acme', '--since', since, '--url', t.stack.url, '--json');

    const interrupted = await recover();
    const resumed = await recover();

    expect(interrupted.code).toBe(1);
    // Under --json the failure is JSON on stderr, with the API's code.
    expect(JSON.parse(interrupted.io.stderr[0]!)).toMatchObject({
      error: { code: 'internal_error', message: expect.stringMatching(/^500 /) },
    });
    expect(resumed.json).toMatchObject({ queued: 3, alreadyQueued: 2, notRecoverable: 0 });
    await waitFor('every delivery delivered', async () => (await statuses('delivered')).length === 5);
    expect(deliveredIds()).toEqual(ids);
  }, 60_000);

  it('messages replay sends stored messages again with the same webhook-id; rerunning it creates nothing', async () => {
    const since = new Date().toISOString();
    await call('POST', '/v1/tenants/acme/endpoints', { url: receiverUrl, filterTypes: ['invoice.*'] });
    for (const id of ['msg_p1', 'msg_p2'])
      await call('POST', '/v1/tenants/acme/messages', { id, type: 'invoice.paid', payload: { id } });
    await call('POST', '/v1/tenants/acme/messages', { id: 'msg_o1', type: 'order.paid', payload: {} });
    await waitFor('both delivered', () => received.length === 2);

    const replay = () =>
      cli(
        'messages',
        'replay',
        '--tenant',
        'acme',
        '--since',
        since,
        '--type',
        'invoice.*',
        '--url',
        t.stack.url,
        '--json',
      );
    const first = await replay();
    await waitFor('both delivered again', () => received.length === 4);
    const rerun = await replay();

    expect(first.json).toMatchObject({ matched: 2, queued: 2, replayId: expect.stringMatching(/^rpl_/) });
    expect(
      received
        .slice(2)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['msg_p1', 'msg_p2']);
    expect(rerun.json).toMatchObject({ matched: 2, queued: 0 });
  }, 60_000);
});
