/**
 * `sign`: the headers a provider would attach to a body, one `Name: value` line each, ready for
 * `curl -H` (or, with --curl, the whole command). Secrets are never printed: GitLab's only header is
 * the token itself, so it is printed only with --reveal-token.
 */
import { isUtf8 } from 'node:buffer';
import type { ContentTypeRule } from '../../lambdas/core/signatures/description';
import { SCHEME_NAMES } from '../../lambdas/core/signatures/index';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import {
  displayName,
  epochSeconds,
  readBody,
  readProcessStdin,
  schemeFor,
  schemeOptions,
  secretsFrom,
  secretWarnings,
  shellQuote,
  type StdinReader,
} from '../lib/signature-args';

const USAGE = `Usage: npm run --silent cli -- sign --scheme <scheme> --secret <secret> [options] [--body-file <file>]

Prints the headers a <scheme> sender attaches to the body (from --body-file, else stdin), one
"Name: value" per line with the Content-Type, ready for curl -H. Nothing is sent.

Options:
  --scheme S            ${SCHEME_NAMES.join(', ')} (required)
  --secret X            the signing secret (required, or --secret-env)
  --secret-env VAR      read the secret from this environment variable instead (required unless --secret)
  --timestamp T         the signing time, epoch seconds (default: now)
  --url U               the URL the provider signs (required by twilio and square, default: --curl's URL)
  --id ID               the message id (standard-webhooks; default: derived from the body)
  --option key=value    a scheme option, repeatable (hmac: header, prefix, algorithm, encoding,
                        timestampHeader, timestampFormat, signedContent; square: notificationUrl;
                        twilio: url) (default: the scheme's defaults)
  --body-file F         the body's exact bytes (default: stdin)
  --curl URL            print a complete curl command that POSTs the body to URL (also the signed
                        URL for twilio/square unless --url is given) (default: print the headers)
  --reveal-token        gitlab: print X-Gitlab-Token, which is the secret itself
  --json                print {"headers": {...}} instead

Examples:
  npm run --silent cli -- sign --scheme github --secret s3cret --body-file examples/github.json
  npm run --silent cli -- sign --scheme stripe --secret-env STRIPE_WHSEC --body-file examples/stripe.json \\
    --curl http://127.0.0.1:3000/webhooks/stripe
  printf 'From=%%2B15551234567&Body=hi' | npm run --silent cli -- sign --scheme twilio \\
    --secret 0123456789abcdef0123456789abcdef --url https://example.com/twilio`;

const FLAGS = {
  scheme: { type: 'string' },
  secret: { type: 'string', multiple: true },
  'secret-env': { type: 'string', multiple: true },
  timestamp: { type: 'string' },
  url: { type: 'string' },
  id: { type: 'string' },
  option: { type: 'string', multiple: true },
  'body-file': { type: 'string' },
  curl: { type: 'string' },
  'reveal-token': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export function signCommand(stdin: StdinReader = readProcessStdin): Command {
  return {
    name: 'sign',
    summary: 'Print the signature headers a provider would send for a body (for curl)',
    usage: USAGE,
    flags: FLAGS,
    async run(args, io) {
      const { values } = parseFlags(args, FLAGS, { positionals: false });
      const scheme = schemeFor(values.scheme);
      const options = schemeOptions(scheme, values.option ?? []);
      const secrets = secretsFrom(values.secret, values['secret-env']);
      if (secrets.length > 1) throw new UsageError('sign takes one secret');
      const secret = secrets[0] as string;
      const timestamp = epochSeconds(values.timestamp, 'timestamp');
      const url = values.url ?? values.curl;
      if (values.curl !== undefined && !/^https?:\/\//.test(values.curl))
        throw new UsageError('--curl needs an http(s) URL');
      if (scheme.name === 'gitlab' && !values['reveal-token']) {
        throw new UsageError('gitlab: the X-Gitlab-Token header is the secret itself; pass --reveal-token to print it');
      }
      const configured = options as { url?: string; notificationUrl?: string };
      if (
        (scheme.name === 'twilio' || scheme.name === 'square') &&
        url === undefined &&
        !configured.url &&
        !configured.notificationUrl
      ) {
        throw new UsageError(`${scheme.name} signs the URL: pass --url URL (or --curl URL)`);
      }
      const body = await readBody(values['body-file'], stdin);

      for (const line of secretWarnings(scheme, secrets)) io.err(line);
      const from = scheme.layout(options).timestamp?.from;
      if (timestamp !== undefined && (from === undefined || (typeof from === 'object' && 'bodyField' in from))) {
        io.err(
          `note: ${scheme.name} signs no timestamp header${scheme.name === 'linear' ? " (its send time is the body's webhookTimestamp, in ms)" : ''}; --timestamp is ignored`,
        );
      }

      let signed: Record<string, string>;
      try {
        signed = scheme.sign({
          body,
          secret,
          timestampSeconds: timestamp ?? Math.floor(Date.now() / 1000),
          ...(url !== undefined && { url }),
          ...(values.id !== undefined && { id: values.id }),
          options,
        });
      } catch (error) {
        // sign() throws TypeError for what the caller got wrong (no URL, a secret it cannot use).
        if (error instanceof TypeError)
          throw new UsageError(error.message.replace(/^(\S+)\.sign\(\) needs/, '$1 needs'));
        throw error;
      }

      const headers: [string, string][] = [
        ['Content-Type', contentType(scheme.contentTypes(options), body, url)],
        ...Object.entries(signed).map(([n, v]): [string, string] => [displayName(n), v]),
      ];

      if (values.json) {
        io.out(JSON.stringify({ headers: Object.fromEntries(headers) }));
      } else if (values.curl !== undefined) {
        io.out(curlCommand(values.curl, headers, body, values['body-file']));
      } else {
        for (const [name, value] of headers) io.out(`${name}: ${value}`);
      }
      return 0;
    },
  };
}

/** The declared content type the body is: JSON if it looks like JSON, else a form (GitHub and Slack send both). */
function contentType(rules: readonly ContentTypeRule[], body: Buffer, url: string | undefined): string {
  // Twilio sends JSON (with bodySHA256 in the URL) for some products, forms for the rest.
  if (url !== undefined && url.includes('bodySHA256=')) return 'application/json';
  const looksJson = /^\s*[[{]/.test(body.toString('utf8', 0, 64));
  return (rules.find((r) => (r.media === 'application/json') === looksJson) ?? rules[0])?.media ?? 'application/json';
}

function curlCommand(
  target: string,
  headers: readonly [string, string][],
  body: Buffer,
  file: string | undefined,
): string {
  const lines = [`curl -sS -X POST ${shellQuote(target)}`];
  for (const [name, value] of headers) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  // A file is sent byte for byte; a body from stdin is inlined when the shell can carry it.
  if (file !== undefined) lines.push(`--data-binary ${shellQuote(`@${file}`)}`);
  else if (isUtf8(body) && !body.includes(0)) lines.push(`--data-binary ${shellQuote(body.toString('utf8'))}`);
  else lines.push('--data-binary @-');
  return lines.join(' \\\n  ');
}

export const command: Command = signCommand();
