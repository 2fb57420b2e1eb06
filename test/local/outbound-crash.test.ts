/**
 * "Never lost": every message answered 202 by a local stack that is then killed (SIGKILL) before delivering
 * anything is delivered, once per endpoint, by the next stack on the same data directory. The endpoint's secret
 * survives too (encrypted under the data directory's local key), so the receiver still verifies every signature.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createListener } from '../../cli/lib/listener';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let dir: string;
let after: TestStack | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outbound-crash-'));
});
afterEach(async () => {
  await after?.stop();
  after = undefined;
  rmSync(dir, { recursive: true, force: true });
});

it('keeps every accepted outbound message across a crash (SIGKILL) and delivers each once', async () => {
  let secret = '';
  const receiver = createListener({ secret: () => secret });
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/`;
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/stack-child.ts', import.meta.url)), dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const created = await fetch(`${url}/v1/tenants/acme/endpoints`, {
      method: 'POST',
      body: JSON.stringify({ url: receiverUrl }),
    });
    secret = ((await created.json()) as { secret: string }).secret;
    const ids = Array.from({ length: 20 }, (_, i) => `msg_crash_${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const r = await fetch(`${url}/v1/tenants/acme/messages`, {
          method: 'POST',
          headers: { 'idempotency-key': id },
          body: '{"type":"order.paid","payload":{"n":1}}',
        });
        expect(r.status).toBe(202);
      }),
    );

    child.kill('SIGKILL');
    await exited;
    expect(receiver.received).toHaveLength(0);
    after = await startTestStack({ dataDir: dir });

    await waitFor('every message delivered', () => receiver.received.length >= ids.length, 20_000);
    const delivered = receiver.received.map((r) => r.headers['webhook-id']).sort();
    expect(delivered).toEqual([...ids].sort());
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  } finally {
    await new Promise((r) => receiver.server.close(r));
  }
});
