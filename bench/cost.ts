/**
 * `npm run cost`: dollars per million events, by service, for 1 KiB, 8 KiB and 64 KiB payloads with
 * one SQS subscriber, read from the synthesized template and priced from `bench/pricing.json`, next
 * to the floor and the ratio; then what each cost lever would save.
 *
 * Usage: `npm run cost -- [--template cdk.out/WebhookIngestion.template.json] [--source stripe]
 *   [--param name=value ...] [--synth]`. Runs `npx cdk synth --quiet` when the template is missing
 * (or with --synth); synth works offline.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeEnvelope } from '../lambdas/core/inbound/envelope';
import { ARCHIVE_CONTEXT_ATTRIBUTE, EVENTS_TABLE, eventKey, PAYLOAD_LIMITS } from '../lambdas/contract';
import { attemptRow } from '../lambdas/core/archive/attempts';
import { archiveContext } from '../lambdas/core/archive/context';
import { extendedPointer } from '../lambdas/core/archive/extended-pointer';
import { encodeRows } from '../lambdas/core/archive/record';
import {
  CURRENT_DESIGN,
  DEFAULT_ASSUMPTIONS,
  dynamoItemBytes,
  floorCost,
  messageBytes,
  observabilityCost,
  processorBatchFill,
  stackCost,
  type Assumptions,
  type Breakdown,
  type Design,
  type Drivers,
  type EventShape,
  type Service,
} from './cost/model';
import { SOURCE_SCENARIOS, sourceCost, type SourcePrices } from './cost/sources';
import { readTemplate, renderAccessLog, type CfnTemplate } from './cost/template';
import { measureLines, type LineBytes } from './cost/lines';
import { machineHeader } from './lib/machine';
import { table } from './lib/stats';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = [1024, 8 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024] as const;

interface Args {
  readonly template: string;
  readonly source: string | undefined;
  readonly params: Partial<Record<keyof Assumptions, number | boolean>>;
  readonly synth: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let template = path.join(ROOT, 'cdk.out', 'WebhookIngestion.template.json');
  let source: string | undefined;
  let synth = false;
  const params: Record<string, number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--template') template = path.resolve(argv[++i]!);
    else if (arg === '--source') source = argv[++i];
    else if (arg === '--synth') synth = true;
    else if (arg === '--param') {
      const [name, value] = (argv[++i] ?? '').split('=');
      if (!name || value === undefined || !(name in DEFAULT_ASSUMPTIONS)) {
        throw new Error(`--param takes name=value with name one of: ${Object.keys(DEFAULT_ASSUMPTIONS).join(', ')}`);
      }
      params[name] =
        typeof DEFAULT_ASSUMPTIONS[name as keyof Assumptions] === 'boolean' ? value === 'true' : Number(value);
      if (typeof params[name] === 'number' && !Number.isFinite(params[name]))
        throw new Error(`--param ${name}: not a number`);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { template, source, params: params as Args['params'], synth };
}

/** What one event of `payloadBytes` becomes: sized with the real envelope code and table key. */
function eventShape(
  payloadBytes: number,
  sourceId: string,
  accessLogFormat: string | undefined,
  lines: LineBytes,
): EventShape {
  const id = 'evt_1QxYzAbCdEfGhIjKlMnOpQrS';
  const type = 'invoice.paid';
  // The envelope around the payload is what travels; its overhead does not depend on the payload.
  const empty = serializeEnvelope(
    {
      id,
      source: sourceId,
      type,
      receivedAt: new Date(Date.UTC(2026, 10, 23)).toISOString(),
      headers: { 'content-type': 'application/json', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
    },
    '',
  );
  const envelopeBytes = Buffer.byteLength(empty) + payloadBytes;
  const attributes = { source: sourceId, type, eventId: id };
  const now = Date.UTC(2026, 10, 23);
  // The record at its largest: while `processing` (lease fields) after having been `enqueued`.
  const item = {
    [EVENTS_TABLE.partitionKey]: eventKey(sourceId, id),
    source: sourceId,
    eventId: id,
    status: 'processing',
    type,
    receivedAt: now,
    attempts: 1,
    [EVENTS_TABLE.ttlAttribute]: Math.floor(now / 1000) + 7 * 86_400,
    enqueuedAt: now,
    leaseUntil: now + 60_000,
    leaseToken: randomUUID(),
  };
  const pad = 'x'.repeat(envelopeBytes - Buffer.byteLength(empty));
  // The queue message carries the archive context (headers, hash) as an attribute; a body over SQS's limit is
  // claim-checked (the message then carries no payload), a published message over SNS's limit offloaded.
  const context = JSON.stringify(
    archiveContext({ headers: ARCHIVE_HEADERS, secretIndex: 0, body: Buffer.from(pad), payloadIsBody: true }),
  );
  const queueAttributes = { ...attributes, [ARCHIVE_CONTEXT_ATTRIBUTE]: context };
  const inline = messageBytes(empty + pad, queueAttributes);
  const claimCheck = inline > PAYLOAD_LIMITS.sqsMessageBytes;
  const published = messageBytes(empty + pad, attributes);
  const offloaded = published > PAYLOAD_LIMITS.snsMessageBytes;
  return {
    payloadBytes,
    queueMessageBytes: claimCheck ? messageBytes(`${empty}null`, queueAttributes) : inline,
    publishBytes: offloaded
      ? messageBytes(
          extendedPointer('archive-bucket-name-of-63-characters', 'messages/source=stripe/day=2026-11-23/x'),
          {
            ...attributes,
            ExtendedPayloadSize: String(published),
          },
        )
      : published,
    itemBytes: dynamoItemBytes(item),
    accessLogBytes: accessLogFormat ? Buffer.byteLength(renderAccessLog(accessLogFormat)) : 0,
    ...lines,
    archiveRowBytes: archivedRowBytes(payloadBytes, claimCheck),
    claimCheck,
    offloaded,
  };
}

/** Request headers as a provider sends them (Stripe), archived with each row. */
const ARCHIVE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
  'stripe-signature': `t=1795435200,v1=${'a'.repeat(64)}`,
  host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
  'x-forwarded-for': '54.187.174.169',
  'x-forwarded-proto': 'https',
  'x-forwarded-port': '443',
  'x-amzn-trace-id': 'Root=1-6740a3b2-0123456789abcdef01234567',
  accept: '*/*; q=0.5, application/xml',
  'cache-control': 'no-cache',
  'content-length': '1024',
};

/**
 * One archived row's share of a gzipped batch object of 10, with the real row builder and encoder. The payload is
 * the Stripe example padded with random hex to the size: it compresses worse than real JSON (a conservative figure).
 * A claim-checked body is not in the row (its object is counted apart).
 */
function archivedRowBytes(payloadBytes: number, claimCheck: boolean): number {
  const example = readFileSync(path.join(ROOT, 'examples', 'stripe.json'), 'utf8').trim();
  const rows = Array.from({ length: 10 }, (_, i) => {
    const filler = randomBytes(Math.max(0, Math.ceil((payloadBytes - example.length - 12) / 2))).toString('hex');
    const body = `${example.slice(0, -1)},"pad":"${filler}"}`.slice(0, Math.max(payloadBytes, example.length));
    const envelope = {
      id: `evt_${i}`,
      source: 'stripe',
      type: 'invoice.paid',
      receivedAt: new Date(0).toISOString(),
      headers: {},
    };
    return attemptRow(
      {
        envelope: { ...envelope, payload: null },
        text: serializeEnvelope(envelope, body),
        context: claimCheck
          ? {
              h: ARCHIVE_HEADERS,
              s: 0,
              sha: 'f'.repeat(64),
              n: payloadBytes,
              ref: 'payloads/source=stripe/day=2026-11-23/x',
            }
          : archiveContext({ headers: ARCHIVE_HEADERS, secretIndex: 0, body: Buffer.from(body), payloadIsBody: true }),
        attempt: 1,
        status: 'completed',
      },
      { denyHeaders: [], scheme: 'stripe' },
      Date.UTC(2026, 10, 23),
    );
  });
  return encodeRows(rows).byteLength / rows.length;
}

const usd = (perEvent: number): string => `$${(perEvent * 1e6).toFixed(3)}`;

function describeDrivers(d: Drivers): string {
  const fn = (f: Drivers['verifier']) =>
    `${f.memoryMb} MB ${f.arch}, tracing ${f.activeTracing ? 'Active' : 'off'}, platform logs ${f.platformLogs ? 'on' : 'off'}, app log ${f.appLogLevel}`;
  return [
    `# API: ${d.api.kind.toUpperCase()} API, access logs ${d.api.accessLogs ? 'on' : 'off'}`,
    `# verifier: ${fn(d.verifier)}; secrets cached ${d.secretsCacheSeconds} s, ${d.secrets} secrets`,
    `# processor: ${fn(d.processor)}; batch size ${d.processor.batchSize}, batching window ${d.processor.batchingWindowSeconds} s`,
    `# table: ${d.table.billing}, ${d.table.encryption}, PITR ${d.table.pointInTimeRecovery ? 'on' : 'off'}, ${d.table.replicas} replica(s), TTL ${d.dedupeSeconds / 86_400} days`,
    `# ingest queue: ${d.ingestQueue.encryption}; topic: ${d.topic.encryption} (${d.topic.publishers} publishing roles); subscriber: ${d.subscriber ? `${d.subscriber.encryption}, raw ${d.subscriber.rawMessageDelivery}` : 'none'}`,
  ].join('\n');
}

interface Lever {
  readonly name: string;
  readonly where: string;
  readonly drivers?: (d: Drivers) => Drivers;
  readonly assumptions?: Partial<Assumptions>;
  readonly design?: Design;
  /** Weakens a guarantee: listed, but kept out of the first "all" row. */
  readonly tradeOff?: string;
}

const LEVERS: readonly Lever[] = [
  {
    name: 'no `enqueued` write (the processor already accepts `received`)',
    where: 'lambdas/core/inbound/ingest.ts',
    design: { writes: CURRENT_DESIGN.writes.filter((w) => !w.startsWith('UpdateItem enqueued')) },
    tradeOff:
      'a duplicate arriving after the ingestion lease but before the processor claims is queued again and answered 202, not "duplicate" (still processed once)',
  },
  {
    name: 'no `processing` claim: publish, then one conditional `completed` write',
    where: 'lambdas/core/inbound/process.ts',
    design: { writes: CURRENT_DESIGN.writes.filter((w) => !w.startsWith('UpdateItem processing')) },
    tradeOff: 'a redelivery racing the first attempt can publish twice',
  },
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.synth || !existsSync(args.template)) {
    console.error(
      `# ${args.synth ? 'synthesizing' : `${path.relative(ROOT, args.template)} is missing: synthesizing`} (npx cdk synth --quiet)`,
    );
    const out = spawnSync('npx', ['cdk', 'synth', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (out.status !== 0 || !existsSync(args.template)) throw new Error('cdk synth failed');
  }
  const prices = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'pricing.json'), 'utf8')) as SourcePrices & {
    checked: string;
    region: string;
  };
  const template = JSON.parse(readFileSync(args.template, 'utf8')) as CfnTemplate;
  const reading = readTemplate(template, args.source);
  const d = reading.drivers;
  const a: Assumptions = { ...DEFAULT_ASSUMPTIONS, ...(args.params as Partial<Assumptions>) };
  const sourceId = args.source ?? 'stripe';
  const lines = await measureLines();
  const shapes = SIZES.map((bytes) => eventShape(bytes, sourceId, reading.accessLogFormat, lines));

  const stack = shapes.map((s) => stackCost(d, s, a, prices));
  const floor = shapes.map((s) => floorCost(s.payloadBytes, prices));

  console.log(machineHeader('cost — dollars per million events, by service, vs the floor'));
  console.log(
    `# ${prices.region} list prices from bench/pricing.json (checked ${prices.checked}), one SQS subscriber, free tiers ignored`,
  );
  console.log(
    `# template: ${path.relative(ROOT, args.template)} (written ${statSync(args.template).mtime.toISOString()}), source ${sourceId}`,
  );
  console.log(describeDrivers(d));
  console.log(
    `# assumptions (--param name=value): ${Object.entries(a)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  console.log(
    `# derived: processor batch fill ${processorBatchFill(d, a)}; sizes at 1 KiB: queue message ${shapes[0]!.queueMessageBytes} B, item ${shapes[0]!.itemBytes} B, access log ${shapes[0]!.accessLogBytes} B; ` +
      `measured (bench/cost/lines.ts): verifier metrics line ${lines.verifierMetricLineBytes} B, processor metrics line ${lines.processorMetricLineBytes} B + ${lines.processorMetricBytesPerEvent} B/event, event id on the batch line ${lines.eventIdLogBytes} B`,
  );
  for (const w of reading.warnings) console.log(`# warning: ${w}`);
  console.log('');

  const services = [...new Set(stack[0]!.lines.map((l) => l.service))] as Service[];
  const cell = (b: Breakdown, s: Service) => {
    const line = b.lines.find((l) => l.service === s);
    return line ? usd(line.usd) : '-';
  };
  console.log(
    table(
      [
        ['per 1M events', ...SIZES.map((b) => `${b / 1024} KiB`), 'floor 1 KiB', 'what is counted per event (1 KiB)'],
        ...services.map((s) => [
          s,
          ...stack.map((b) => cell(b, s)),
          cell(floor[0]!, s),
          stack[0]!.lines.find((l) => l.service === s)!.detail,
        ]),
        ['total', ...stack.map((b) => usd(b.total)), usd(floor[0]!.total), ''],
        [
          'floor',
          ...floor.map((b) => usd(b.total)),
          '',
          'API request + 128 MB/1 ms invocation + 1 WRU + 1 send + 1/10 PublishBatch of 10 (64 KB units), as the stack publishes',
        ],
        ['ratio', ...stack.map((b, i) => `${(b.total / floor[i]!.total).toFixed(2)}x`), '', 'target <= 1.3x at 1 KiB'],
      ],
      'lrrrrl',
    ),
  );

  // What the archive adds at 1 KiB (its S3 line and the processor's PUT time), at the model's fill and at fill 1.
  if (d.archive) {
    const adds = (fill: number) => {
      const aa = { ...a, messagesPerProcessorBatch: fill };
      return (
        stackCost(d, shapes[0]!, aa, prices).total -
        stackCost({ ...d, archive: undefined }, shapes[0]!, aa, prices).total
      );
    };
    const fill = processorBatchFill(d, a);
    console.log('');
    console.log(
      `archive adds at 1 KiB: ${usd(adds(fill))} per 1M events at batch fill ${fill} (target <= $0.75), ${usd(adds(1))} at fill 1 ` +
        `(one PUT per event), incl. ${d.archive.retentionDays ?? `${a.archiveForeverMonths * 30} (for ever)`} days of storage`,
    );
  }

  // What-ifs: each lever alone, then all together, at 1 KiB.
  console.log('');
  const base = stack[0]!.total;
  const apply = (levers: readonly Lever[]) => {
    let dd = d;
    let aa = a;
    let design = CURRENT_DESIGN;
    for (const l of levers) {
      if (l.drivers) dd = l.drivers(dd);
      if (l.assumptions) aa = { ...aa, ...l.assumptions };
      if (l.design) design = { writes: design.writes.filter((w) => l.design!.writes.includes(w)) };
    }
    return stackCost(dd, shapes[0]!, aa, prices, design).total;
  };
  const safe = LEVERS.filter((l) => !l.tradeOff);
  const safeTotal = apply(safe);
  const allTotal = apply(LEVERS);
  console.log(
    table(
      [
        ['lever (1 KiB)', 'saves /1M', 'total /1M', 'ratio', 'where'],
        ...LEVERS.map((l) => {
          const t = apply([l]);
          return [
            l.name,
            usd(base - t),
            usd(t),
            `${(t / floor[0]!.total).toFixed(2)}x`,
            l.tradeOff ? `${l.where} (trade-off: ${l.tradeOff})` : l.where,
          ];
        }),
        [
          'all without a trade-off',
          usd(base - safeTotal),
          usd(safeTotal),
          `${(safeTotal / floor[0]!.total).toFixed(2)}x`,
          '',
        ],
        ['all', usd(base - allTotal), usd(allTotal), `${(allTotal / floor[0]!.total).toFixed(2)}x`, ''],
      ],
      'lrrrl',
    ),
  );
  const observability = observabilityCost(d, shapes[0]!, a, prices);
  const traced = {
    ...d,
    verifier: { ...d.verifier, activeTracing: true },
    processor: { ...d.processor, activeTracing: true },
  };
  console.log(
    `# observability at 1 KiB: metrics, logs and traces add ${usd(observability)} per 1M events (budget $0.300)${
      d.verifier.activeTracing
        ? ''
        : `; with tracing on (config tracing: true) ${usd(observabilityCost(traced, shapes[0]!, a, prices))}`
    }`,
  );
  console.log(
    `ratios: 1 KiB ${(stack[0]!.total / floor[0]!.total).toFixed(2)}x floor (target <=1.3) | 8 KiB ${(stack[1]!.total / floor[1]!.total).toFixed(2)}x | ` +
      `64 KiB ${(stack[2]!.total / floor[2]!.total).toFixed(2)}x | levers at 1 KiB: ${(safeTotal / floor[0]!.total).toFixed(2)}x without trade-off, ${(allTotal / floor[0]!.total).toFixed(2)}x with ` +
      `($${(stack[0]!.total * 1e6).toFixed(2)} -> $${(safeTotal * 1e6).toFixed(2)} / $${(allTotal * 1e6).toFixed(2)}; floor $${(floor[0]!.total * 1e6).toFixed(2)} per 1M)`,
  );

  // Tenant sources vs config-file sources: only what differs (bench/cost/sources.ts says how misses are counted).
  console.log(
    '\ntenant source vs config-file source, per 1M events: what differs (the rest of the path is the table above)',
  );
  const rows = SOURCE_SCENARIOS.map((s) => [s, sourceCost(s, prices)] as const);
  console.log(
    table(
      [
        ['scenario', 'miss rate', 'tenant /1M', 'config /1M', 'tenant: counted', 'config: counted'],
        ...rows.map(([s, c]) => [
          s.label,
          c.missRate.toFixed(3),
          usd(c.tenant.usd),
          usd(c.config.usd),
          c.tenant.detail,
          c.config.detail,
        ]),
      ],
      'lrrrll',
    ),
  );
}

await main();
