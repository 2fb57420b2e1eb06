/**
 * `npm run cost:outbound`: dollars per million outbound deliveries at 1 KiB, one attempt and with 5 % retried once,
 * line by line, next to EventBridge API destinations; priced from bench/pricing.json, written to bench/results/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDestinationsCost, outboundCost, OUTBOUND_ASSUMPTIONS, total, type OutboundPrices } from './cost/outbound';
import { machineHeader } from './lib/machine';
import { table } from './lib/stats';

type Priced = Record<string, { usd: number }>;
const pricing = JSON.parse(readFileSync(join(import.meta.dirname, 'pricing.json'), 'utf8')) as { checked: string; prices: Priced; outbound: Priced };
const all: Priced = { ...pricing.prices, ...pricing.outbound };
const keys: Array<keyof OutboundPrices> = [
  'apiGatewayHttpRequest', 'lambdaRequest', 'lambdaArm64GbSecond', 'dynamoDbWriteRequestUnit', 'dynamoDbReadRequestUnit',
  'sqsStandardRequest', 'kmsRequest', 'eventBridgeCustomEvent', 'eventBridgeApiDestinationInvocation',
];
const prices = Object.fromEntries(keys.map((k) => [k, all[k]!.usd])) as unknown as OutboundPrices;

const usd = (v: number) => `$${v.toFixed(2)}`;
const once = outboundCost(prices, 1024, 0);
const retried = outboundCost(prices, 1024, 0.05);
const report = [
  machineHeader('Outbound cost per million deliveries (npm run cost:outbound)'),
  `# prices: bench/pricing.json, checked ${pricing.checked}; us-east-1, on-demand, first tier, no free tier`,
  `# assumptions: ${JSON.stringify(OUTBOUND_ASSUMPTIONS)}`,
  '',
  table([
    ['per million deliveries, 1 KiB, one endpoint', 'one attempt', '5 % retried once'],
    ...once.map((l, i) => [l.what, usd(l.usd), usd(retried[i]!.usd)]),
    ['total, this stack', usd(total(once)), usd(total(retried))],
    ['EventBridge API destinations', usd(total(apiDestinationsCost(prices, 1024, 0))), usd(total(apiDestinationsCost(prices, 1024, 0.05)))],
  ]),
  '',
  'API destinations: no endpoint registry per tenant, no per-endpoint signing secrets (it signs with a connection',
  'credential), no 3-day schedule (24 h at most), no attempt log; listed for the price of the transport alone.',
  '',
].join('\n');
process.stdout.write(report);
const out = join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `cost-outbound-${new Date().toISOString().slice(0, 10)}.txt`), report);
