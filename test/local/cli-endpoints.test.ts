/** `endpoints add --circuit` and `endpoints show` against a local stack: configuration, settings, then the state. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { createListener } from '../../cli/lib/listener';
import { captureIo } from '../helpers/cli-io';
import { registerAsRunning, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let dir: string;
let t: TestStack;
let receiver: ReturnType<typeof createListener>;
let secret = '';
let id = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-endpoints-'));
  t = await startTestStack({ dataDir: dir });
  registerAsRunning(dir, t.stack);
  receiver = createListener({ secret: () => secret, statuses: [200] });
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;

  const io = captureIo();
  const code = await runCli(
    [
      'endpoints',
      'add',
      '--tenant',
      'acme',
      '--endpoint-url',
      url,
      '--events',
      'invoice.*',
      '--circuit',
      '{"consecutiveFailures":2}',
      '--data-dir',
      dir,
    ],
    io,
  );
  expect(code, io.stderr.join('\n')).toBe(0);
  id = io.stdout[0]!.split(' ')[0]!;
  secret = io.stdout[1]!.replace(/^secret {2}/, '');

  const sent = await fetch(`${t.stack.url}/v1/tenants/acme/messages`, {
    method: 'POST',
    body: JSON.stringify({ type: 'invoice.paid', payload: { n: 1 } }),
  });
  expect(sent.status).toBe(202);
  await waitFor('the delivery to be delivered', () => receiver.received.some((r) => r.verified && r.answered === 200));
  // The worker records the attempt a moment after the receiver answers (stack.idle() waits for the inbound side only).
  await waitFor(
    'the attempt to be recorded',
    async () => (await t.stack.outbound.deliveries.list({ tenantId: 'acme', status: 'delivered' })).items.length === 1,
  );
  await t.stack.idle();
});
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => receiver?.server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('endpoints show', () => {
  it('prints the configuration, the breaker settings it applies, then its state, windows and delivery counts', async () => {
    const io = captureIo();

    expect(await runCli(['endpoints', 'show', id, '--tenant', 'acme', '--data-dir', dir], io)).toBe(0);

    const [config, limits, created, settings, ...status] = io.stdout;
    expect(config).toMatch(new RegExp(`^${id} {2}enabled {3}http://\\S+ {2}events invoice\\.\\* {2}standard-webhooks`));
    expect(limits).toBe('  timeout 15 s; no rate limit; default retry schedule');
    expect(created).toMatch(/^ {2}created \d{4}-\d\d-\d\dT\S+Z, updated \S+Z$/);
    expect(settings).toBe(
      'breaker: opens after 2 failures in a row or ≥ 50 % of ≥ 20 attempts in 60 s; probes after 30 s, doubling to 600 s (own settings); disabled after 5 days failing (defaults)',
    );
    expect(status[0]).toBe('state: enabled');
    expect(status[2]).toMatch(/^last hour {8}1 {3}100\.0 % +\d+ ms +\d+ ms$/);
    expect(status[4]).toBe('deliveries: 0 pending, 0 parked, 0 failed, 0 exhausted (0 skipped, 1 delivered)');
    expect(status).toHaveLength(5);
  });

  it('--json prints the endpoint and the whole status', async () => {
    const io = captureIo();

    expect(await runCli(['endpoints', 'show', id, '--tenant', 'acme', '--data-dir', dir, '--json'], io)).toBe(0);

    expect(JSON.parse(io.stdout[0]!)).toMatchObject({
      endpoint: { endpointId: id },
      status: {
        state: 'enabled',
        circuit: { phase: 'closed' },
        lastHour: { attempts: 1, successes: 1 },
        deliveries: { delivered: 1 },
      },
    });
  });

  it('an unknown endpoint fails with the API answer', async () => {
    const io = captureIo();

    expect(await runCli(['endpoints', 'show', 'ep_missing', '--tenant', 'acme', '--data-dir', dir], io)).toBe(1);

    expect(io.stderr[0]).toMatch(/^endpoints failed: 404 not_found/);
  });
});

describe('endpoints update --circuit / --health', () => {
  it('refuses a value that is not JSON before calling the API', async () => {
    const io = captureIo();

    expect(
      await runCli(
        ['endpoints', 'update', id, '--tenant', 'acme', '--circuit', '{consecutiveFailures:3}', '--data-dir', dir],
        io,
      ),
    ).toBe(2);

    expect(io.stderr).toEqual([
      '--circuit is not JSON: {consecutiveFailures:3} (usage: npm run cli -- help endpoints)',
    ]);
  });

  it('passes the settings to the API, which names a wrong field', async () => {
    const io = captureIo();

    expect(
      await runCli(
        ['endpoints', 'update', id, '--tenant', 'acme', '--health', '{"disableAfterDays":0}', '--data-dir', dir],
        io,
      ),
    ).toBe(1);

    expect(io.stderr[0]).toContain('health.disableAfterDays: must be more than 0');
  });
});
