/**
 * `npm run bench:outbound`: outbound deliveries through the local stack (in this process, state on disk in a
 * temporary directory, fsync on) to a local receiver: messages are posted to `/v1/tenants/bench/messages` at a
 * fixed concurrency, the receiver notes when each `webhook-id` arrives. Reported: deliveries per second, p50/p99
 * of the intake answer, and p50/p99 from the 202 to the receiver getting the request. Run twice: a fast receiver,
 * then one that takes 1 s for a share of requests.
 *
 *   npm run bench:outbound [-- --messages 400 --concurrency 16 --slow-share 0.1 --no-write]
 *
 * Bounded: at most `messages` requests per run, 120 s of waiting for deliveries.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLog } from '../lambdas/core/kernel/log';
import { startLocalStack } from '../local/stack';
import { machineHeader } from './lib/machine';
import { quantile, table } from './lib/stats';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '16' },
    'slow-share': { type: 'string', default: '0.1' },
    'no-write': { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const SLOW_SHARE = Number(values['slow-share']);

interface RunResult {
  readonly name: string;
  readonly delivered: number;
  readonly perSecond: number;
  readonly intake: readonly number[];
  readonly endToEnd: readonly number[];
}

async function run(name: string, slowShare: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbound-'));
  const arrived = new Map<string, number>();
  let seen = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      // Deterministic share: every 1/slowShare-th request is slow.
      const slow = slowShare > 0 && seen++ % Math.round(1 / slowShare) === 0;
      setTimeout(() => {
        if (!arrived.has(id)) arrived.set(id, performance.now());
        res.writeHead(200).end('ok');
      }, slow ? 1000 : 0);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const stack = await startLocalStack({ port: 0, dataDir: dir, log: silentLog, timing: { sweepIntervalMs: 0 } });
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const created = await fetch(`${stack.url}/v1/tenants/bench/endpoints`, { method: 'POST', body: JSON.stringify({ url }) });
    if (created.status !== 201) throw new Error(`endpoint not created: ${created.status}`);
    const payload = JSON.stringify({ invoice: 'in_bench', lines: Array.from({ length: 8 }, (_, i) => ({ sku: `sku_${i}`, qty: i, price: 1999 })) });
    const acceptedAt = new Map<string, number>();
    const intake: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < MESSAGES) {
          const id = `msg_${next++}`;
          const t0 = performance.now();
          const r = await fetch(`${stack.url}/v1/tenants/bench/messages`, { method: 'POST', headers: { 'idempotency-key': id }, body: `{"type":"invoice.paid","payload":${payload}}` });
          await r.text();
          if (r.status !== 202) throw new Error(`message ${id}: ${r.status}`);
          const t1 = performance.now();
          intake.push(t1 - t0);
          acceptedAt.set(id, t1);
        }
      }),
    );
    const deadline = Date.now() + 120_000;
    while (arrived.size < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const last = Math.max(...arrived.values());
    const endToEnd = [...acceptedAt].flatMap(([id, at]) => (arrived.has(id) ? [Math.max(0, arrived.get(id)! - at)] : []));
    return { name, delivered: arrived.size, perSecond: arrived.size / ((last - started) / 1000), intake, endToEnd };
  } finally {
    await stack.stop();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const results = [await run('fast receiver', 0), await run(`${Math.round(SLOW_SHARE * 100)} % of requests take 1 s`, SLOW_SHARE)];
const report = [
  machineHeader('Outbound delivery through the local stack (npm run bench:outbound)'),
  '',
  `${MESSAGES} messages per run, ${CONCURRENCY} concurrent producers, one endpoint (Standard Webhooks), ~0.4 KiB payload; stack, producers and receiver share this process`,
  '',
  table([
    ['receiver', 'delivered', 'deliveries/s', 'intake p50', 'intake p99', '202→delivered p50', '202→delivered p99'],
    ...results.map((r) => [r.name, `${r.delivered}/${MESSAGES}`, r.perSecond.toFixed(0), ms(quantile(r.intake, 0.5)), ms(quantile(r.intake, 0.99)), ms(quantile(r.endToEnd, 0.5)), ms(quantile(r.endToEnd, 0.99))]),
  ]),
  '',
].join('\n');
process.stdout.write(report);
if (!values['no-write']) {
  const out = join(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `outbound-${new Date().toISOString().slice(0, 10)}.txt`), report);
}
