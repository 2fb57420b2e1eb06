/** What `npm start` prints: its usage, the banner, and one line per request. Colours only on a terminal. */
import { resolve } from 'node:path';
import { localSources } from '../config/local';
import type { RequestLog } from './api-gateway';
import type { LocalStack } from './stack';
import { DEFAULT_DATA_DIR } from './state-file';

export const USAGE = `Usage: npm start [-- options]

Options:
  --port N           port on 127.0.0.1 (default: $PORT or 3000; 0 picks a free one)
  --forward URL      also POST each processed event to this loopback URL, repeatable (default: none)
  --data-dir DIR     where state is kept (default: $LOCAL_DATA_DIR, else ${DEFAULT_DATA_DIR})
  --in-memory        keep nothing on disk
  --quiet            no per-request and per-event lines
  -h, --help         this help

Faults, to see retries, dead letters and redrive locally (walked through in docs/local-stack.md):
  --fail-rate SOURCE=RATE          that share (0-1) of SOURCE's processing attempts fail, repeatable
                                   (default: none)
  --slow SOURCE=DURATION[@RATE]    SOURCE's processing waits DURATION (500ms, 2s) first, in RATE of attempts
                                   (default RATE 1), repeatable (default: none)
  --visibility-timeout DURATION    how long a received message stays hidden before it is retried
                                   (default: 6 x the processor timeout, 180 s); e.g. 2s to see retries quickly`;

export const color = process.stdout.isTTY && !process.env.NO_COLOR;
export const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
export const dim = (t: string) => paint(2, t);
export const bold = (t: string) => paint(1, t);
export const green = (t: string) => paint(32, t);
export const yellow = (t: string) => paint(33, t);
export const red = (t: string) => paint(31, t);

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function requestLine(r: RequestLog): string {
  const now = new Date();
  const time = now.toTimeString().slice(0, 8) + '.' + String(now.getMilliseconds()).padStart(3, '0');
  const status =
    r.status < 300 ? green(String(r.status)) : r.status < 500 ? yellow(String(r.status)) : red(String(r.status));
  return (
    dim(`${time} `) +
    `${r.method} ${r.path} ${status} ${r.outcome ?? ''}${r.id ? ` ${r.id}` : ''} ${dim(`${r.durationMs.toFixed(0)} ms`)}`
  );
}

export function banner(
  stack: LocalStack,
  o: { dataDir: string | undefined; forwards: readonly string[]; faults: readonly string[]; startedMs: number },
): string {
  const urlFlag = o.dataDir !== resolve(DEFAULT_DATA_DIR) ? ` --url ${stack.url}` : '';
  const ids = [...stack.sources.keys()];
  const width = Math.max(...ids.map((id) => id.length));
  const urlWidth = Math.max(...ids.map((id) => `${stack.url}/webhooks/${id}`.length));
  const variants = (id: string) =>
    Object.keys(localSources.find((s) => s.source.id === id)?.variants ?? {}).map((v) => `--${v}`);
  const rows = ids.map((id) => {
    const also = variants(id);
    return `  ${id.padEnd(width)}  ${`${stack.url}/webhooks/${id}`.padEnd(urlWidth)}  ${dim(`npm run cli -- send ${id}${urlFlag}${also.length > 0 ? `  [${also.join(' | ')}]` : ''}`)}`;
  });
  const first = stack.sources.values().next().value;
  const timing = first
    ? `batch ${first.config.processor.batchSize}, visibility ${first.visibilityTimeoutMs / 1000} s, DLQ after ${first.config.maxReceiveCount} receives`
    : '';
  return [
    '',
    bold(`Webhook stack (local) listening on ${stack.url}`) + dim(`  — ready ${o.startedMs} ms after launch`),
    `  store      DynamoDB API (dynalite) at ${stack.dynamoEndpoint}, ${o.dataDir ? `data in ${o.dataDir}` : 'in memory'}`,
    `  queues     one per source, with a DLQ (${timing}); one shared fair queue for tenant sources`,
    `  tenants    ${stack.url}/v1/tenants/{tenant}/sources: sources at run time, served at /webhooks/t/…`,
    ...inFlightLine(stack),
    ...o.faults.map((f) => yellow(`  faults     ${f}`)),
    `  topic      console subscriber${o.forwards.map((f) => `, forward → ${f}`).join('')}`,
    `  outbound   ${stack.url}/v1/… (endpoints, messages, deliveries), delivery worker, retry sweeper`,
    `  outbound   intake queue (as on AWS) ${dim('npm run cli -- messages send --via-queue --tenant T --type X --data JSON')}`,
    `  portal     ${stack.url}/portal ${dim(`tenants' pages: npm run cli -- portal open --tenant acme${urlFlag}`)}`,
    `  console    ${stack.url}/_local/console ${dim('operator: inbound rates, queues and redrive, events, every tenant')}`,
    yellow(
      `  outbound   loopback receivers allowed (SSRF guard exception: ${stack.outbound.allowedCidrs.join(', ')}); deployed stacks allow none by default`,
    ),
    '',
    bold('Sources') +
      dim(
        '  (one per signature scheme; local-only secrets from config/local.ts, override with WEBHOOK_SECRET_<SOURCE> in .env)',
      ),
    ...rows,
    '',
    bold('Send a test event') + dim(' (in another terminal):'),
    `  npm run cli -- send ${localSources[0]?.source.id ?? ids[0]}${urlFlag}`,
    dim(`  npm run cli -- send stripe --repeat 200 --concurrency 8 --duplicate-rate 0.1${urlFlag}`),
    bold('Inspect') + dim(':  npm run cli -- events list   |   npm run cli -- events show <source> <id>'),
    bold('Outbound') +
      dim(
        ':  npm run cli -- endpoints add --tenant acme --endpoint-url http://127.0.0.1:4000/   |   messages send   |   deliveries list --tenant acme',
      ),
    bold('Tenant sources') + dim(':  npm run cli -- sources add --tenant acme --scheme github   (docs/sources.md)'),
    dim('Ctrl-C stops (in-flight work is drained; queued events are kept for the next start).'),
    '',
  ].join('\n');
}

/** Messages in flight when the last run stopped or died stay hidden until their visibility timeout ends. */
function inFlightLine(stack: LocalStack): string[] {
  const stats = [...stack.queues.values()].map((q) => q.stats());
  const inFlight = stats.reduce((n, s) => n + s.inFlight, 0);
  const next = Math.min(...stats.map((s) => s.nextVisibleAt ?? Infinity));
  if (inFlight === 0 || !Number.isFinite(next)) return [];
  return [
    yellow(
      `  restored   ${plural(inFlight, 'message')} in flight when the last run ended: retried when the visibility timeout ends, the first in ${Math.ceil((next - Date.now()) / 1000)} s (npm run cli -- queues)`,
    ),
  ];
}
