/**
 * `npm run cost:outbound [-- --param name=value …]`: dollars per million outbound deliveries, all in, one endpoint per
 * message, line by line, for this design and the one before issue #18 (main at df56050) priced by the same model;
 * at 1, 8 and 64 KiB, with a 4 KiB response body, with 5 % retried; the payload size above which S3 is cheaper than
 * the table; what each lever changes; EventBridge API destinations beside. Priced from bench/pricing.json, written to
 * bench/results/. The assumptions (bench/cost/outbound.ts) are printed with the result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PAYLOAD_INLINE_MAX_BYTES } from '../lambdas/adapters/payload-store';
import {
  apiDestinationsCost,
  deliveryBatchFill,
  designInputs,
  outboundCost,
  OUTBOUND_ASSUMPTIONS,
  scenarioOf,
  total,
  type OutboundAssumptions,
  type OutboundPrices,
} from './cost/outbound';
import { leanUsage, mainUsage, type DesignInputs } from './cost/outbound-designs';
import { machineHeader, saveResult } from './lib/machine';
import { table } from './lib/stats';

const { values } = parseArgs({
  options: { param: { type: 'string', multiple: true, default: [] }, 'no-write': { type: 'boolean', default: false } },
});
const params: Partial<OutboundAssumptions> = {};
for (const p of values.param) {
  const [name = '', value = ''] = p.split('=');
  if (!(name in OUTBOUND_ASSUMPTIONS) || !Number.isFinite(Number(value)))
    throw new Error(`--param takes name=number with name one of: ${Object.keys(OUTBOUND_ASSUMPTIONS).join(', ')}`);
  params[name as keyof OutboundAssumptions] = Number(value);
}
const a: OutboundAssumptions = { ...OUTBOUND_ASSUMPTIONS, ...params };

type Priced = Record<string, { usd: number }>;
const pricing = JSON.parse(readFileSync(join(import.meta.dirname, 'pricing.json'), 'utf8')) as {
  checked: string;
  prices: Priced;
  outbound: Priced;
};
const all: Priced = { ...pricing.prices, ...pricing.outbound };
const prices = new Proxy({} as OutboundPrices, {
  get: (_, key: string) => {
    const price = all[key]?.usd;
    if (price === undefined) throw new Error(`bench/pricing.json has no price ${key}`);
    return price;
  },
});

type Design = typeof leanUsage;
/** Main deployed the worker's event source without a batching window. */
const MAIN: Partial<OutboundAssumptions> = { batchingWindowSeconds: 0 };
const cost = (design: Design, bytes: number, o: Partial<OutboundAssumptions> = {}, d: Partial<DesignInputs> = {}) => {
  const x = { ...a, ...(design === mainUsage ? MAIN : {}), ...o };
  return outboundCost(prices, bytes, design(scenarioOf(bytes, x), { ...designInputs(x), ...d }), x);
};
const usd = (v: number) => `$${v.toFixed(2)}`;
const KIB = 1024;
const main1 = cost(mainUsage, KIB);
const lean1 = cost(leanUsage, KIB);
const sizes = [KIB, 8 * KIB, 64 * KIB];
const lean = (o: Partial<OutboundAssumptions>, d: Partial<DesignInputs> = {}) => total(cost(leanUsage, KIB, o, d));
const lever = (what: string, o: Partial<OutboundAssumptions>, d: Partial<DesignInputs> = {}) => {
  const t = lean(o, d);
  return [what, usd(t), `${t >= total(lean1) ? '+' : '-'}${usd(Math.abs(t - total(lean1)))}`];
};
// The payload size from which S3 costs less than the table, every other line equal.
const crossover = (() => {
  for (let kib = 1; kib <= 64; kib++) {
    const inTable = total(cost(leanUsage, kib * KIB, {}, { inlineMaxBytes: Infinity }));
    const inS3 = total(cost(leanUsage, kib * KIB, {}, { inlineMaxBytes: 0 }));
    if (inS3 < inTable) return kib;
  }
  return undefined;
})();
const usage = leanUsage(scenarioOf(KIB, a), designInputs(a));
const mainWrites = mainUsage(scenarioOf(KIB, a), designInputs({ ...a, ...MAIN })).writes;

const report = [
  machineHeader('Outbound cost per million deliveries, all in (npm run cost:outbound)'),
  `# prices: bench/pricing.json, checked ${pricing.checked}; us-east-1, on-demand, first tier, no free tier`,
  `# assumptions (--param name=value): ${Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`,
  `# delivery queue batch fill: ${deliveryBatchFill(a).toFixed(1)} (the inbound model's rule: 1 without a batching window, as main had); payloads over ${PAYLOAD_INLINE_MAX_BYTES} B to S3`,
  '',
  table([
    ['per million deliveries, 1 KiB, one attempt', 'before #18 (main)', 'this design'],
    ...main1.map((l, i) => [l.what, usd(l.usd), usd(lean1[i]!.usd)]),
    ['total', usd(total(main1)), usd(total(lean1))],
  ]),
  '',
  table([
    ['total per million', 'before #18 (main)', 'this design'],
    ...sizes.map((b) => [`${b / KIB} KiB payload`, usd(total(cost(mainUsage, b))), usd(total(cost(leanUsage, b)))]),
    [
      '64 KiB ÷ 1 KiB',
      `${(total(cost(mainUsage, 64 * KIB)) / total(main1)).toFixed(2)}×`,
      `${(total(cost(leanUsage, 64 * KIB)) / total(lean1)).toFixed(2)}×`,
    ],
    ...(
      [
        ['a 4 KiB 2xx response body (error-page-like, gzip to a quarter)', { responseBytes: 4096 }],
        ['a 4 KiB 2xx response body that does not compress', { responseBytes: 4096, bodyCompression: 1 }],
        ['5 % retried once (4 KiB error body, gzip to a quarter)', { retriedShare: 0.05, failureBodyBytes: 4096 }],
      ] as const
    ).map(([what, o]) => {
      const [m, l] = [total(cost(mainUsage, KIB, o)), total(cost(leanUsage, KIB, o))];
      return [`1 KiB, ${what}`, `${usd(m)} (+${usd(m - total(main1))})`, `${usd(l)} (+${usd(l - total(lean1))})`];
    }),
  ]),
  '',
  `Write units per 1 KiB delivery (one attempt): before ${mainWrites.reduce((n, w) => n + w[1], 0)}, now ${usage.writes.reduce((n, w) => n + w[1], 0).toFixed(1)}:`,
  ...usage.writes.map(([what, units]) => `  ${units.toFixed(2).padStart(5)}  ${what}`),
  `S3 is cheaper than the table from ${crossover ?? '>64'} KiB of payload (every other line equal); the threshold is ${PAYLOAD_INLINE_MAX_BYTES / KIB} KiB.`,
  '',
  table([
    ['this design, 1 KiB, with one assumption changed', 'total', 'vs total'],
    lever('no batching window on the delivery queue (a batch of 1)', { batchingWindowSeconds: 0 }),
    lever('no secret cache (a Decrypt per attempt)', { secretCacheTtlSeconds: 0 }),
    lever('no endpoint rate-limited', { rateLimitedShare: 0 }),
    lever("2xx bodies kept as failures' are (up to 4 KiB, an item each)", {}, { successBodyCap: 4096 }),
    lever('10 M deliveries a day', { deliveriesPerDay: 10_000_000 }),
    lever('retention 7 days instead of 30', { retentionDays: 7 }),
  ]),
  '',
  `EventBridge API destinations, transport only: ${usd(total(apiDestinationsCost(prices, KIB, 0)))} at 1 KiB (no endpoint registry, no per-endpoint`,
  'signing secrets, no 3-day schedule, no attempt log).',
  '',
].join('\n');
process.stdout.write(report);
if (!values['no-write']) saveResult('cost-outbound', report);
