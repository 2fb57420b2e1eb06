/**
 * Argument handling shared by `sign` and `verify`: the scheme, its options (`--option key=value`
 * validated by the scheme's own optionsSchema), secrets, headers, the body and epoch times. Every
 * mistake is a UsageError (exit 2) that names the flag.
 */
import { readFileSync } from 'node:fs';
import { findScheme, type Scheme, SCHEME_NAMES } from '../../lambdas/core/signatures/index';
import { UsageError } from '../command';

export function schemeFor(name: string | undefined): Scheme<unknown> {
  if (name === undefined) throw new UsageError(`--scheme is required: one of ${SCHEME_NAMES.join(', ')}`);
  const scheme = findScheme(name);
  if (!scheme) throw new UsageError(`Unknown scheme "${name}": use one of ${SCHEME_NAMES.join(', ')}`);
  return scheme as Scheme<unknown>;
}

/**
 * `key=value` pairs validated with the scheme's optionsSchema (so its defaults apply). A value is a
 * string unless the schema wants a number there (e.g. hmac toleranceSeconds=300).
 */
export function schemeOptions(scheme: Scheme<unknown>, pairs: readonly string[]): unknown {
  const raw: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option "${pair}" is not key=value`);
    raw[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  let parsed = scheme.optionsSchema.safeParse(raw);
  if (!parsed.success) {
    // Retry with numbers where the schema asked for one and the text is a number.
    let retry = false;
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (
        issue.code === 'invalid_type' &&
        issue.expected === 'number' &&
        typeof key === 'string' &&
        typeof raw[key] === 'string'
      ) {
        const n = Number(raw[key]);
        if ((raw[key] as string).trim() !== '' && Number.isFinite(n)) {
          raw[key] = n;
          retry = true;
        }
      }
    }
    if (retry) parsed = scheme.optionsSchema.safeParse(raw);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
    const known = Object.keys((scheme.optionsSchema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
    const hint =
      known.length > 0 ? ` (${scheme.name} options: ${known.join(', ')})` : ` (${scheme.name} takes no options)`;
    throw new UsageError(`--option: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}${hint}`);
  }
  return parsed.data;
}

/** Secrets from `--secret` values, then `--secret-env` variables, in that order. */
export function secretsFrom(
  values: readonly string[] | undefined,
  envNames: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const out = [...(values ?? [])];
  for (const name of envNames ?? []) {
    const value = env[name];
    if (value === undefined) throw new UsageError(`--secret-env ${name}: the variable is not set`);
    out.push(value);
  }
  if (out.length === 0) throw new UsageError('--secret (or --secret-env) is required');
  return out;
}

/** `checkSecret` findings as warning lines (the secret itself is never shown). */
export function secretWarnings(scheme: Scheme<unknown>, secrets: readonly string[]): string[] {
  const out: string[] = [];
  secrets.forEach((secret, i) => {
    const problem = scheme.checkSecret(secret);
    if (problem) out.push(`warning: secret #${i + 1}: ${problem}`);
  });
  return out;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `Name: value` arguments as API Gateway (v2) would deliver them: names lower-cased, values
 * trimmed, a repeated name's values joined with a comma.
 */
export function headersFrom(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const colon = h.indexOf(':');
    const name = colon > 0 ? h.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) throw new UsageError(`--header "${h}" is not "Name: value"`);
    const key = name.toLowerCase();
    const value = h.slice(colon + 1).trim();
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

/** Integer epoch seconds (`--now`, `--timestamp`). */
export function epochSeconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,12}$/.test(text.trim()))
    throw new UsageError(`--${flag} must be epoch seconds, e.g. ${Math.floor(Date.now() / 1000)}`);
  return Number(text.trim());
}

export function nonNegative(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`--${flag} must be a number of seconds ≥ 0`);
  return n;
}

/** Where the body comes from: a file, or stdin (injectable for tests). */
export type StdinReader = () => Promise<Buffer>;

export async function readProcessStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) throw new UsageError('No body: give --body-file FILE, or pipe the body on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readBody(file: string | undefined, stdin: StdinReader): Promise<Buffer> {
  if (file === undefined) return stdin();
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(
      `--body-file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

/** Decodes a base64 body (`--body-base64`), as the verifier does for an API Gateway isBase64Encoded event. */
export function decodeBase64Body(body: Buffer): Buffer {
  const text = body.toString('latin1').trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    throw new UsageError('--body-base64: the body is not base64');
  return Buffer.from(text, 'base64');
}

/** `x-hub-signature-256` → `X-Hub-Signature-256` (HTTP names are case-insensitive; this is for reading). */
export function displayName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Single-quotes a word for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
