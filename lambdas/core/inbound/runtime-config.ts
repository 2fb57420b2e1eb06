/**
 * The runtime form of the sources config (the verifier's `WEBHOOK_SOURCES`), checked at cold start.
 *
 * This JSON is written by the synth (`toRuntimeSource` in config-schema.ts, after the full zod schema
 * has validated what the user wrote), so here it only has to be confirmed, not explained to a user.
 * It is checked by hand rather than with a zod schema: building and running a zod schema once per
 * cold start showed in the verifier's INIT (bench:coldstart, bench/README.md), and the checks below
 * are the whole of it. A hand-edited variable still fails at cold start with a message naming the
 * field, in the same `path: message` form as the synth's errors.
 */
import { ConfigError } from '../kernel/errors';
import { schemes } from '../signatures/index';
import type { FieldLocator, SchemeName } from '../signatures/types';

export { formatIssues, ONE_SHOT } from '../kernel/config-parse';

export const SCHEME_NAMES = Object.keys(schemes) as [SchemeName, ...SchemeName[]];

export interface RuntimeSource {
  readonly id: string;
  readonly scheme: SchemeName;
  readonly options: Record<string, unknown>;
  readonly toleranceSeconds?: number | undefined;
  readonly maxBodyBytes: number;
  readonly allowedCidrs: string[];
  readonly eventId?: FieldLocator | undefined;
  readonly eventType?: FieldLocator | undefined;
  readonly dedupeSeconds: number;
  readonly queueUrl: string;
  readonly secretId: string;
}

const KEYS: ReadonlySet<string> = new Set([
  'id',
  'scheme',
  'options',
  'toleranceSeconds',
  'maxBodyBytes',
  'allowedCidrs',
  'eventId',
  'eventType',
  'dedupeSeconds',
  'queueUrl',
  'secretId',
]);

/** Checks the runtime sources list; throws a ConfigError listing every problem as `path: message`. */
export function parseRuntimeSources(input: unknown): RuntimeSource[] {
  const issues: string[] = [];
  if (!Array.isArray(input) || input.length === 0) throw new ConfigError('invalid webhook sources:\n(root): expected a non-empty array of sources');
  const sources = input.map((source: unknown, i) => parseSource(source, `${i}`, issues));
  if (issues.length > 0) throw new ConfigError(`invalid webhook sources:\n${issues.join('\n')}`);
  return sources as RuntimeSource[];
}

type Issues = string[];

function parseSource(input: unknown, at: string, issues: Issues): RuntimeSource | undefined {
  if (!isRecord(input)) {
    issues.push(`${at}: expected an object`);
    return undefined;
  }
  for (const key of Object.keys(input)) if (!KEYS.has(key)) issues.push(`${at}.${key}: unknown key`);
  const scheme = input.scheme;
  if (typeof scheme !== 'string' || !Object.hasOwn(schemes, scheme)) issues.push(`${at}.scheme: expected one of ${SCHEME_NAMES.join(', ')}`);
  const options = input.options ?? {};
  if (!isRecord(options)) issues.push(`${at}.options: expected an object`);
  const allowedCidrs = input.allowedCidrs ?? [];
  if (!Array.isArray(allowedCidrs) || !allowedCidrs.every((c) => typeof c === 'string')) issues.push(`${at}.allowedCidrs: expected an array of strings`);
  if (input.toleranceSeconds !== undefined && !Number.isInteger(input.toleranceSeconds)) issues.push(`${at}.toleranceSeconds: expected an integer`);
  const out = {
    id: string(input.id, `${at}.id`, issues, 0),
    scheme: scheme as SchemeName,
    options: options as Record<string, unknown>,
    ...(input.toleranceSeconds !== undefined && { toleranceSeconds: input.toleranceSeconds as number }),
    maxBodyBytes: positiveInt(input.maxBodyBytes, `${at}.maxBodyBytes`, issues),
    allowedCidrs: allowedCidrs as string[],
    ...(input.eventId !== undefined && { eventId: locator(input.eventId, `${at}.eventId`, issues) }),
    ...(input.eventType !== undefined && { eventType: locator(input.eventType, `${at}.eventType`, issues) }),
    dedupeSeconds: positiveInt(input.dedupeSeconds, `${at}.dedupeSeconds`, issues),
    queueUrl: string(input.queueUrl, `${at}.queueUrl`, issues, 1),
    secretId: string(input.secretId, `${at}.secretId`, issues, 1),
  };
  return out;
}

/** `{ header }` (lower-cased) or `{ bodyPath }`: where an event's id or type is read from. */
function locator(input: unknown, at: string, issues: Issues): FieldLocator | undefined {
  if (isRecord(input)) {
    const keys = Object.keys(input);
    if (keys.length === 1 && typeof input.header === 'string' && input.header !== '') return { header: input.header.toLowerCase() };
    if (keys.length === 1 && typeof input.bodyPath === 'string' && input.bodyPath !== '') return { bodyPath: input.bodyPath };
  }
  issues.push(`${at}: expected { header } or { bodyPath } with a non-empty string`);
  return undefined;
}

function string(value: unknown, at: string, issues: Issues, minLength: number): string {
  if (typeof value !== 'string' || value.length < minLength) issues.push(`${at}: expected a ${minLength > 0 ? 'non-empty ' : ''}string`);
  return value as string;
}

function positiveInt(value: unknown, at: string, issues: Issues): number {
  if (!Number.isInteger(value) || (value as number) <= 0) issues.push(`${at}: expected a positive integer`);
  return value as number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
