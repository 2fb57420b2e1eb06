/** The CLI's recovery commands against a local stack: `endpoints recover` and `messages replay`, output and errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';
import { startTestStack, type TestStack } from '../e2e/helpers';

let t: TestStack;
let endpointId = '';
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestStack();
  const io = captureIo();
  // Nothing listens here: no delivery is made in these tests, the endpoint only has to exist.
  await runCli(
    [
      'endpoints',
      'add',
      '--tenant',
      'acme',
      '--endpoint-url',
      'http://127.0.0.1:9/hooks',
      '--url',
      t.stack.url,
      '--json',
    ],
    io,
  );
  endpointId = (JSON.parse(io.stdout[0]!) as { endpoint: { endpointId: string } }).endpoint.endpointId;
});
afterAll(async () => {
  await t?.stop();
});

async function cli(...args: string[]) {
  const io = captureIo();
  return { code: await runCli(args, io), io };
}

describe('endpoints recover', () => {
  it("prints how many deliveries it queued, and the run's id", async () => {
    const r = await cli(
      'endpoints',
      'recover',
      endpointId,
      '--tenant',
      'acme',
      '--since',
      new Date(Date.now() - DAY).toISOString(),
      '--url',
      t.stack.url,
    );

    expect(r.code).toBe(0);
    expect(r.io.stdout).toEqual([
      expect.stringMatching(
        new RegExp(
          `^queued 0 deliveries of ${endpointId} to be sent again \\(0 more in the window not recoverable\\)  recovery rcv_[0-9a-f]{32}$`,
        ),
      ),
    ]);
  });

  it("--json prints the API's answer", async () => {
    const r = await cli(
      'endpoints',
      'recover',
      endpointId,
      '--tenant',
      'acme',
      '--since',
      String(Date.now() - DAY),
      '--label',
      'again',
      '--url',
      t.stack.url,
      '--json',
    );

    expect(JSON.parse(r.io.stdout[0]!)).toEqual({
      recoveryId: expect.stringMatching(/^rcv_/),
      queued: 0,
      alreadyQueued: 0,
      notRecoverable: 0,
    });
  });

  it("prints the server's message for a window beyond retention and exits 1", async () => {
    const r = await cli(
      'endpoints',
      'recover',
      endpointId,
      '--tenant',
      'acme',
      '--since',
      new Date(Date.now() - 40 * DAY).toISOString(),
      '--url',
      t.stack.url,
    );

    expect(r.code).toBe(1);
    expect(r.io.stderr[0]).toMatch(
      /^endpoints failed: 400 invalid_window: since \(.*\) is older than the retention of 30 days/,
    );
  });

  it('exits 1 naming the 404 for an unknown endpoint', async () => {
    const r = await cli(
      'endpoints',
      'recover',
      'ep_nope',
      '--tenant',
      'acme',
      '--since',
      String(Date.now() - DAY),
      '--url',
      t.stack.url,
    );

    expect(r.code).toBe(1);
    expect(r.io.stderr[0]).toMatch(/404 not_found: No such endpoint/);
  });

  it('exits 2 with one line pointing to the help without --since or without an id', async () => {
    const noSince = await cli('endpoints', 'recover', endpointId, '--tenant', 'acme', '--url', t.stack.url);
    const noId = await cli('endpoints', 'recover', '--tenant', 'acme', '--since', '2026-12-01', '--url', t.stack.url);

    expect([noSince.code, noId.code]).toEqual([2, 2]);
    expect(noSince.io.stderr).toEqual(['--since is required (usage: npm run cli -- help endpoints)']);
    expect(noId.io.stderr[0]).toMatch(/^endpoints recover: which endpoint id\?/);
  });
});

describe('messages replay', () => {
  it('prints how many messages matched and how many deliveries it queued', async () => {
    const r = await cli(
      'messages',
      'replay',
      '--tenant',
      'acme',
      '--since',
      new Date(Date.now() - DAY).toISOString(),
      '--type',
      'invoice.*',
      '--url',
      t.stack.url,
    );

    expect(r.code).toBe(0);
    expect(r.io.stdout).toEqual([
      expect.stringMatching(/^queued 0 deliveries for 0 matching messages {2}replay rpl_[0-9a-f]{32}$/),
    ]);
  });

  it("--json prints the API's answer", async () => {
    const r = await cli(
      'messages',
      'replay',
      '--tenant',
      'acme',
      '--since',
      String(Date.now() - DAY),
      '--endpoint',
      endpointId,
      '--url',
      t.stack.url,
      '--json',
    );

    expect(JSON.parse(r.io.stdout[0]!)).toEqual({
      replayId: expect.stringMatching(/^rpl_/),
      matched: 0,
      queued: 0,
      alreadyQueued: 0,
    });
  });

  it("prints the server's message for a time it cannot read and exits 1", async () => {
    const r = await cli('messages', 'replay', '--tenant', 'acme', '--since', 'last tuesday', '--url', t.stack.url);

    expect(r.code).toBe(1);
    expect(r.io.stderr[0]).toMatch(
      /^messages failed: 400 invalid_window: since must be an ISO 8601 time .* not "last tuesday"/,
    );
  });

  it('exits 2 with one line without --since or --tenant', async () => {
    const noSince = await cli('messages', 'replay', '--tenant', 'acme', '--url', t.stack.url);
    const noTenant = await cli('messages', 'replay', '--since', '2026-12-01', '--url', t.stack.url);

    expect([noSince.code, noTenant.code]).toEqual([2, 2]);
    expect(noSince.io.stderr[0]).toMatch(/^--since is required/);
    expect(noTenant.io.stderr[0]).toMatch(/^--tenant is required/);
  });

  it('messages send still sends (the subcommand is checked first)', async () => {
    const r = await cli(
      'messages',
      'send',
      '--tenant',
      'acme',
      '--type',
      'invoice.paid',
      '--data',
      '{"a":1}',
      '--url',
      t.stack.url,
    );

    expect(r.code).toBe(0);
    expect(r.io.stdout[0]).toMatch(/^msg_\S+ {2}accepted {2}1 delivery$/);
  });

  it('messages send says how many deliveries were recorded skipped because their endpoint is disabled', async () => {
    const tenant = 'acme-disabled';
    const add = await cli(
      'endpoints',
      'add',
      '--tenant',
      tenant,
      '--endpoint-url',
      'http://127.0.0.1:9/hooks',
      '--url',
      t.stack.url,
      '--json',
    );
    const id = (JSON.parse(add.io.stdout[0]!) as { endpoint: { endpointId: string } }).endpoint.endpointId;
    await cli('endpoints', 'disable', id, '--tenant', tenant, '--url', t.stack.url);
    const r = await cli(
      'messages',
      'send',
      '--tenant',
      tenant,
      '--type',
      'invoice.paid',
      '--data',
      '{"a":1}',
      '--url',
      t.stack.url,
    );

    expect(r.code).toBe(0);
    expect(r.io.stdout[0]).toMatch(/^msg_\S+ {2}accepted {2}0 deliveries, 1 skipped \(endpoint disabled\)$/);
  });
});
