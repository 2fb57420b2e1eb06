/**
 * `portal`: a tenant portal link or an operator console link (signed, short-lived sessions), and the local stack's
 * key rotation.
 */
import { spawn } from 'node:child_process';
import {
  MAX_CONSOLE_SESSION_SECONDS,
  MIN_SESSION_SECONDS,
  type ConsoleSessionView,
  type PortalSessionView,
} from '../../lambdas/core/portal/sessions';
import { MAX_SESSION_SECONDS } from '../../lambdas/core/portal/session-token';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { api, baseUrlFrom, COMMON_OPTIONS, COMMON_OPTIONS_USAGE, enc } from '../lib/outbound-api';
import { printJson } from '../lib/output';

const USAGE = `Usage:
  npm run cli -- portal open --tenant T [--read-only] [--expires D] [--browser]
                                           a link to tenant T's portal: its endpoints, deliveries and event types
  npm run cli -- portal console [--read-only] [--expires D] [--browser]
                                           a link to the operator console (every tenant, queues, events), up to 1h
  npm run cli -- portal rotate-key         (local stack) a new signing key: every open session ends
  Deployed, rotate the key with: aws secretsmanager put-secret-value (see docs/portal.md)

Open options:
  --tenant T      the tenant (required)
  --read-only     a session that sees everything and changes nothing (default: read-write)
  --expires D     how long the session lasts: 90s, 30m, 1h, up to 24h (default 1h)
  --browser       also open the link in the default browser (default: print it only)

${COMMON_OPTIONS_USAGE}`;

const FLAGS = {
  ...COMMON_OPTIONS,
  tenant: { type: 'string' },
  'read-only': { type: 'boolean' },
  expires: { type: 'string' },
  browser: { type: 'boolean' },
} as const;

/** `90s`, `30m`, `1h`, or seconds, as seconds. */
export function parseExpiry(text: string): number {
  const m = /^(\d{1,6})(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--expires: "${text}" is not a duration like 90s, 30m or 1h`);
  const seconds = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  if (seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS)
    throw new UsageError('--expires: a session lasts 1 minute to 24 hours');
  return seconds;
}

export const command: Command = {
  name: 'portal',
  summary:
    'Open the tenant portal for a tenant or the operator console (a signed link), or rotate the local signing key',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const target = baseUrlFrom(values);
    if (sub === 'rotate-key') {
      const { body } = await api<{ message: string }>(target, 'POST', '/_local/portal/rotate-key');
      if (values.json) return printJson(io, body);
      io.out(`Portal signing key rotated. ${body.message}`);
      return 0;
    }
    if (sub === 'console') {
      const input = sessionInput(values);
      if ((input.expiresInSeconds ?? 0) > MAX_CONSOLE_SESSION_SECONDS)
        throw new UsageError('--expires: a console session lasts an hour at most');
      return openSession<ConsoleSessionView>(target, '/v1/console-sessions', input, values, io, {
        title: () => 'Operator console',
        actsAs: 'operator',
      });
    }
    if (sub !== 'open')
      throw new UsageError(sub === undefined ? 'portal: open, console or rotate-key?' : `unknown subcommand "${sub}"`);
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    const path = `/v1/tenants/${enc(values.tenant)}/portal-sessions`;
    return openSession<PortalSessionView>(target, path, sessionInput(values), values, io, {
      title: (body) => `Portal of tenant ${body.tenant}`,
      actsAs: 'tenant',
    });
  },
};

/**
 * Asks `path` for a session and prints its link alone on stdout (for `$(…)` and pipes), what it grants on stderr;
 * `--browser` opens it too.
 */
async function openSession<V extends ConsoleSessionView>(
  target: Parameters<typeof api>[0],
  path: string,
  input: ReturnType<typeof sessionInput>,
  values: { readonly json?: boolean; readonly browser?: boolean },
  io: Parameters<Command['run']>[1],
  say: { readonly title: (body: V) => string; readonly actsAs: string },
): Promise<number> {
  const { body } = await api<V>(target, 'POST', path, { body: JSON.stringify(input) });
  if (values.json) return printJson(io, body);
  io.out(body.url);
  io.err(
    `${say.title(body)}, ${body.scope === 'read' ? 'read-only' : 'read-write'}, until ${body.expiresAt}. Anyone with this link acts as the ${say.actsAs} until then.`,
  );
  if (values.browser) openInBrowser(body.url, io.err);
  return 0;
}

function sessionInput(values: { readonly 'read-only'?: boolean; readonly expires?: string }) {
  return {
    ...(values['read-only'] && { readOnly: true }),
    ...(values.expires !== undefined && { expiresInSeconds: parseExpiry(values.expires) }),
  };
}

function openInBrowser(url: string, err: (line: string) => void): void {
  const [cmd, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : ['xdg-open', url];
  const child = spawn(cmd!, args, { stdio: 'ignore', detached: true });
  child.on('error', () => err('No browser could be opened: copy the link above.'));
  child.unref();
}
