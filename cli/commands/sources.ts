/**
 * `sources`: a tenant's webhook sources through the tenant sources API (`/v1/tenants/{tenant}/sources`). A source
 * created here is served at once, at the URL `add` prints; a generated secret is printed by `add` and
 * `rotate-secret` only (the API never returns a secret again).
 */
import type { TenantSourceView } from '../../lambdas/core/inbound/tenant-sources/model';
import { UsageError, type CliIo, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { api, baseUrlFrom, COMMON_OPTIONS, COMMON_OPTIONS_USAGE, enc, tenantPath, time } from '../lib/outbound-api';
import { printJson, withIsoTimes } from '../lib/output';

const USAGE = `Usage:
  npm run cli -- sources add --tenant T --scheme S [--id ID] [--secret-env NAME] [source options]
  npm run cli -- sources list --tenant T [--limit N] [--cursor C]
  npm run cli -- sources show <id> --tenant T
  npm run cli -- sources update <id> --tenant T [source options]
  npm run cli -- sources disable|enable|delete <id> --tenant T
  npm run cli -- sources rotate-secret <id> --tenant T [--secret-env NAME] [--grace DURATION]

add prints the source's URL (give it to the provider) and a send command to try it. The secret comes from the
environment variable --secret-env names (a provider's secret: GitHub, Stripe, …), or, for schemes whose secret you
choose (github, gitlab, hmac), is generated and printed once. A disabled or deleted source answers 404, and a
rotated secret verifies, within the verifier's cache time (30 s by default); after rotate-secret the old secret
keeps verifying for the grace period.

Source options (add, update):
  --tenant T            the tenant whose sources these are (required, every subcommand)
  --scheme S            the provider's signature scheme: github, stripe, shopify, … (required by add)
  --id ID               the source's id, part of its URL (default: the scheme's name)
  --secret-env NAME     read the signing secret from this environment variable (default: generated, for the
                        schemes whose secret you choose; required for the others)
  --verify-token-env NAME  meta only: the verify token of its GET check, from this variable (default: generated)
  --options JSON        the scheme's options, e.g. '{"header":"x-signature"}' for hmac (default: {})
  --allowed-cidrs C,C   only these source addresses may deliver (default: any)
  --tolerance SECONDS   the replay window of a timestamped scheme (default: the scheme's)
  --dedupe-days N       how long an event id is remembered, 1-365 (default 7)
  --max-body-bytes N    the largest body accepted (default 204800)
  --rate PER_SECOND[/BURST]  requests a second each verifier container accepts; more get 429 (default: none)
  --description D       a note for people (default: none)
  --disabled            add it disabled (default: enabled)

List and rotate options:
  --limit N             sources a page, 1-1000 (default 100)
  --cursor C            the next page: the "more: --cursor" line of the page before (default: the first page)
  --grace DURATION      rotate-secret: how long the old secret keeps verifying: 0, 90s, 30m, 24h, 7d (default 24h)

${COMMON_OPTIONS_USAGE}`;

const FLAGS = {
  ...COMMON_OPTIONS,
  tenant: { type: 'string' },
  scheme: { type: 'string' },
  id: { type: 'string' },
  'secret-env': { type: 'string' },
  'verify-token-env': { type: 'string' },
  options: { type: 'string' },
  'allowed-cidrs': { type: 'string' },
  tolerance: { type: 'string' },
  'dedupe-days': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  rate: { type: 'string' },
  description: { type: 'string' },
  disabled: { type: 'boolean' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  grace: { type: 'string' },
} as const;

type Values = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : string };
type Created = { source: TenantSourceView; secret?: string; verifyToken?: string };

export const command: Command = {
  name: 'sources',
  summary: "Add, list, show, update, disable/enable, rotate the secret of, or delete a tenant's webhook sources",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    const base = baseUrlFrom(values);
    const path = `${tenantPath(values.tenant)}/sources`;
    const json = values.json ?? false;
    const needId = () => {
      if (id === undefined) throw new UsageError(`sources ${sub}: which source id?`);
      return `${path}/${enc(id)}`;
    };
    const one = (view: TenantSourceView) => (json ? printJson(io, withIsoTimes(view)) : (io.out(line(view)), 0));
    switch (sub) {
      case 'add': {
        if (values.scheme === undefined) throw new UsageError('sources add: --scheme is required');
        const body = { id: values.id ?? values.scheme, scheme: values.scheme, ...fields(values), ...secrets(values) };
        const { body: created } = await api<Created>(base, 'POST', path, { body: JSON.stringify(body) });
        if (json) return printJson(io, withIsoTimes(created));
        return printCreated(io, created, values['secret-env']);
      }
      case 'list': {
        const query = new URLSearchParams({
          ...(values.limit !== undefined && { limit: values.limit }),
          ...(values.cursor !== undefined && { cursor: values.cursor }),
        });
        const { body } = await api<{ sources: TenantSourceView[]; cursor?: string }>(
          base,
          'GET',
          `${path}${query.size > 0 ? `?${query}` : ''}`,
        );
        if (json) return printJson(io, withIsoTimes(body));
        if (body.sources.length === 0) io.out(`No sources for tenant ${values.tenant}.`);
        for (const s of body.sources) io.out(line(s));
        if (body.cursor !== undefined) io.out(`more: --cursor ${body.cursor}`);
        return 0;
      }
      case 'show': {
        const { body } = await api<{ source: TenantSourceView }>(base, 'GET', needId());
        if (json) return printJson(io, withIsoTimes(body.source));
        for (const l of details(body.source)) io.out(l);
        return 0;
      }
      case 'update':
      case 'disable':
      case 'enable': {
        const change = sub === 'update' ? fields(values) : { enabled: sub === 'enable' };
        if (Object.keys(change).length === 0) throw new UsageError('sources update: nothing to change');
        const { body } = await api<{ source: TenantSourceView }>(base, 'PATCH', needId(), {
          body: JSON.stringify(change),
        });
        return one(body.source);
      }
      case 'rotate-secret': {
        const body = {
          ...secrets({ 'secret-env': values['secret-env'] }),
          ...(values.grace !== undefined && { graceSeconds: seconds(values.grace) }),
        };
        const { body: rotated } = await api<Created>(base, 'POST', `${needId()}/rotate-secret`, {
          body: JSON.stringify(body),
        });
        if (json) return printJson(io, withIsoTimes(rotated));
        if (rotated.secret !== undefined) io.out(`secret  ${rotated.secret}  (shown once: set it at the provider now)`);
        io.out(
          rotated.source.previousSecretExpiresAt === undefined
            ? 'The previous secret no longer verifies.'
            : `The previous secret keeps verifying until ${time(rotated.source.previousSecretExpiresAt)}.`,
        );
        return 0;
      }
      case 'delete': {
        const { body } = await api<{ deleted: string }>(base, 'DELETE', needId());
        return json ? printJson(io, body) : (io.out(`deleted ${body.deleted}`), 0);
      }
      default:
        throw new UsageError(sub === undefined ? 'Which subcommand?' : `Unknown subcommand "${sub}"`);
    }
  },
};

function printCreated(io: CliIo, created: Created, secretEnv: string | undefined): number {
  const s = created.source;
  io.out(line(s));
  io.out(`url     ${s.url ?? s.path}`);
  if (created.secret !== undefined) io.out(`secret  ${created.secret}  (shown once: set it at the provider now)`);
  if (created.verifyToken !== undefined) io.out(`verify token  ${created.verifyToken}  (shown once)`);
  const secret = secretEnv !== undefined ? `"$${secretEnv}"` : created.secret !== undefined ? "'<the secret>'" : '';
  io.out(`try it  npm run cli -- send ${s.scheme} --url ${s.url ?? s.path}${secret ? ` --secret ${secret}` : ''}`);
  return 0;
}

/** The settings the flags set (only those given, so `update` changes nothing else). */
function fields(v: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (v.options !== undefined) out.options = jsonOption('options', v.options);
  if (v['allowed-cidrs'] !== undefined) out.allowedCidrs = list(v['allowed-cidrs']);
  if (v.tolerance !== undefined) out.toleranceSeconds = Number(v.tolerance);
  if (v['dedupe-days'] !== undefined) out.dedupeWindowDays = Number(v['dedupe-days']);
  if (v['max-body-bytes'] !== undefined) out.maxBodyBytes = Number(v['max-body-bytes']);
  if (v.rate !== undefined) {
    const [perSecond, burst = perSecond] = v.rate.split('/').map(Number);
    out.rateLimit = { perSecond, burst };
  }
  if (v.description !== undefined) out.description = v.description;
  if (v.disabled) out.enabled = false;
  return out;
}

/** The secret (and Meta's verify token) read from the environment variables named. */
function secrets(v: Pick<Values, 'secret-env' | 'verify-token-env'>): Record<string, string> {
  const read = (flag: string, name: string | undefined) => {
    if (name === undefined) return undefined;
    const value = process.env[name];
    if (value === undefined || value === '')
      throw new UsageError(`--${flag} ${name}: that environment variable is not set`);
    return value;
  };
  const secret = read('secret-env', v['secret-env']);
  const verifyToken = read('verify-token-env', v['verify-token-env']);
  return { ...(secret !== undefined && { secret }), ...(verifyToken !== undefined && { verifyToken }) };
}

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `24h`, `7d` or plain seconds. */
function seconds(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--grace ${text}: a duration such as 0, 90s, 30m, 24h or 7d`);
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function jsonOption(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} is not JSON: ${text}`);
  }
}

function line(s: TenantSourceView): string {
  return `${s.source}  ${s.scheme}  ${s.enabled ? 'enabled' : 'disabled'}${s.description ? `  "${s.description}"` : ''}`;
}

function details(s: TenantSourceView): string[] {
  return [
    line(s),
    `  url ${s.url ?? s.path}`,
    `  body up to ${s.maxBodyBytes} B; ids kept ${s.dedupeWindowDays} days` +
      (s.toleranceSeconds !== undefined ? `; replay window ${s.toleranceSeconds} s` : '') +
      (s.rateLimit ? `; rate limit ${s.rateLimit.perSecond}/s, burst ${s.rateLimit.burst}` : '; no rate limit') +
      (s.allowedCidrs.length > 0 ? `; from ${s.allowedCidrs.join(', ')}` : ''),
    ...(Object.keys(s.options).length > 0 ? [`  options ${JSON.stringify(s.options)}`] : []),
    ...(s.previousSecretExpiresAt !== undefined
      ? [`  previous secret verifies until ${time(s.previousSecretExpiresAt)}`]
      : []),
    `  created ${time(s.createdAt)}, updated ${time(s.updatedAt)}`,
  ];
}
