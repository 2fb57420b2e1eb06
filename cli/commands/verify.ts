/**
 * `verify`: checks a captured request exactly as the verifier Lambda does. Prints `valid` (exit 0),
 * or `invalid: <reason>` (exit 1); a usage error exits 2. `--explain` says what was computed over
 * which bytes, which secret matched, the timestamp's age and the likely cause of a failure.
 */
import { explainVerification } from '../lib/explain/index';
import type { VerifyRequest } from '../../lambdas/core/signatures/types';
import { SCHEME_NAMES } from '../../lambdas/core/signatures/index';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import {
  decodeBase64Body,
  epochSeconds,
  headersFrom,
  nonNegative,
  readBody,
  readProcessStdin,
  schemeFor,
  schemeOptions,
  secretsFrom,
  secretWarnings,
  type StdinReader,
} from '../lib/signature-args';
import { formatExplanation } from '../lib/explain/format';

const USAGE = `Usage: npm run --silent cli -- verify --scheme <scheme> --secret <secret> [--secret <previous>]
         --header 'Name: value' ... [options] [--body-file <file>]

Verifies a request (its headers and exact body bytes) the way the verifier Lambda does.
Prints "valid" and exits 0, or prints "invalid: <reason>" and exits 1. Usage errors exit 2.

Options:
  --scheme S              ${SCHEME_NAMES.join(', ')} (required)
  --secret X              a secret, repeatable: current first, then previous ones (rotation)
                          (required, or --secret-env)
  --secret-env VAR        read a secret from this environment variable instead, repeatable
                          (required unless --secret)
  --header 'Name: value'  a header as received, repeatable (a repeated name is joined with ",",
                          as API Gateway does); with Content-Type, --explain also says whether
                          the scheme takes it and how the body is read (JSON, form, payload field)
                          (required: at least the signature header)
  --body-file F           the body's exact bytes (default: stdin)
  --body-base64           the body is base64: decode it first (an isBase64Encoded API Gateway event)
  --url U                 the full request URL (required by twilio and square, default: none)
  --now EPOCH             verify as of this time, epoch seconds (default: now) — for a captured request
  --tolerance SECONDS     the replay window (default: the scheme's)
  --option key=value      a scheme option, repeatable (hmac: header, prefix, algorithm, encoding,
                          timestampHeader, timestampFormat, signedContent, toleranceSeconds;
                          square: notificationUrl; twilio: url) (default: the scheme's defaults)
  --explain               what was computed over which bytes, which secret matched, the timestamp's
                          age, and the likely cause of a failure
  --json                  print the result (and with --explain the explanation) as JSON

Examples:
  npm run --silent cli -- verify --scheme github --secret s3cret \\
    --header 'X-Hub-Signature-256: sha256=…' --body-file examples/github.json
  npm run --silent cli -- verify --scheme stripe --secret whsec_new --secret whsec_old \\
    --header 'Stripe-Signature: t=…,v1=…' --now 1700000000 --explain < examples/stripe.json`;

const FLAGS = {
  scheme: { type: 'string' },
  secret: { type: 'string', multiple: true },
  'secret-env': { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  'body-file': { type: 'string' },
  'body-base64': { type: 'boolean' },
  url: { type: 'string' },
  now: { type: 'string' },
  tolerance: { type: 'string' },
  option: { type: 'string', multiple: true },
  explain: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export function verifyCommand(stdin: StdinReader = readProcessStdin): Command {
  return {
    name: 'verify',
    summary: "Check a captured request's signature (valid → exit 0, invalid → 1); --explain says why",
    usage: USAGE,
    flags: FLAGS,
    async run(args, io) {
      const { values } = parseFlags(args, FLAGS, { positionals: false });
      const scheme = schemeFor(values.scheme);
      const options = schemeOptions(scheme, values.option ?? []);
      const secrets = secretsFrom(values.secret, values['secret-env']);
      const headers = headersFrom(values.header ?? []);
      if (Object.keys(headers).length === 0)
        throw new UsageError(
          "--header is required: the request's signature headers, e.g. --header 'Stripe-Signature: t=…,v1=…'",
        );
      const now = epochSeconds(values.now, 'now') ?? Math.floor(Date.now() / 1000);
      const tolerance = nonNegative(values.tolerance, 'tolerance');
      const raw = await readBody(values['body-file'], stdin);
      const body = values['body-base64'] ? decodeBase64Body(raw) : raw;

      const request: VerifyRequest<unknown> = {
        body,
        headers,
        ...(values.url !== undefined && { url: values.url }),
        secrets,
        nowSeconds: now,
        ...(tolerance !== undefined && { toleranceSeconds: tolerance }),
        options,
      };
      const warnings = secretWarnings(scheme, secrets);
      const explanation = values.explain ? explainVerification(scheme, request) : undefined;
      const result = explanation?.result ?? scheme.verify(request);

      if (values.json) {
        io.out(
          JSON.stringify({ ...result, ...(warnings.length > 0 && { warnings }), ...(explanation && { explanation }) }),
        );
        return result.valid ? 0 : 1;
      }
      // Warnings go to stderr so that stdout stays "valid" or "invalid: …".
      for (const line of warnings) io.err(line);
      if (result.valid) {
        io.out('valid');
        if (secrets.length > 1 && !explanation) io.err(`(secret #${result.secretIndex + 1} matched)`);
      } else {
        io.out(`invalid: ${result.reason}${result.detail ? ` (${result.detail})` : ''}`);
      }
      if (explanation) for (const line of formatExplanation(explanation)) io.out(line);
      return result.valid ? 0 : 1;
    },
  };
}

export const command: Command = verifyCommand();
