/**
 * `npm run bench:outbound`: outbound deliveries through the local stack (in this process, state on disk in a
 * temporary directory, fsync on) to a local receiver: messages are posted to `/v1/tenants/bench/messages` at a
 * fixed concurrency, the receiver notes when each `webhook-id` arrives. Reported: deliveries per second, p50/p99
 * of the intake answer, and p50/p99 from the 202 to the receiver getting the request. Run twice: a fast receiver,
 * then one that takes 1 s for a share of requests. Each run also reports the process CPU time per delivery (stack,
 * producers and receiver together): on a shared machine it moves far less than throughput does. Then the outage
 * scenario (bench/lib/outbound-outage.ts), once with a receiver answering 503, once refusing.
 *
 *   npm run bench:outbound [-- --messages 400 --concurrency 16 --slow-share 0.1 --outage-messages 150
 *                              --outage-seconds 15 --rate 10 --burst 5 --only throughput|outage
 *                              --batching-window-ms N --no-write]
 *
 * Bounded: at most `messages` requests per run, 120 s of waiting for deliveries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Log } from '../lambdas/core/kernel/log';
import { startLocalStack } from '../local/stack';
import { machineHeader, saveResult } from './lib/machine';
import { runOutage, type OutageResult } from './lib/outbound-outage';
import { quantile, table } from './lib/stats';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '16' },
    'slow-share': { type: 'string', default: '0.1' },
    'outage-messages': { type: 'string', default: '150' },
    'outage-seconds': { type: 'string', default: '15' },
    rate: { type: 'string', default: '10' },
    burst: { type: 'string', default: '5' },
    only: { type: 'string' },
    'batching-window-ms': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(values.messages);
/** The worker's batching window for this run; as deployed when not given. */
const WINDOW_MS = values['batching-window-ms'] === undefined ? undefined : Number(values['batching-window-ms']);
const CONCURRENCY = Number(values.concurrency);
const SLOW_SHARE = Number(values['slow-share']);

interface RunResult {
  readonly name: string;
  readonly delivered: number;
  readonly perSecond: number;
  readonly intake: readonly number[];
  readonly endToEnd: readonly number[];
  /** Process CPU (user + system) per delivered message, ms. */
  readonly cpuMs: number;
  /** Delivery steps that threw after or before sending (e.g. StateContentionError), left to the queue's redelivery. */
  readonly failedSteps: number;
  /** Requests beyond one per delivery (a 2xx never needs a second). */
  readonly extraRequests: number;
}

async function run(name: string, slowShare: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbound-'));
  const arrived = new Map<string, number>();
  let seen = 0;
  let requests = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const id = String(req.headers['webhook-id']);
      // Deterministic share: every 1/slowShare-th request is slow.
      const slow = slowShare > 0 && seen++ % Math.round(1 / slowShare) === 0;
      setTimeout(
        () => {
          if (!arrived.has(id)) arrived.set(id, performance.now());
          res.writeHead(200).end('ok');
        },
        slow ? 1000 : 0,
      );
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  let failedSteps = 0;
  const log: Log = {
    debug() {},
    info() {},
    warn() {},
    error: (m) => void (m.startsWith('delivery step failed') && failedSteps++),
  };
  const stack = await startLocalStack({
    port: 0,
    dataDir: dir,
    log,
    timing: { sweepIntervalMs: 0 },
    ...(WINDOW_MS !== undefined && { outbound: { deliveryBatchingWindowMs: WINDOW_MS } }),
  });
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const created = await fetch(`${stack.url}/v1/tenants/bench/endpoints`, {
      method: 'POST',
      body: JSON.stringify({ url }),
    });
    if (created.status !== 201) throw new Error(`endpoint not created: ${created.status}`);
    const payload = JSON.stringify({
      invoice: 'in_bench',
      lines: Array.from({ length: 8 }, (_, i) => ({ sku: `sku_${i}`, qty: i, price: 1999 })),
    });
    const acceptedAt = new Map<string, number>();
    const intake: number[] = [];
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < MESSAGES) {
          const id = `msg_${next++}`;
          const t0 = performance.now();
          const r = await fetch(`${stack.url}/v1/tenants/bench/messages`, {
            method: 'POST',
            headers: { 'idempotency-key': id },
            body: `{"type":"invoice.paid","payload":${payload}}`,
          });
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
    const used = process.cpuUsage(cpu);
    const last = Math.max(...arrived.values());
    const endToEnd = [...acceptedAt].flatMap(([id, at]) =>
      arrived.has(id) ? [Math.max(0, arrived.get(id)! - at)] : [],
    );
    return {
      name,
      delivered: arrived.size,
      perSecond: arrived.size / ((last - started) / 1000),
      intake,
      endToEnd,
      cpuMs: (used.user + used.system) / 1000 / arrived.size,
      failedSteps,
      extraRequests: requests - arrived.size,
    };
  } finally {
    await stack.stop();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
// Taken before the runs, so the load average it prints is the one the runs started at.
const header = machineHeader('Outbound delivery through the local stack (npm run bench:outbound)');
const limit = { perSecond: Number(values.rate), burst: Number(values.burst) };
const outageMs = Number(values['outage-seconds']) * 1000;
const results =
  values.only === 'outage'
    ? []
    : [await run('fast receiver', 0), await run(`${Math.round(SLOW_SHARE * 100)} % of requests take 1 s`, SLOW_SHARE)];
const outages: Array<[string, OutageResult]> = [];
if (values.only !== 'throughput') {
  for (const mode of ['503', 'refuse'] as const)
    outages.push([
      mode === '503' ? 'answers 503' : 'refuses connections',
      await runOutage({ messages: Number(values['outage-messages']), outageMs, limit, mode }),
    ]);
}
const report = [
  header,
  ...(results.length === 0
    ? []
    : [
        '',
        `${MESSAGES} messages per run, ${CONCURRENCY} concurrent producers, one endpoint (Standard Webhooks), ~0.4 KiB payload; stack, producers and receiver share this process; worker batching window ${WINDOW_MS === undefined ? 'as deployed' : `${WINDOW_MS} ms`}`,
        '',
        table([
          [
            'receiver',
            'delivered',
            'deliveries/s',
            'CPU/delivery',
            'intake p50',
            'intake p99',
            '202→delivered p50',
            '202→delivered p99',
            'failed steps',
            'extra requests',
          ],
          ...results.map((r) => [
            r.name,
            `${r.delivered}/${MESSAGES}`,
            r.perSecond.toFixed(0),
            `${r.cpuMs.toFixed(1)} ms`,
            ms(quantile(r.intake, 0.5)),
            ms(quantile(r.intake, 0.99)),
            ms(quantile(r.endToEnd, 0.5)),
            ms(quantile(r.endToEnd, 0.99)),
            String(r.failedSteps),
            String(r.extraRequests),
          ]),
        ]),
      ]),
  ...(outages.length === 0
    ? []
    : [
        '',
        `Outage: receiver down ${outageMs / 1000} s while ${values['outage-messages']} messages arrive, then back; rate limit ${limit.perSecond}/s, burst ${limit.burst}`,
        `(at most ${limit.burst + limit.perSecond} requests in any 1 s); circuit cool-down 1 s doubling to 2 s (operations option); retries 1, 2, 3, 5 … s`,
        '',
        table([
          [
            'receiver while down',
            'delivered',
            'lost',
            'exhausted',
            'duplicates',
            'drain after back',
            'peak req in 1 s',
            'windows over the rule',
            'requests down / after',
            'requests not logged',
            'wake-ups stopped by a claim',
            'failed steps',
          ],
          ...outages.map(([name, r]) => [
            name,
            `${r.delivered}/${r.accepted}`,
            String(r.accepted - r.delivered),
            String(r.exhausted),
            String(r.duplicates),
            ms(r.drainMs),
            `${r.peakPerSecond} (max ${limit.burst + limit.perSecond})`,
            String(r.violations),
            `${r.requestsDuringOutage} / ${r.requestsAfter}`,
            String(r.unlogged + r.lostRaces),
            String(r.claimsLost),
            String(r.failedSteps),
          ]),
        ]),
      ]),
  '',
].join('\n');
process.stdout.write(report);
if (!values['no-write']) saveResult('outbound', report);
