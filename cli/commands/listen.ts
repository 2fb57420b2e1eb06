/** `listen`: a local receiver for outbound deliveries that verifies and prints each request. */
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { createListener } from '../lib/listener';
import { secretsFrom } from '../lib/signature-args';

const DEFAULT_PORT = 4000;

const USAGE = `Usage:
  npm run cli -- listen (--secret whsec_… | --secret-env VAR) [--port P] [--respond 500,200] [--scheme S] [--json]

Listens on 127.0.0.1. For each request, verifies the signature with the endpoint's secret (Standard Webhooks
with the official standardwebhooks library), prints the id, type, verification and body, and answers with
--respond: a list answers in order and then repeats the last (500,200: the first request fails, the retry
succeeds). Ctrl-C stops.

Options:
  --secret S       the endpoint's secret (printed by \`endpoints add\`); required, or --secret-env
  --secret-env VAR read the secret from this environment variable instead, so it does not show in \`ps\` or
                   the shell history (required unless --secret is given), e.g.
                   LISTEN_SECRET='whsec_…' npm run cli -- listen --secret-env LISTEN_SECRET
  --port P         the port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --respond LIST   the HTTP statuses to answer with, comma-separated, 200-599 (default 200)
  --scheme S       how deliveries are signed: standard-webhooks, wss, or an inbound scheme (default
                   standard-webhooks)
  --json           one JSON line per request: at, path, id, verified, reason, answered, body (default: text)`;

const FLAGS = {
  port: { type: 'string' },
  secret: { type: 'string' },
  'secret-env': { type: 'string' },
  respond: { type: 'string' },
  scheme: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'listen',
  summary: "A local receiver that verifies each outbound delivery's signature and prints it",
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values } = parseFlags(args, FLAGS, {
      positionals: false,
      renamed: { status: '--respond (the HTTP statuses to answer with)' },
    });
    if (values.secret === undefined && values['secret-env'] === undefined)
      throw new UsageError('--secret or --secret-env is required (the secret is printed by `endpoints add`)');
    const [secret] = secretsFrom(
      values.secret === undefined ? [] : [values.secret],
      values['secret-env'] === undefined ? [] : [values['secret-env']],
    );
    const port = Number(values.port ?? DEFAULT_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${values.port}`);
    const statuses = (values.respond ?? '200').split(',').map((s) => Number(s.trim()));
    if (statuses.some((s) => !Number.isInteger(s) || s < 200 || s > 599))
      throw new UsageError('--respond takes HTTP statuses 200-599, comma-separated');
    const { server } = createListener({
      secret: secret!,
      ...(values.scheme !== undefined && { scheme: values.scheme }),
      statuses,
      onRequest: (r) => {
        if (values.json)
          return io.out(
            JSON.stringify({
              at: new Date(r.at).toISOString(),
              path: r.path,
              id: r.headers['webhook-id'],
              verified: r.verified,
              reason: r.reason,
              answered: r.answered,
              body: r.body,
            }),
          );
        const type = (() => {
          try {
            return (JSON.parse(r.body) as { type?: string }).type ?? '?';
          } catch {
            return '?';
          }
        })();
        io.out(
          `${new Date(r.at).toISOString()}  ${r.method} ${r.path}  id ${r.headers['webhook-id'] ?? '-'}  type ${type}  signature ${r.verified ? 'verified' : `INVALID (${r.reason})`}  → ${r.answered}`,
        );
        io.out(`  ${r.body.length > 500 ? `${r.body.slice(0, 500)}…` : r.body}`);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const address = server.address();
    io.err(
      `Listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/ (answers ${statuses.join(' then ')}); Ctrl-C stops.`,
    );
    return new Promise<number>((resolve) => {
      const stop = () => server.close(() => resolve(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
