/**
 * The outbound surface end to end on the local stack, through the CLI where an operator would use it: the SSRF
 * guard's loopback allowance admits loopback itself and no IPv6 form embedding it; a receiver credential in a
 * header reaches the receiver and nothing else (not the table, not the CLI); `deliveries list` prints every
 * delivery (more than the 50 it used to stop at, silently), `messages list|show`, and `recoveries show`.
 */
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { createListener } from '../../cli/lib/listener';
import { captureIo } from '../helpers/cli-io';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let t: TestStack;
let receiver: ReturnType<typeof createListener>;
let port = 0;
let secret = '';

beforeAll(async () => {
  t = await startTestStack();
  receiver = createListener({ secret: () => secret, statuses: [200] });
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  port = (receiver.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => receiver?.server.close(r));
});

async function cli(...args: string[]) {
  const io = captureIo();
  const code = await runCli([...args, '--url', t.stack.url], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

async function addEndpoint(tenant: string, url: string, ...more: string[]) {
  return cli('endpoints', 'add', '--tenant', tenant, '--endpoint-url', url, ...more, '--json');
}

describe('the local loopback allowance (127.0.0.0/8, ::1/128)', () => {
  it.each([
    ['IPv4-compatible', `http://[::127.0.0.1]:PORT/hooks`],
    ['NAT64', `http://[64:ff9b::7f00:1]:PORT/hooks`],
    ['6to4', `http://[2002:7f00:1::]:PORT/hooks`],
  ])('refuses the %s form of loopback at registration (422), so nothing is ever sent there', async (_form, url) => {
    const r = await addEndpoint('ssrf', url.replace('PORT', String(port)));

    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr[0]!)).toMatchObject({ error: { code: 'url_refused' } });
  });

  it('refuses port 0', async () => {
    const r = await addEndpoint('ssrf', 'http://127.0.0.1:0/hooks');

    expect(JSON.parse(r.stderr[0]!)).toMatchObject({ error: { code: 'url_refused' } });
  });

  it('admits loopback itself, in its IPv4-mapped form too (it is IPv4 on the socket)', async () => {
    const r = await addEndpoint('ssrf', `http://[::ffff:127.0.0.1]:${port}/hooks`);

    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout[0]!).endpoint.url).toBe(`http://[::ffff:7f00:1]:${port}/hooks`);
  });
});

describe('a receiver credential in a header', () => {
  it('reaches the receiver, and is in neither the table nor anything the CLI prints', async () => {
    const added = await addEndpoint(
      'creds',
      `http://127.0.0.1:${port}/hooks`,
      '--header',
      'Authorization: Bearer rcv_live_local',
    );
    secret = JSON.parse(added.stdout[0]!).secret as string;
    const id = JSON.parse(added.stdout[0]!).endpoint.endpointId as string;

    await cli('messages', 'send', '--tenant', 'creds', '--type', 'invoice.paid', '--data', '{}');
    await waitFor('the request', () => receiver.received.length > 0);
    const shown = await cli('endpoints', 'show', id, '--tenant', 'creds');
    const listed = await cli('endpoints', 'list', '--tenant', 'creds', '--json');
    const items = await t.stack.dynamo.send(new ScanCommand({ TableName: t.stack.outbound.tableName }));

    expect(receiver.received.at(-1)!.headers.authorization).toBe('Bearer rcv_live_local');
    expect(shown.stdout.join('\n')).toContain('extra headers authorization');
    expect(JSON.stringify([added.stdout, shown.stdout, listed.stdout])).not.toContain('rcv_live_local');
    expect(JSON.stringify(items.Items)).not.toContain('rcv_live_local');
  });
});

describe('lists and runs through the CLI', () => {
  let endpointId = '';
  const since = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    // A disabled endpoint: each message becomes a skipped delivery at once, nothing is sent.
    const added = await addEndpoint('bulk', 'http://127.0.0.1:9/hooks');
    endpointId = JSON.parse(added.stdout[0]!).endpoint.endpointId as string;
    await cli('endpoints', 'disable', endpointId, '--tenant', 'bulk');
    for (let i = 0; i < 60; i++)
      await cli('messages', 'send', '--tenant', 'bulk', '--type', 'order.paid', '--data', '{}', '--id', `m_${i}`);
  }, 60_000);

  it('deliveries list prints every delivery under a header row; --limit says how many there are', async () => {
    const all = await cli('deliveries', 'list', '--tenant', 'bulk');
    const some = await cli('deliveries', 'list', '--tenant', 'bulk', '--limit', '7');

    expect(all.stdout[0]).toMatch(/^CREATED AT +DELIVERY ID +STATUS/);
    expect(all.stdout).toHaveLength(1 + 60);
    expect(all.stdout[1]).toMatch(/ skipped +0 +order\.paid +ep_\S+ +endpoint_disabled$/);
    expect(some.stdout).toHaveLength(1 + 7);
    expect(some.stderr).toEqual(['7 of 60 deliveries shown (--limit; without it, all)']);
  });

  it('messages list and show', async () => {
    const listed = await cli('messages', 'list', '--tenant', 'bulk', '--limit', '2');
    const shown = await cli('messages', 'show', 'm_0', '--tenant', 'bulk');

    expect(listed.stdout.slice(1).map((l) => l.split(/ +/)[1])).toEqual(['m_59', 'm_58']);
    expect(shown.stdout[0]).toMatch(/^m_0 {2}order\.paid/);
    expect(shown.stdout.some((l) => / skipped .*endpoint_disabled/.test(l))).toBe(true);
  });

  it('a retry while the endpoint is disabled is refused, as a recovery is', async () => {
    const [, first] = (await cli('deliveries', 'list', '--tenant', 'bulk', '--limit', '1')).stdout;
    const deliveryId = first!.split(/ +/)[1]!;

    const r = await cli('deliveries', 'retry', deliveryId, '--tenant', 'bulk');

    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/409 endpoint_disabled/);
  });

  it('recoveries show reads a recovery run back; rerunning it says what was already queued', async () => {
    await cli('endpoints', 'enable', endpointId, '--tenant', 'bulk');
    const first = await cli('endpoints', 'recover', endpointId, '--tenant', 'bulk', '--since', since, '--json');
    const again = await cli('endpoints', 'recover', endpointId, '--tenant', 'bulk', '--since', since);
    const recoveryId = JSON.parse(first.stdout[0]!).recoveryId as string;
    const shown = await cli('recoveries', 'show', recoveryId, '--tenant', 'bulk');

    expect(JSON.parse(first.stdout[0]!)).toMatchObject({ queued: 60 });
    expect(again.stdout[1]).toMatch(/^60 deliveries were already queued by an earlier run of this recovery/);
    expect(shown.stdout[0]).toMatch(new RegExp(`^${recoveryId} {2}recover endpoint ${endpointId} `));
    expect(shown.stdout[1]).toMatch(/^ {2}done at .*; run 2 times/);
    expect(shown.stdout[2]).toMatch(/^ {2}examined 60, queued 0, already queued 60, not recoverable 0/);
  });
});
