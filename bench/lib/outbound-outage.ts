/**
 * bench:outbound's outage scenario: a rate-limited receiver answers 503 (or refuses connections) for a
 * while, messages keep arriving, then it comes back. Reported: time from its return until every message arrived,
 * peak requests in any 1 s window at the receiver against `burst + perSecond`, deliveries lost (accepted, never
 * delivered), exhausted, and duplicates (one webhook-id answered 2xx twice). Circuit cool-downs are shortened
 * through the local stack's `operations` option so the run takes well under two minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../../lambdas/core/kernel/log';
import { DEFAULT_OPERATIONS_SETTINGS } from '../../lambdas/core/outbound/admission/settings';
import { startLocalStack } from '../../local/stack';
import { peakInWindow, rateViolations, type Limit } from './windows';

export interface OutageOptions {
  readonly messages: number;
  readonly outageMs: number;
  readonly limit: Limit;
  /** How the receiver is down: it answers 503, or it refuses connections (its port closed). */
  readonly mode: '503' | 'refuse';
}

export interface OutageResult {
  readonly accepted: number;
  readonly delivered: number;
  readonly drainMs: number;
  readonly peakPerSecond: number;
  readonly violations: number;
  readonly exhausted: number;
  readonly duplicates: number;
  readonly requestsDuringOutage: number;
  readonly requestsAfter: number;
  /** Attempts sent but not recorded (their claim lost while sending): requests no log shows. Must be 0. */
  readonly lostRaces: number;
  /** Requests the receiver saw beyond the attempts their delivery logged: must be 0 (every request is a logged attempt). */
  readonly unlogged: number;
  /** Wake-ups that found another worker's claim first and sent nothing (duplicate wake-ups stopped). */
  readonly claimsLost: number;
  /** Delivery steps that threw (e.g. StateContentionError) and were left to the queue's redelivery. */
  readonly failedSteps: number;
}

export async function runOutage(o: OutageOptions): Promise<OutageResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outage-'));
  let down = true;
  const requests: Array<{ at: number; id: string; status: number }> = [];
  const sockets = new Set<Socket>();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = down ? 503 : 200;
      requests.push({ at: performance.now(), id: String(req.headers['webhook-id']), status });
      res.writeHead(status).end();
    });
  });
  receiver.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  const port = await listen(receiver, 0);
  if (o.mode === 'refuse') await close(receiver, sockets);
  const operations = {
    ...DEFAULT_OPERATIONS_SETTINGS,
    circuit: { ...DEFAULT_OPERATIONS_SETTINGS.circuit, coolDownSeconds: 1, maxCoolDownSeconds: 2 },
  };
  // Counts three log lines by their fixed message text; nothing else is kept.
  let lostRaces = 0;
  let failedSteps = 0;
  let claimsLost = 0;
  // An attempt not recorded is an error under the claim; before it, a warning (the same harness runs both).
  const notRecorded = (m: string) => void (m.startsWith('delivery attempt not recorded') && lostRaces++);
  const log: Log = {
    debug() {},
    info: (m) => void (m.startsWith('delivery claimed by another worker first') && claimsLost++),
    warn: notRecorded,
    error: (m) => (m.startsWith('delivery step failed') ? void failedSteps++ : notRecorded(m)),
  };
  const stack = await startLocalStack({
    port: 0,
    dataDir: dir,
    log,
    timing: { sweepIntervalMs: 0 },
    outbound: { operations, sweepIntervalMs: 1000 },
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    // A schedule short enough that no delivery waits minutes for a retry it was given before the circuit opened.
    const body = { url, rateLimit: o.limit, retryDelaysSeconds: [1, 2, 3, 5, 8, 13, 21, 34, 55, 89] };
    const created = await fetch(`${stack.url}/v1/tenants/outage/endpoints`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (created.status !== 201) throw new Error(`endpoint not created: ${created.status} ${await created.text()}`);
    const started = performance.now();
    const accepted = new Set<string>();
    // Messages arrive at an even pace over the first 80 % of the outage.
    const gap = (0.8 * o.outageMs) / o.messages;
    for (let i = 0; i < o.messages; i++) {
      const id = `msg_${i}`;
      const r = await fetch(`${stack.url}/v1/tenants/outage/messages`, {
        method: 'POST',
        headers: { 'idempotency-key': id },
        body: `{"type":"invoice.paid","payload":{"i":${i}}}`,
      });
      await r.text();
      if (r.status === 202) accepted.add(id);
      const wait = started + (i + 1) * gap - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await sleep(started + o.outageMs - performance.now());
    down = false;
    if (o.mode === 'refuse') await listen(receiver, port);
    const upAt = performance.now();
    const delivered = () => new Set(requests.filter((r) => r.status === 200).map((r) => r.id));
    const deadline = Date.now() + 120_000;
    while (delivered().size < accepted.size && Date.now() < deadline) await sleep(50);
    const ok = requests.filter((r) => r.status === 200);
    const lastOk = Math.max(upAt, ...ok.map((r) => r.at));
    const perId = new Map<string, number>();
    for (const r of ok) perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
    const exhausted = await stack.outbound.deliveries.list({ tenantId: 'outage', status: 'exhausted', limit: 1000 });
    // Per delivery, requests its receiver saw beyond the attempts it logged (a refused connection is an attempt no
    // receiver sees, so only the excess counts).
    const seenPerId = new Map<string, number>();
    for (const r of requests) seenPerId.set(r.id, (seenPerId.get(r.id) ?? 0) + 1);
    const unlogged = (await stack.outbound.deliveries.list({ tenantId: 'outage', limit: 1000 })).items.reduce(
      (n, d) => n + Math.max(0, (seenPerId.get(d.messageId) ?? 0) - d.attemptCount),
      0,
    );
    const times = requests.map((r) => r.at);
    return {
      accepted: accepted.size,
      delivered: delivered().size,
      drainMs: lastOk - upAt,
      peakPerSecond: peakInWindow(times, 1000),
      violations: rateViolations(times, o.limit, 1).length,
      exhausted: exhausted.items.length,
      duplicates: [...perId.values()].filter((n) => n > 1).length,
      requestsDuringOutage: requests.filter((r) => r.at < upAt).length,
      requestsAfter: requests.filter((r) => r.at >= upAt).length,
      lostRaces,
      unlogged,
      claimsLost,
      failedSteps,
    };
  } finally {
    await stack.stop();
    await close(receiver, sockets);
    rmSync(dir, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const listen = (server: Server, port: number) =>
  new Promise<number>((r) => server.listen(port, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((r) => (server.listening ? server.close(() => r()) : r()));
}
