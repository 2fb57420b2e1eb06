/**
 * `npm run bench:sources`: what a tenant source costs the verifier per request, side by side with a config-file
 * source in the same run, with 10,000 tenant sources in the table; then the shared pipeline's fairness under a flood.
 *
 * The verifier is the real handler (`createVerifierHandler`, middy and all) on a GitHub push of 1 KiB, its event
 * store and queue null ports (bench/lib/null-ports.ts), so the figures are the handler's own CPU:
 * - config-file source: `/webhooks/github`, its secret from the secrets port (cached);
 * - tenant source, cache warm: `/webhooks/t/…`, requests spread over all 10,000 sources, every one cached;
 * - tenant source, cache cold: every request a miss (TTL 0): the read (an in-memory table), the Decrypt of its
 *   sealed secrets (AES-GCM, the local stand-in for KMS) and preparing the source. On AWS a miss also waits for one
 *   GetItem and one KMS Decrypt round trip in the region, which this in-process run cannot include;
 * - unknown path: a 404 answered from the negative cache.
 * Method: warm up, then rounds of one batch per variant in a rotating order, each request timed on its own; p50 and
 * p99 over every request of every round. Usage: `npm run bench:sources -- [--rounds 21] [--no-write]`.
 */
import { parseArgs } from 'node:util';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { TENANT_WEBHOOK_PATH } from '../lambdas/contract';
import { silentLog } from '../lambdas/core/kernel/log';
import { createSource } from '../lambdas/core/inbound/tenant-sources/management';
import { TenantSourceResolver } from '../lambdas/core/inbound/tenant-sources/resolve';
import { createVerifierHandler } from '../lambdas/verifier/create-handler';
import { LocalSecretCipher } from '../local/local-cipher';
import { FakeTenantSources } from '../test/helpers/tenant-sources';
import { apiGatewayEvent, prepared, runtimeSource, signedWebhook, TEST_QUEUES } from '../test/helpers/webhook';
import { floodSharedQueue } from './lib/fair-flood';
import { machineHeader, saveResult } from './lib/machine';
import { ConstantSecrets, NullEventStore, NullQueue } from './lib/null-ports';
import { quantile, table } from './lib/stats';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, 'no-write': { type: 'boolean' } } });
const ROUNDS = Number(values.rounds ?? 21);
const TENANT_SOURCES = 10_000;
const TENANTS = 100;
/** Requests per variant per round. */
const BATCH = 500;
const SECRET = 'bench-github-webhook-secret';
const BODY = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/app' }, pad: 'x'.repeat(900) });
const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

/** A signed push delivery `id` to `path` (a config source's or a tenant source's). */
function push(path: string, id: string): APIGatewayProxyEventV2 {
  const webhook = signedWebhook('github', {
    body: BODY,
    secret: SECRET,
    nowMs: Date.now(),
    headers: { 'x-github-delivery': id, 'x-github-event': 'push' },
  });
  const base = apiGatewayEvent('github', webhook);
  const parts = path.split('/');
  if (parts[2] !== 't') return base;
  const routeKey = `POST ${TENANT_WEBHOOK_PATH}`;
  return {
    ...base,
    routeKey,
    rawPath: path,
    pathParameters: { tenant: parts[3]!, source: parts[4]!, token: parts[5]! },
    requestContext: { ...base.requestContext, routeKey },
  };
}

async function setup() {
  const table = new FakeTenantSources();
  const cipher = LocalSecretCipher.open();
  const manage = { sources: table, cipher, now: Date.now };
  const paths: string[] = [];
  for (let i = 0; i < TENANT_SOURCES; i++) {
    const out = await createSource(
      `tenant-${i % TENANTS}`,
      { id: `gh-${i}`, scheme: 'github', secret: SECRET },
      manage,
    );
    paths.push(out.source.path);
  }
  const resolver = (ttlMs: number) =>
    new TenantSourceResolver({
      repository: table,
      cipher,
      queueUrl: TEST_QUEUES.sharedUrl,
      clock: Date.now,
      ttlMs,
      missesPerSecond: 1e9,
      log: silentLog,
    });
  const warm = resolver(60_000);
  for (const path of paths) {
    const [, , , tenant, id, token] = path.split('/');
    await warm.resolve(tenant!, id!, token!);
  }
  const common = {
    sources: prepared(runtimeSource({ id: 'github', scheme: 'github' })),
    store: new NullEventStore(),
    queue: new NullQueue(),
    secrets: new ConstantSecrets([SECRET]),
    clock: Date.now,
    leaseMs: 30_000,
    newToken: () => 'lease',
    log: silentLog,
  };
  const handler = (tenantSources?: TenantSourceResolver) =>
    createVerifierHandler({ ...common, ...(tenantSources && { tenantSources }) });
  const unknown = paths.map((p) => p.replace(/\/gh-(\d+)\//, '/gone-$1/'));
  const cold = resolver(0);
  return {
    table,
    variants: [
      { name: 'config-file source', handler: handler(), path: (_: number) => '/webhooks/github', expect: 202 },
      {
        name: 'tenant source, cache warm',
        handler: handler(warm),
        path: (i: number) => paths[i % paths.length]!,
        expect: 202,
      },
      {
        name: 'tenant source, cache cold',
        handler: handler(cold),
        path: (i: number) => paths[i % paths.length]!,
        expect: 202,
      },
      {
        name: 'unknown path (negative cache)',
        handler: handler(warm),
        path: (i: number) => unknown[i % 50]!,
        expect: 404,
      },
    ],
  };
}

async function verifierRows(): Promise<string[][]> {
  const { variants, table: sourcesTable } = await setup();
  const samples = variants.map(() => [] as number[]);
  const reads = variants.map(() => 0);
  let n = 0;
  const warmup = Math.max(3, Math.floor(ROUNDS / 3));
  for (let round = -warmup; round < ROUNDS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round + warmup) % variants.length]!;
      const index = variants.indexOf(v);
      const events = Array.from({ length: BATCH }, (_, i) => push(v.path(n + i), `d-${n + i}`));
      const readsBefore = sourcesTable.gets;
      for (const event of events) {
        const t0 = performance.now();
        const response = await v.handler(event, context);
        const us = (performance.now() - t0) * 1000;
        if (response.statusCode !== v.expect) throw new Error(`${v.name}: ${response.statusCode} ${response.body}`);
        if (round >= 0) samples[index]!.push(us);
      }
      if (round >= 0) reads[index]! += sourcesTable.gets - readsBefore;
      n += BATCH;
    }
  }
  const base = quantile(samples[0]!, 0.5);
  return variants.map((v, i) => [
    v.name,
    quantile(samples[i]!, 0.5).toFixed(0),
    quantile(samples[i]!, 0.99).toFixed(0),
    `${(quantile(samples[i]!, 0.5) / base).toFixed(2)}x`,
    (reads[i]! / samples[i]!.length).toFixed(2),
  ]);
}

async function fairnessRows(): Promise<string[][]> {
  const rows: string[][] = [];
  for (let run = 1; run <= 3; run++) {
    for (const fair of [true, false]) {
      const d = await floodSharedQueue({ fair });
      const q = (v: number[], p: number) => quantile(v, p).toFixed(0);
      rows.push([
        `${fair ? 'fair' : 'plain'} (run ${run})`,
        q(d.quiet, 0.5),
        q(d.quiet, 0.99),
        q(d.noisy, 0.5),
        q(d.noisy, 0.99),
      ]);
    }
  }
  return rows;
}

const report = [
  machineHeader('bench:sources: the verifier with 10,000 tenant sources, and the shared pipeline under a flood'),
  `# ${ROUNDS} rounds x ${BATCH} requests per variant (after warm-up), GitHub push of ${BODY.length} B, null event store and queue`,
  '',
  '## Verifier, per request (microseconds of the handler; a miss on AWS adds a GetItem and a KMS Decrypt round trip)',
  table([['variant', 'p50 us', 'p99 us', 'p50 vs config', 'table reads / request'], ...(await verifierRows())]),
  '',
  '## Shared queue, one tenant floods 3000 events, another sends 20 (one every 10 ms); dwell time in ms',
  '# batches of 10, 5 at once, 10 ms of work per batch; fair = the local model of SQS fair queues (10 %, 30 in flight)',
  table([['queue', 'quiet p50', 'quiet p99', 'flood p50', 'flood p99'], ...(await fairnessRows())]),
].join('\n');

console.log(report);
if (!values['no-write']) console.log(`\nwritten to ${saveResult('sources', report)}`);
