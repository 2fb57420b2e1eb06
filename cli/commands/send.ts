/**
 * `send`: signs a sample (or your) payload with the source's local secret and POSTs it, like the
 * provider would. A variant flag sends another request the provider sends (`--form`,
 * `--slash-command`, a handshake, …: `variants` in config/local.ts). With `--repeat`, a load run
 * with a progress bar and a summary (cli/lib/send-many.ts).
 */
import { localSources, type LocalSource } from '../../config/local';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import type { EventRecord } from '../../lambdas/core/inbound/ports';
import { resolveVerifyToken } from '../../local/secrets';
import { CommandError, UsageError, type CliIo, type Command } from '../command';
import { eventView } from '../lib/event-view';
import { parseFlags } from '../lib/flags';
import {
  DATA_DIR_USAGE,
  dataDirFrom,
  defaultBaseUrl,
  DEFAULT_STACK_URL_USAGE,
  findLocalSource,
  openLocalStore,
  runningStack,
  signingSecret,
} from '../lib/local-stack';
import { expectedChallengeAnswer, sendChallenge, sendSubscription } from '../lib/send-handshake';
import { post, unreachable } from '../lib/send-http';
import { sendMany } from '../lib/send-many';
import { formatMs } from '../lib/stats';
import {
  eventSourceFor,
  preparePayload,
  readExample,
  readPayload,
  senderFor,
  signRequest,
  webhookUrl,
  type Sender,
} from '../lib/webhook-request';

/** Every variant flag of the sample sources, with the sources that have it. */
const VARIANTS: ReadonlyMap<string, readonly LocalSource[]> = (() => {
  const out = new Map<string, LocalSource[]>();
  for (const local of localSources)
    for (const name of Object.keys(local.variants ?? {})) out.set(name, [...(out.get(name) ?? []), local]);
  return out;
})();

const variantLines = localSources
  .flatMap((l) =>
    Object.entries(l.variants ?? {}).map(([name, v]) => `  ${`${l.source.id} --${name}`.padEnd(26)}${v.summary}`),
  )
  .join('\n');

const USAGE = `Usage: npm run cli -- send <source> [payload-file] [--<variant>] [options]

Signs the payload with the source's local secret (config/local.ts, or WEBHOOK_SECRET_<SOURCE> from
the environment or .env) and POSTs it. Without a payload file, the source's sample from examples/ is
sent. Each send is a new event (fresh event id and send time) unless --keep-id is given.

Variants (another content type, or a provider handshake; a payload file replaces the sample):
${variantLines}

Options:
  --url URL               the stack's address, or the full webhook URL (a tenant source's, as sources add prints it)
                          (default: ${DEFAULT_STACK_URL_USAGE})
  --repeat N              send N events and print a summary (default 1)
  --concurrency C         requests in flight at once with --repeat (default 8)
  --duplicate-rate P      fraction 0..1 of sends that redeliver an earlier event, re-signed like a
                          provider's retry (default 0)
  --header "name: value"  an extra header, repeatable (default: none)
  --secret S              sign with this secret (default: the source's local secret, above)
  --verify-token T        the verify token a GET subscription check sends (default: the source's)
  --keep-id               send the payload's own id and times unchanged
  --no-wait               do not wait for the event to be processed (single send)
  --json                  print the result as JSON, with the processed record as events show --json prints it
${DATA_DIR_USAGE}

Examples:
  npm run cli -- send stripe
  npm run cli -- send github examples/github.json
  npm run cli -- send slack --slash-command
  npm run cli -- send meta --subscribe
  npm run cli -- send stripe --repeat 500 --concurrency 16 --duplicate-rate 0.1`;

const FLAGS = {
  url: { type: 'string' },
  repeat: { type: 'string' },
  concurrency: { type: 'string' },
  'duplicate-rate': { type: 'string' },
  header: { type: 'string', multiple: true },
  secret: { type: 'string' },
  'verify-token': { type: 'string' },
  'keep-id': { type: 'boolean' },
  'no-wait': { type: 'boolean' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  ...Object.fromEntries([...VARIANTS.keys()].map((name) => [name, { type: 'boolean' as const }])),
} as const;

export const command: Command = {
  name: 'send',
  summary: "Sign a sample (or your) payload with a source's local secret and POST it",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sourceId, payloadFile, ...extra] = positionals;
    if (!sourceId) throw new UsageError('Which source? e.g. `send stripe`.');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const repeat = intOption(values.repeat, 'repeat', 1, 1, 10_000_000);
    const concurrency = intOption(values.concurrency, 'concurrency', 8, 1, 1000);
    const duplicateRate = numberOption(values['duplicate-rate'], 'duplicate-rate', 0, 0, 1);

    const local = findLocalSource(sourceId);
    const flags = values as Record<string, unknown>;
    const variantName = variantFor(
      local,
      [...VARIANTS.keys()].filter((name) => flags[name] === true),
    );
    const variant = variantName === undefined ? undefined : local.variants?.[variantName];
    const headers = parseHeaders(values.header ?? []);
    const base = senderFor(local, signingSecret(local, values.secret), variant);
    const sender: Sender = { ...base, headers: { ...base.headers, ...headers } };
    const dataDir = dataDirFrom(values['data-dir']);
    const url = webhookUrl(values.url ?? defaultBaseUrl(dataDir), sourceId);
    const json = values.json ?? false;
    const single = repeat === 1 && duplicateRate === 0;

    if (variant?.method === 'GET') {
      if (!single)
        throw new UsageError(`--${variantName} is a handshake: it is sent once (no --repeat or --duplicate-rate)`);
      const override = values['verify-token'];
      const verifyToken = override ?? resolveVerifyToken(sourceId, local.verifyToken);
      if (verifyToken === undefined)
        throw new UsageError(
          `${sourceId} has no verify token: set "verifyToken" in WEBHOOK_SECRET_${sourceId.toUpperCase()} or pass --verify-token`,
        );
      const tokenOrigin = override !== undefined ? 'the --verify-token given' : "the source's verify token";
      return sendSubscription(io, { sender, url, verifyToken, tokenOrigin, json });
    }
    const template = payloadFile === undefined ? readExample(local, variant) : readPayload(payloadFile);
    const keepId = values['keep-id'] ?? false;
    const label = variantName ?? '';
    if (single)
      return sendOnce(io, { sender, template, url, keepId, json, wait: !(values['no-wait'] ?? false), dataDir, label });
    if (expectedChallengeAnswer(sender, preparePayload(sender, template, { nowMs: Date.now(), keepId }).body)) {
      throw new UsageError('A handshake is sent once (no --repeat or --duplicate-rate)');
    }
    return sendMany(io, { sender, template, url, keepId, repeat, concurrency, duplicateRate, json });
  },
};

/** The one variant asked for, checked against the source's own. */
function variantFor(local: LocalSource, asked: readonly string[]): string | undefined {
  if (asked.length > 1) throw new UsageError(`One variant at a time: ${asked.map((n) => `--${n}`).join(', ')}`);
  const [name] = asked;
  if (name === undefined || local.variants?.[name] !== undefined) return name;
  const own = Object.keys(local.variants ?? {}).map((n) => `--${n}`);
  const owners = (VARIANTS.get(name) ?? []).map((l) => l.source.id).join(', ');
  throw new UsageError(
    `--${name} is for ${owners}; ${local.source.id} has ${own.length > 0 ? own.join(', ') : 'no variants'}`,
  );
}

async function sendOnce(
  io: CliIo,
  o: {
    sender: Sender;
    template: Buffer;
    url: string;
    keepId: boolean;
    json: boolean;
    wait: boolean;
    dataDir: string;
    label: string;
  },
): Promise<number> {
  const nowMs = Date.now();
  const payload = preparePayload(o.sender, o.template, { nowMs, keepId: o.keepId });
  const request = signRequest(o.sender, payload, o.url, nowMs);
  if (!o.json)
    io.out(
      `→ POST ${request.url}  (${o.sender.source.id}, ${o.sender.scheme.name} signature${o.label ? `, ${o.label}` : ''}, ${request.body.length} bytes)`,
    );
  const expected = expectedChallengeAnswer(o.sender, request.body);
  if (expected) return sendChallenge(io, { sender: o.sender, request, expected, json: o.json });

  const answer = await post(request.url, request.headers, request.body);
  if (answer.status === 0) throw new CommandError('unreachable', unreachable(request.url, answer));
  // An empty 200 names no id (Slack shows any body to the user): the id is the one sent.
  const result =
    answer.outcome === 'acknowledged' && payload.eventId !== undefined ? { ...answer, id: payload.eventId } : answer;
  let record: EventRecord | undefined;
  if (
    o.wait &&
    result.id &&
    (result.outcome === 'accepted' || result.outcome === 'duplicate' || result.outcome === 'acknowledged')
  ) {
    record = await waitForProcessing(
      o.dataDir,
      request.url,
      eventSourceFor(request.url, o.sender.source.id),
      result.id,
    );
  }
  if (o.json) {
    io.out(JSON.stringify({ ...result, ...(record && { record: eventView(record, Date.now()) }) }));
  } else {
    const what =
      result.code ??
      (result.outcome === 'in_flight'
        ? 'in flight'
        : result.outcome === 'acknowledged'
          ? '(empty body)'
          : result.outcome);
    io.out(`← ${result.status} ${what}${result.id ? `  id ${result.id}` : ''}  in ${formatMs(result.latencyMs)}`);
    if (record) {
      const took = record.processedAt !== undefined ? ` in ${record.processedAt - record.receivedAt} ms` : '';
      const note =
        record.status === 'completed'
          ? ' (published to the topic: see the subscriber line in the npm start console)'
          : record.error
            ? ` (${record.error})`
            : '';
      io.out(`  processed: ${record.status}${took}${note}`);
    } else if (result.outcome === 'rejected') {
      io.out(`  rejected by the verifier: ${result.code ?? 'unknown reason'}`);
    }
  }
  return result.outcome === 'rejected' || result.outcome === 'error' ? 1 : 0;
}

/** Polls the local store until the event leaves the queue (completed/failed), for at most a few seconds. */
async function waitForProcessing(
  dataDir: string,
  url: string,
  source: string,
  id: string,
): Promise<EventRecord | undefined> {
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

function intOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
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
