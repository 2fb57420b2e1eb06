/**
 * `send`: signs a sample (or your) payload with the source's local secret and POSTs it, like the
 * provider would. With `--repeat`, a load run with a progress bar and a summary.
 */
import { parseArgs } from 'node:util';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import type { EventRecord } from '../../lambdas/core/inbound/ports';
import { UsageError, type CliIo, type Command } from '../command';
import { dataDirFrom, defaultBaseUrl, findLocalSource, openLocalStore, runningStack, signingSecret } from '../lib/local-stack';
import { bar, formatMs, percentile } from '../lib/stats';
import { preparePayload, readExample, readPayload, senderFor, signRequest, webhookUrl, type PreparedPayload, type Sender } from '../lib/webhook-request';

const USAGE = `Usage: npm run cli -- send <source> [payload-file] [options]

Signs the payload with the source's local secret (config/local.ts, or WEBHOOK_SECRET_<SOURCE> from
the environment or .env) and POSTs it. Without a payload file, the source's sample from examples/ is
sent. Each send is a new event (fresh event id and send time) unless --keep-id is given.

Options:
  --url URL               the stack's base URL or the full webhook URL
                          (default: the running local stack, else http://127.0.0.1:$PORT or 3000)
  --repeat N              send N events and print a summary (default 1)
  --concurrency C         requests in flight at once with --repeat (default 8)
  --duplicate-rate P      fraction 0..1 of sends that redeliver an earlier event, re-signed like a
                          provider's retry (default 0)
  --header "name: value"  an extra header (repeatable)
  --secret S              sign with this secret instead
  --keep-id               send the payload's own id and times unchanged
  --no-wait               do not wait for the event to be processed (single send)
  --json                  print the result as JSON
  --data-dir DIR          the local stack's data directory (default .local-data)

Examples:
  npm run cli -- send stripe
  npm run cli -- send github examples/github.json
  npm run cli -- send stripe --repeat 500 --concurrency 16 --duplicate-rate 0.1`;

type Outcome = 'accepted' | 'duplicate' | 'in_flight' | 'rejected' | 'error';

interface Result {
  readonly outcome: Outcome;
  readonly status: number;
  readonly latencyMs: number;
  readonly id?: string;
  readonly code?: string;
}

export const command: Command = {
  name: 'send',
  summary: 'Sign a sample (or your) payload with a source\'s local secret and POST it',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        url: { type: 'string' },
        repeat: { type: 'string' },
        concurrency: { type: 'string' },
        'duplicate-rate': { type: 'string' },
        header: { type: 'string', multiple: true },
        secret: { type: 'string' },
        'keep-id': { type: 'boolean' },
        'no-wait': { type: 'boolean' },
        json: { type: 'boolean' },
        'data-dir': { type: 'string' },
      },
      allowPositionals: true,
    });
    const [sourceId, payloadFile, ...extra] = positionals;
    if (!sourceId) throw new UsageError('Which source? e.g. `send stripe`.');
    if (extra.length > 0) throw new UsageError(`Unexpected argument ${extra[0]}`);
    const repeat = intOption(values.repeat, 'repeat', 1, 1, 10_000_000);
    const concurrency = intOption(values.concurrency, 'concurrency', 8, 1, 1000);
    const duplicateRate = numberOption(values['duplicate-rate'], 'duplicate-rate', 0, 0, 1);

    const local = findLocalSource(sourceId);
    const headers = parseHeaders(values.header ?? []);
    const sender: Sender = { ...senderFor(local, signingSecret(local, values.secret)), headers: { ...(local.headers ?? {}), ...headers } };
    const template = payloadFile === undefined ? readExample(local) : readPayload(payloadFile);
    const dataDir = dataDirFrom(values['data-dir']);
    const url = webhookUrl(values.url ?? defaultBaseUrl(dataDir), sourceId);
    const keepId = values['keep-id'] ?? false;

    if (repeat === 1 && duplicateRate === 0) {
      return sendOnce(io, { sender, template, url, keepId, json: values.json ?? false, wait: !(values['no-wait'] ?? false), dataDir });
    }
    return sendMany(io, { sender, template, url, keepId, repeat, concurrency, duplicateRate, json: values.json ?? false });
  },
};

async function post(url: string, headers: Record<string, string>, body: Buffer): Promise<Result> {
  const started = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const latencyMs = performance.now() - started;
    let parsed: { status?: string; id?: string; error?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // not JSON
    }
    const s = response.status;
    const outcome: Outcome = s === 202 ? 'accepted' : s === 200 ? 'duplicate' : s === 409 ? 'in_flight' : s >= 400 && s < 500 ? 'rejected' : s >= 500 ? 'error' : 'accepted';
    return { outcome, status: s, latencyMs, ...(parsed.id && { id: parsed.id }), ...(parsed.error && { code: parsed.error }) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { outcome: 'error', status: 0, latencyMs: performance.now() - started, code: cause ?? (error instanceof Error ? error.name : 'error') };
  }
}

async function sendOnce(
  io: CliIo,
  o: { sender: Sender; template: Buffer; url: string; keepId: boolean; json: boolean; wait: boolean; dataDir: string },
): Promise<number> {
  const nowMs = Date.now();
  const payload = preparePayload(o.sender, o.template, { nowMs, keepId: o.keepId });
  const request = signRequest(o.sender, payload, o.url, nowMs);
  if (!o.json) io.out(`→ POST ${o.url}  (${o.sender.source.id}, ${o.sender.scheme.name} signature, ${request.body.length} bytes)`);
  const result = await post(o.url, request.headers, request.body);
  if (result.status === 0) {
    const hint = result.code === 'ECONNREFUSED' ? ' — is the local stack running? Start it with `npm start`.' : '';
    if (o.json) io.out(JSON.stringify(result));
    else io.err(`✗ could not reach ${o.url}: ${result.code ?? 'error'}${hint}`);
    return 1;
  }
  let record: EventRecord | undefined;
  if (o.wait && result.id && (result.outcome === 'accepted' || result.outcome === 'duplicate')) {
    record = await waitForProcessing(o.dataDir, o.url, o.sender.source.id, result.id);
  }
  if (o.json) {
    io.out(JSON.stringify({ ...result, ...(record && { record }) }));
  } else {
    const what = result.code ?? (result.outcome === 'in_flight' ? 'in flight' : result.outcome);
    io.out(`← ${result.status} ${what}${result.id ? `  id ${result.id}` : ''}  in ${formatMs(result.latencyMs)}`);
    if (record) {
      const took = record.processedAt !== undefined ? ` in ${record.processedAt - record.receivedAt} ms` : '';
      const note = record.status === 'completed' ? ' (published to the topic: see the subscriber line in the npm start console)' : record.error ? ` (${record.error})` : '';
      io.out(`  processed: ${record.status}${took}${note}`);
    } else if (result.outcome === 'rejected') {
      io.out(`  rejected by the verifier: ${result.code ?? 'unknown reason'}`);
    }
  }
  return result.outcome === 'rejected' || result.outcome === 'error' ? 1 : 0;
}

/** Polls the local store until the event leaves the queue (completed/failed), for at most a few seconds. */
async function waitForProcessing(dataDir: string, url: string, source: string, id: string): Promise<EventRecord | undefined> {
  const state = runningStack(dataDir);
  if (!state || new URL(state.url).origin !== new URL(url).origin) return undefined;
  const access = await openLocalStore(dataDir).catch(() => undefined);
  if (!access) return undefined;
  try {
    const store = new DynamoEventStore(access.client, access.tableName);
    let record: EventRecord | undefined;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      record = await store.get(source, id);
      if (record && (record.status === 'completed' || record.status === 'failed')) return record;
      await new Promise((r) => setTimeout(r, 50));
    }
    return record;
  } finally {
    await access.close();
  }
}

async function sendMany(
  io: CliIo,
  o: { sender: Sender; template: Buffer; url: string; keepId: boolean; repeat: number; concurrency: number; duplicateRate: number; json: boolean },
): Promise<number> {
  const counts: Record<Outcome, number> = { accepted: 0, duplicate: 0, in_flight: 0, rejected: 0, error: 0 };
  const codes = new Map<string, number>();
  const latencies: number[] = [];
  const sent: PreparedPayload[] = [];
  let started = 0;
  let done = 0;
  let duplicatesSent = 0;
  const t0 = performance.now();

  const draw = () => {
    const elapsed = (performance.now() - t0) / 1000;
    io.status(
      `${bar(done, o.repeat)} ${done}/${o.repeat}  ${(done / Math.max(elapsed, 0.001)).toFixed(0)}/s  ` +
        `accepted ${counts.accepted}  duplicate ${counts.duplicate + counts.in_flight}  rejected ${counts.rejected}  errors ${counts.error}`,
    );
  };
  const ticker = setInterval(draw, 100);

  const worker = async () => {
    while (started < o.repeat) {
      started++;
      const nowMs = Date.now();
      let payload: PreparedPayload;
      // A redelivery: the same event (same bytes, same id), signed again at send time.
      if (o.duplicateRate > 0 && sent.length > 0 && Math.random() < o.duplicateRate) {
        payload = sent[Math.floor(Math.random() * sent.length)]!;
        duplicatesSent++;
      } else {
        payload = preparePayload(o.sender, o.template, { nowMs, keepId: o.keepId });
        sent.push(payload);
      }
      const request = signRequest(o.sender, payload, o.url, nowMs);
      const result = await post(o.url, request.headers, request.body);
      counts[result.outcome]++;
      if (result.code && (result.outcome === 'rejected' || result.outcome === 'error')) codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
      latencies.push(result.latencyMs);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.repeat) }, worker));
  clearInterval(ticker);
  draw();
  if (io.interactive) io.err('');

  const elapsedS = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const summary = {
    url: o.url,
    sent: done,
    seconds: Number(elapsedS.toFixed(2)),
    perSecond: Number((done / elapsedS).toFixed(1)),
    concurrency: o.concurrency,
    duplicatesSent,
    accepted: counts.accepted,
    duplicate: counts.duplicate + counts.in_flight,
    duplicateInFlight: counts.in_flight,
    rejected: counts.rejected,
    errors: counts.error,
    rejectionCodes: Object.fromEntries(codes),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
  };
  if (o.json) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(`Sent ${summary.sent} to ${o.url} in ${summary.seconds} s (${summary.perSecond}/s, concurrency ${o.concurrency}${o.duplicateRate > 0 ? `, ${duplicatesSent} redeliveries` : ''})`);
    io.out(`  accepted   ${pad(summary.accepted)}  (202)`);
    io.out(`  duplicate  ${pad(summary.duplicate)}  (200 duplicate, or 409 while the first delivery was in flight: ${counts.in_flight})`);
    io.out(`  rejected   ${pad(summary.rejected)}  (4xx)`);
    io.out(`  errors     ${pad(summary.errors)}  (5xx or no response)`);
    if (codes.size > 0) io.out(`  codes: ${[...codes].map(([c, n]) => `${c} ×${n}`).join(', ')}`);
    io.out(`  latency    p50 ${formatMs(summary.p50Ms)}   p99 ${formatMs(summary.p99Ms)}`);
  }
  return counts.rejected > 0 || counts.error > 0 ? 1 : 0;
}

function pad(n: number): string {
  return String(n).padStart(7);
}

function intOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

function parseHeaders(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header "${h}" is not "name: value"`);
    out[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return out;
}
