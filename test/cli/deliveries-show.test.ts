/** `deliveries show` against a stand-in API: each attempt on a line, an attempt of unknown outcome said as such. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';

const AT = Date.UTC(2026, 11, 2, 6, 56, 12);
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        delivery: {
          deliveryId: 'dlv_1',
          tenantId: 'acme',
          messageId: 'msg_1',
          endpointId: 'ep_1',
          status: 'delivered',
          attemptCount: 2,
          createdAt: AT,
          updatedAt: AT,
        },
        attempts: [
          { number: 1, at: AT, error: 'unknown' },
          { number: 2, at: AT + 70_000, status: 200, latencyMs: 3 },
        ],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

it('prints an attempt of unknown outcome (its worker died) without a latency, and the retry that followed', async () => {
  const io = captureIo();

  expect(await runCli(['deliveries', 'show', 'dlv_1', '--tenant', 'acme', '--url', base], io)).toBe(0);

  expect(io.stdout.slice(-2)).toEqual([
    '  #1  2026-12-02T06:56:12.000Z  unknown',
    '  #2  2026-12-02T06:57:22.000Z  HTTP 200  3 ms',
  ]);
});
