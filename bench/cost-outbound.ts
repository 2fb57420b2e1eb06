/**
 * `npm run cost:outbound [-- --param name=value …]`: dollars per million outbound deliveries at 1 KiB, one attempt
 * and with 5 % retried once, line by line, next to EventBridge API destinations; priced from bench/pricing.json,
 * written to bench/results/. The assumptions (bench/cost/outbound.ts `OUTBOUND_ASSUMPTIONS`) are printed with the
 * result; `--param` changes one, e.g. `--param secretCacheTtlSeconds=0` for the worker without its secret cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  apiDestinationsCost,
  outboundCost,
  OUTBOUND_ASSUMPTIONS,
  total,
  writeUnits,
  type OutboundAssumptions,
  type OutboundPrices,
} from './cost/outbound';
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
const a = { ...OUTBOUND_ASSUMPTIONS, ...params };

type Priced = Record<string, { usd: number }>;
const pricing = JSON.parse(readFileSync(join(import.meta.dirname, 'pricing.json'), 'utf8')) as {
  checked: string;
  prices: Priced;
  outbound: Priced;
};
const all: Priced = { ...pricing.prices, ...pricing.outbound };
const keys: Array<keyof OutboundPrices> = [
  'apiGatewayHttpRequest',
  'lambdaRequest',
  'lambdaArm64GbSecond',
  'dynamoDbWriteRequestUnit',
  'dynamoDbReadRequestUnit',
  'sqsStandardRequest',
  'kmsRequest',
  'eventBridgeCustomEvent',
  'eventBridgeApiDestinationInvocation',
];
const prices = Object.fromEntries(keys.map((k) => [k, all[k]!.usd])) as unknown as OutboundPrices;

const usd = (v: number) => `$${v.toFixed(2)}`;
const both = (o: Partial<OutboundAssumptions>) =>
  [
    total(outboundCost(prices, 1024, 0, { ...a, ...o })),
    total(outboundCost(prices, 1024, 0.05, { ...a, ...o })),
  ] as const;
const once = outboundCost(prices, 1024, 0, a);
const retried = outboundCost(prices, 1024, 0.05, a);
const w = writeUnits(1024, 0);
const [base1, base5] = both({});
const lever = (what: string, o: Partial<OutboundAssumptions>) => {
  const [t1, t5] = both(o);
  return [what, usd(t1), usd(t5), `${t1 >= base1 ? '+' : '-'}${usd(Math.abs(t1 - base1))}`];
};
const report = [
  machineHeader('Outbound cost per million deliveries (npm run cost:outbound)'),
  `# prices: bench/pricing.json, checked ${pricing.checked}; us-east-1, on-demand, first tier, no free tier`,
  `# assumptions (--param name=value): ${Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`,
  '',
  table([
    ['per million deliveries, 1 KiB, one endpoint', 'one attempt', '5 % retried once'],
    ...once.map((l, i) => [l.what, usd(l.usd), usd(retried[i]!.usd)]),
    ['total, this stack', usd(base1), usd(base5)],
    [
      'EventBridge API destinations',
      usd(total(apiDestinationsCost(prices, 1024, 0))),
      usd(total(apiDestinationsCost(prices, 1024, 0.05))),
    ],
  ]),
  '',
  `Write units per delivery (one attempt): message ${w.messagePut} + delivery ${w.deliveryPut} + markFannedOut ${w.markFannedOut} at intake;`,
  `attempt update ${w.attemptUpdate} + attempt item ${w.attemptItems}. Each includes its index entries: the 1 KiB message is 2 WRU in the table`,
  'and 2 in byTenant; a delivery or attempt write is also written to byTenant/byEndpoint (ALL) and due (keys only).',
  '',
  table([
    ['the same with one assumption changed', 'one attempt', '5 % retried once', 'vs total'],
    lever('no secret cache (a Decrypt per attempt)', { secretCacheTtlSeconds: 0 }),
    lever('secret cache, 10 M deliveries a day', { deliveriesPerDay: 10_000_000 }),
    lever('no endpoint rate-limited', { rateLimitedShare: 0 }),
    lever('one lost state compare-and-set per attempt', { stateConflictsPerAttempt: 1 }),
    lever('no response-body item (empty bodies)', { responseBodyShare: 0 }),
  ]),
  '',
  'API destinations: no endpoint registry per tenant, no per-endpoint signing secrets (it signs with a connection',
  'credential), no 3-day schedule (24 h at most), no attempt log; listed for the price of the transport alone.',
  '',
].join('\n');
process.stdout.write(report);
if (!values['no-write']) saveResult('cost-outbound', report);
