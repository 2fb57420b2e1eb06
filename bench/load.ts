/**
 * `npm run bench:load`: drives the local stack (`npm start`, in a child process with a fresh data
 * directory) with unique signed events at a fixed concurrency for a bounded time, using autocannon,
 * then checks that every accepted event was published exactly once (a `--forward` subscriber posts
 * each published event back to this process) and ended `completed` in the store.
 *
 *   npm run bench:load [-- --duration 10 --connections 32 --source stripe --profile --no-write]
 *
 * Prints a compact table and a final line; writes the same to bench/results/load-<date>.txt with
 * the machine it ran on. `--profile` also records a CPU profile of the stack process and reports
 * where its time went (by package), which is how the bottleneck is named.
 * Loopback only; bounded: `duration` seconds of load, at most `--amount` requests, at most 120 s of drain.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { localSources } from '../config/local';
import { preparePayload, readExample, senderFor, signRequest, webhookUrl } from '../cli/lib/webhook-request';
import { localDynamoClient, scanEvents } from '../local/dynamo';
import { readStackState, type StackState } from '../local/state-file';
import { saveResult } from './lib/machine';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    amount: { type: 'string', default: '100000' },
    source: { type: 'string', default: 'stripe' },
    profile: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const durationS = Number(values.duration);
const connections = Number(values.connections);
const amount = Number(values.amount);
const sourceId = values.source;
const DRAIN_LIMIT_MS = 120_000;

function machine(): string[] {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return [
    `date: ${new Date().toISOString()}`,
    `machine: nproc=${os.availableParallelism()}, cpu="${cpu}", ${os.platform()} ${os.release()} ${os.arch()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node: ${process.version}; load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  ];
}

/** CPU seconds used so far by a process (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const local = localSources.find((s) => s.source.id === sourceId);
  if (!local) throw new Error(`unknown source ${sourceId}`);
  const header = machine();

  // 1. A collector for the stack's --forward subscriber: counts each published event id.
  const published = new Map<string, number>();
  let lastPublishAt = 0;
  const collector = createServer((req: IncomingMessage, res) => {
    const id = req.headers['x-webhook-eventid'];
    req.resume();
    req.on('end', () => {
      if (typeof id === 'string') published.set(id, (published.get(id) ?? 0) + 1);
      lastPublishAt = performance.now();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
  const forward = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/events`;

  // 2. The stack, exactly as `npm start` runs it, on a fresh data directory.
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-load-'));
  const profileDir = join(dataDir, 'profile');
  const child = spawn(
    process.execPath,
    [
      ...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      '--import',
      'tsx',
      join(ROOT, 'local/main.ts'),
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--quiet',
      '--forward',
      forward,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'error', NO_COLOR: '1' } },
  );
  let childOut = '';
  child.stdout.on('data', (c: Buffer) => (childOut += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let state: StackState | undefined;
  for (let i = 0; i < 300 && !state; i++) {
    await new Promise((r) => setTimeout(r, 50));
    state = readStackState(dataDir);
  }
  if (!state) throw new Error(`the stack did not start:\n${childOut}`);

  // 3. Load: unique signed events, fixed concurrency, bounded time and count.
  const sender = senderFor(local);
  const template = readExample(local);
  const url = webhookUrl(state.url, sourceId);
  const path = new URL(url).pathname;
  const accepted = new Set<string>();
  const statusCounts = new Map<number, number>();
  const cpuBefore = cpuSeconds(child.pid!);
  const loadStarted = performance.now();
  const result = await autocannon({
    url: state.url,
    connections,
    duration: durationS,
    // A count bound that does not override the duration (autocannon's `amount` would).
    maxOverallRequests: amount,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => {
          const nowMs = Date.now();
          const signed = signRequest(sender, preparePayload(sender, template, { nowMs }), url, nowMs);
          return { ...request, headers: signed.headers, body: signed.body };
        },
        onResponse: (status, body) => {
          statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
          if (status === 202) accepted.add((JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  });
  const loadMs = performance.now() - loadStarted;
  const cpuAfterLoad = cpuSeconds(child.pid!);

  // 4. Drain (bounded): the store is the truth of what was accepted — it also holds the events whose
  // 202 autocannon stopped waiting for when the duration ended. Wait until each is completed and
  // published, then check exactly once.
  const client = localDynamoClient(state.dynamoEndpoint);
  const drainStarted = performance.now();
  let records = await scanEvents(client, state.tableName);
  while (
    performance.now() - drainStarted < DRAIN_LIMIT_MS &&
    !records.every((r) => r.status === 'completed' && published.has(r.eventId))
  ) {
    await new Promise((r) => setTimeout(r, 500));
    records = await scanEvents(client, state.tableName);
  }
  client.destroy();
  const stored = new Set(records.map((r) => r.eventId));
  const drainMs = Math.max(0, lastPublishAt - drainStarted);
  const endToEndMs = lastPublishAt - loadStarted;
  const notStored = [...accepted].filter((id) => !stored.has(id));
  const missing = [...stored].filter((id) => !published.has(id));
  const twice = [...published].filter(([, n]) => n > 1).map(([id]) => id);
  const unexpected = [...published.keys()].filter((id) => !stored.has(id));
  const completed = records.filter((r) => r.status === 'completed').length;

  // 5. Stop it like Ctrl-C and collect the profile.
  child.kill('SIGINT');
  const exitCode = await exited;
  collector.close();
  const profile = values.profile ? attribute(profileDir) : undefined;
  rmSync(dataDir, { recursive: true, force: true });

  const cpuLoad =
    cpuBefore !== undefined && cpuAfterLoad !== undefined ? (cpuAfterLoad - cpuBefore) / (loadMs / 1000) : undefined;
  const ok =
    accepted.size > 0 &&
    notStored.length === 0 &&
    missing.length === 0 &&
    twice.length === 0 &&
    unexpected.length === 0 &&
    completed === stored.size &&
    exitCode === 0;
  const acceptedPerS = stored.size / (loadMs / 1000);
  const codes = [...statusCounts]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  const rows: Array<[string, string]> = [
    ['source / scheme', `${sourceId} / ${local.source.scheme}`],
    ['connections', String(connections)],
    ['load duration', `${(loadMs / 1000).toFixed(1)} s`],
    ['requests answered', `${result.requests.total} (${codes}; errors ${result.errors}, timeouts ${result.timeouts})`],
    [
      'accepted (in the store)',
      `${stored.size}, incl. ${stored.size - accepted.size} still in flight when the load stopped; every 202 stored: ${notStored.length === 0 ? 'yes' : `NO (${notStored.length} missing)`}`,
    ],
    [
      'ingest throughput',
      `${acceptedPerS.toFixed(0)} accepted/s (autocannon mean ${result.requests.average.toFixed(0)} req/s)`,
    ],
    ['latency (202s)', `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`],
    [
      'published',
      `${published.size} of ${stored.size} accepted; ${twice.length} twice, ${missing.length} missing, ${unexpected.length} unexpected`,
    ],
    ['completed in store', `${completed} of ${stored.size}`],
    [
      'end-to-end throughput',
      `${(published.size / (endToEndMs / 1000)).toFixed(0)} published/s (backlog drained ${(drainMs / 1000).toFixed(1)} s after the load)`,
    ],
    [
      'stack CPU during load',
      cpuLoad === undefined
        ? 'n/a'
        : `${(cpuLoad * 100).toFixed(0)}% of one core (one process: HTTP, handlers, dynalite, queues; LevelDB and fsync on libuv threads)`,
    ],
    ['clean stop (SIGINT)', exitCode === 0 ? 'exit 0' : `exit ${exitCode}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    '# Local stack load test (npm run bench:load)',
    ...header.map((h) => `# ${h}`),
    '',
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    ...(profile
      ? [
          '',
          'Where the stack process spent its CPU (--cpu-prof; each sample charged to the nearest owning frame):',
          ...profile,
        ]
      : []),
    '',
    `${ok ? 'OK' : 'FAILED'}: ${stored.size} unique events accepted at ${acceptedPerS.toFixed(0)}/s (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${connections} connections), ` +
      `each published exactly once: ${ok ? 'yes' : 'NO'}`,
  ];
  const text = lines.join('\n');
  console.log(text);
  if (!values['no-write']) {
    const file = saveResult(values.profile ? 'load-profile' : 'load', text);
    console.log(`\n(written to ${file.slice(ROOT.length)})`);
  }
  return ok ? 0 : 1;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly url: string; readonly functionName: string };
  readonly children?: readonly number[];
}

/**
 * Where the stack's CPU went, from its CPU profile: each sample is charged to the nearest frame on
 * its stack that belongs to a known owner (dynalite, the SDK, the handlers, the local plumbing), so
 * Node internals (HTTP parsing, streams, crypto) count for whoever called them.
 */
function attribute(dir: string): string[] {
  if (!existsSync(dir)) return ['(no profile written)'];
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return ['(no profile written)'];
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owners = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = owners.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    const own = node ? bucketOf(node) : undefined;
    const up = parent.get(id);
    const result = own ?? (up === undefined ? 'Node runtime (HTTP parsing, sockets, timers)' : ownerOf(up));
    owners.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const owner = ownerOf(id);
    totals.set(owner, (totals.get(owner) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  totals.delete('idle');
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals]
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `  ${k.padEnd(62)} ${((100 * v) / busy).toFixed(1).padStart(5)}%`);
}

/** The owner of a frame, or undefined for a frame that only does work for its caller. */
function bucketOf(node: ProfileNode): string | undefined {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collection';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (
      pkg === 'dynalite' ||
      pkg.includes('level') ||
      ['lazy', 'big.js', 'async', 'lock', 'once', 'buffer-crc32'].includes(pkg)
    )
      return 'embedded DynamoDB (dynalite + LevelDB)';
    if (pkg.startsWith('@aws-sdk') || pkg.startsWith('@smithy') || pkg.startsWith('@aws-crypto'))
      return 'AWS SDK DynamoDB client (serialize, SigV4, HTTP, parse)';
    if (pkg === 'tsx' || pkg === 'esbuild' || pkg === 'get-tsconfig') return 'startup (TypeScript loader)';
    return 'handlers and core (lambdas/, middy, zod)';
  }
  if (url.includes('/lambdas/')) return 'handlers and core (lambdas/, middy, zod)';
  if (url.includes('/local/') || url.includes('/config/'))
    return 'local plumbing (gateway, queues + journal, topic, forward)';
  return undefined;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
