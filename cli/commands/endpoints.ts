/**
 * `endpoints`: a tenant's outbound endpoints through the outbound API (`/v1/tenants/{tenant}/endpoints`).
 * The signing secret is printed by `add` and `rotate-secret` only: the API never returns it again.
 */
import { describeSettings } from '../../lambdas/core/outbound/admission/settings-in-force';
import type { EndpointStatus } from '../../lambdas/core/outbound/endpoints/status-report';
import type { EndpointView } from '../../lambdas/core/outbound/endpoints/management';
import { DEFAULT_TIMEOUT_SECONDS } from '../../lambdas/core/outbound/model';
import { DEFAULT_RETRY_DELAYS_SECONDS } from '../../lambdas/core/outbound/delivery/retry-schedule';
import { formatStatus } from '../../lambdas/core/outbound/endpoints/stats';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import {
  api,
  baseUrlFrom,
  COMMON_OPTIONS,
  COMMON_OPTIONS_USAGE,
  enc,
  recoverEndpoint,
  time,
  WINDOW_OPTIONS,
  WINDOW_OPTIONS_USAGE,
} from '../lib/outbound-api';
import { isoTime, printJson, terminalSafe, withIsoTimes } from '../lib/output';
import { runLines } from '../lib/run-text';

const USAGE = `Usage:
  npm run cli -- endpoints add --tenant T --endpoint-url U [--events P,P] [--scheme S] [--description D]
                               [--header 'Name: value'] [--timeout SECONDS] [--retry-delays 5,60,600]
                               [--rate-limit N[,BURST]] [--circuit JSON] [--health JSON]
  npm run cli -- endpoints list --tenant T
  npm run cli -- endpoints show <id> --tenant T
  npm run cli -- endpoints update <id> --tenant T [--endpoint-url U] [--events P,P] [--description D] [--scheme S]
                               [--header 'Name: value'] [--rate-limit N[,BURST]|none]
                               [--circuit JSON|null] [--health JSON|null]
  npm run cli -- endpoints disable|enable|rotate-secret|delete <id> --tenant T
  npm run cli -- endpoints recover <id> --tenant T --since T [--until T] [--label L]

add and rotate-secret print the secret once. update changes only the fields given. Header values are stored
encrypted, like the secret, and never shown again: show lists the header names; update --header replaces them all.

show prints the configuration, the settings the worker applies, then the state: circuit, failing clock,
success rate and p50/p99 latency over the last hour and day, and the deliveries by status (parked apart).

recover: every failed, exhausted and skipped (endpoint disabled) delivery of the endpoint created in the window
is sent again, each once, with a fresh retry schedule, paced at the endpoint's rate (enable the endpoint first).

Endpoint options (add, update):
  --tenant T            the tenant whose endpoints these are (required, every subcommand)
  --endpoint-url U      where deliveries are POSTed (required by add)
  --events P,P          event-type patterns: *, prefix.* or a type, e.g. 'invoice.*,order.paid' (default *)
  --scheme S            standard-webhooks, wss (X-WSS-Signature), or any inbound scheme with a sign() (github,
                        stripe, hmac, …) (default standard-webhooks)
  --wss-timestamp F     wss only: epoch or iso8601 (default epoch)
  --description D       a note for people (default: none)
  --header 'Name: value'  an extra request header, repeatable, e.g. 'Authorization: Bearer …' (default: none)
  --timeout SECONDS     per attempt, 1-30 (default ${DEFAULT_TIMEOUT_SECONDS})
  --rate-limit N[,BURST]  at most N requests a second to this endpoint, across all workers, with bursts of BURST
                        (default: no limit; BURST default 1); update --rate-limit none removes it
  --retry-delays S,S    seconds before each retry (default ${DEFAULT_RETRY_DELAYS_SECONDS.join(',')}, each ±20 %)
  --circuit JSON        the endpoint's own circuit breaker, e.g. '{"consecutiveFailures":3,"coolDownSeconds":60}';
                        fields (defaults): consecutiveFailures (5), failureRate (0.5), windowSeconds (60),
                        minimumVolume (20), coolDownSeconds (30), maxCoolDownSeconds (600), probeLeaseSeconds (90)
                        (default: the stack's; null goes back to them)
  --health JSON         '{"disableAfterDays":2}' (default: the stack's, 5 days; null goes back to them)
                        Fields left out of --circuit and --health take the defaults; update replaces the whole object.

Recover options:
${WINDOW_OPTIONS_USAGE}

${COMMON_OPTIONS_USAGE}`;

const FLAGS = {
  ...COMMON_OPTIONS,
  tenant: { type: 'string' },
  'endpoint-url': { type: 'string' },
  events: { type: 'string' },
  scheme: { type: 'string' },
  'wss-timestamp': { type: 'string' },
  description: { type: 'string' },
  header: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'retry-delays': { type: 'string' },
  'rate-limit': { type: 'string' },
  circuit: { type: 'string' },
  health: { type: 'string' },
  ...WINDOW_OPTIONS,
} as const;

/** `--url` was the endpoint's URL here (and `--api-url` the stack's) until the stack's address became `--url` everywhere. */
const RENAMED = { 'api-url': "--url (the stack's address, as in every command)" };
const ENDPOINT_URL_HINT = "the endpoint's URL is --endpoint-url; --url is the stack's address";

export const command: Command = {
  name: 'endpoints',
  summary: 'Add, list, show, update, disable/enable, rotate the secret of, or delete outbound endpoints',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS, { renamed: RENAMED });
    const [sub, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    const base = baseUrlFrom(values);
    const path = `/v1/tenants/${enc(values.tenant)}/endpoints`;
    const json = values.json ?? false;
    const needId = () => {
      if (id === undefined) throw new UsageError(`endpoints ${sub}: which endpoint id?`);
      return `${path}/${enc(id)}`;
    };
    switch (sub) {
      case 'add': {
        if (values['endpoint-url'] === undefined)
          throw new UsageError(`endpoints add: --endpoint-url is required (${ENDPOINT_URL_HINT})`);
        const { body } = await api<{ endpoint: EndpointView; secret: string }>(base, 'POST', path, {
          body: JSON.stringify(fields(values)),
        });
        if (json) return printJson(io, withIsoTimes(body));
        io.out(
          terminalSafe(
            `${body.endpoint.endpointId}  ${body.endpoint.url}  events ${body.endpoint.filterTypes.join(',')}  ${body.endpoint.signing.scheme}`,
          ),
        );
        io.out(`secret  ${body.secret}`);
        io.out('The secret is shown once: keep it now (rotate-secret makes a new one).');
        return 0;
      }
      case 'list': {
        const { body } = await api<{ endpoints: EndpointView[] }>(base, 'GET', path);
        if (json) return printJson(io, withIsoTimes(body.endpoints));
        if (body.endpoints.length === 0) io.out(`No endpoints for tenant ${terminalSafe(values.tenant)}.`);
        for (const e of body.endpoints) io.out(line(e));
        return 0;
      }
      case 'show': {
        const { body } = await api<{ endpoint: EndpointView; status: EndpointStatus }>(
          base,
          'GET',
          `${needId()}/status`,
        );
        if (json) return printJson(io, withIsoTimes(body));
        for (const l of configuration(body.endpoint)) io.out(l);
        io.out(describeSettings(body.endpoint, body.status.settings));
        for (const l of formatStatus(body.status.state, body.status)) io.out(l);
        return 0;
      }
      case 'update':
      case 'disable':
      case 'enable': {
        const change = sub === 'update' ? fields(values) : { enabled: sub === 'enable' };
        if (Object.keys(change).length === 0)
          throw new UsageError(`endpoints update: nothing to change (${ENDPOINT_URL_HINT})`);
        const { body } = await api<{ endpoint: EndpointView }>(base, 'PATCH', needId(), {
          body: JSON.stringify(change),
        });
        return json ? printJson(io, withIsoTimes(body.endpoint)) : (io.out(line(body.endpoint)), 0);
      }
      case 'rotate-secret': {
        const { body } = await api<{ endpoint: EndpointView; secret: string }>(
          base,
          'POST',
          `${needId()}/rotate-secret`,
        );
        if (json) return printJson(io, withIsoTimes(body));
        io.out(`secret  ${body.secret}`);
        io.out(
          `The previous secret keeps signing (a second signature on each request) until ${time(body.endpoint.previousSecretExpiresAt)}.`,
        );
        return 0;
      }
      case 'recover': {
        if (id === undefined) throw new UsageError('endpoints recover: which endpoint id?');
        const r = await recoverEndpoint(base, values.tenant, id, values);
        if (json) return printJson(io, withIsoTimes(r));
        for (const l of runLines({ ...r, kind: 'recover', endpointId: id }, values.tenant)) io.out(l);
        return 0;
      }
      case 'delete': {
        const { body } = await api<{ deleted: string }>(base, 'DELETE', needId());
        return json ? printJson(io, withIsoTimes(body)) : (io.out(`deleted ${body.deleted}`), 0);
      }
      default:
        throw new UsageError(sub === undefined ? 'Which subcommand?' : `Unknown subcommand "${sub}"`);
    }
  },
};

type Values = {
  [K in keyof typeof FLAGS]?: (typeof FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof FLAGS)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

/** The endpoint fields the flags set (only those given, so `update` changes nothing else). */
function fields(v: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (v['endpoint-url'] !== undefined) out.url = v['endpoint-url'];
  if (v.events !== undefined)
    out.filterTypes = v.events
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (v.description !== undefined) out.description = v.description;
  if (v.scheme !== undefined) {
    out.signing =
      v.scheme === 'standard-webhooks'
        ? { scheme: v.scheme }
        : v.scheme === 'wss'
          ? { scheme: 'wss', timestampFormat: v['wss-timestamp'] ?? 'epoch' }
          : { scheme: v.scheme, options: {} };
  }
  if (v.header !== undefined) {
    out.headers = Object.fromEntries(
      v.header.map((h) => {
        const i = h.indexOf(':');
        if (i <= 0) throw new UsageError(`--header "${h}" is not "Name: value"`);
        return [h.slice(0, i).trim(), h.slice(i + 1).trim()];
      }),
    );
  }
  if (v.timeout !== undefined) out.timeoutSeconds = Number(v.timeout);
  if (v['retry-delays'] !== undefined) out.retryDelaysSeconds = v['retry-delays'].split(',').map(Number);
  if (v['rate-limit'] !== undefined) out.rateLimit = rateLimitOption(v['rate-limit']);
  for (const key of ['circuit', 'health'] as const) if (v[key] !== undefined) out[key] = jsonOption(key, v[key]);
  return out;
}

/** `--rate-limit N[,BURST]` as the API takes it, or null for `none`; the API checks the numbers. */
function rateLimitOption(text: string): unknown {
  if (text === 'none') return null;
  const m = /^(\d+)(?:,(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`--rate-limit is N or N,BURST (requests a second, burst) or none, not ${text}`);
  return { perSecond: Number(m[1]), ...(m[2] !== undefined && { burst: Number(m[2]) }) };
}

/** A JSON option's value; the API validates its fields and answers a 400 naming the wrong one. */
function jsonOption(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} is not JSON: ${text}`);
  }
}

/** One endpoint on one line; the tenant's text in it (URL, description, reason) escaped for the terminal. */
function line(e: EndpointView): string {
  const state = e.enabled ? 'enabled ' : `disabled (${e.disabledReason ?? ''})`;
  return terminalSafe(
    `${e.endpointId}  ${state}  ${e.url}  events ${e.filterTypes.join(',')}  ${e.signing.scheme}${e.description ? `  "${e.description}"` : ''}`,
  );
}

/** The endpoint's configuration as `show` prints it: the list line, then what the list line leaves out. Header values are never returned (they may be credentials): only their names. */
function configuration(e: EndpointView): string[] {
  const headers = e.headerNames;
  return [
    line(e),
    `  timeout ${e.timeoutSeconds} s` +
      (e.rateLimit ? `; rate limit ${e.rateLimit.perSecond}/s, burst ${e.rateLimit.burst}` : '; no rate limit') +
      (e.retryDelaysSeconds ? `; retries after ${e.retryDelaysSeconds.join(', ')} s` : '; default retry schedule') +
      (headers.length > 0 ? `; extra headers ${headers.join(', ')}` : ''),
    `  created ${isoTime(e.createdAt)}, updated ${isoTime(e.updatedAt)}`,
  ];
}
