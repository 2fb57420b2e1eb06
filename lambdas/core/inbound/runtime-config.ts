/**
 * The verifier's cold-start check of its runtime sources (`WEBHOOK_SOURCES`).
 *
 * The fields and their type are described once, by the zod/mini schema in source-schema.ts. This
 * check is the same rules written by hand because running that schema at every cold start costs INIT
 * time (measured in bench:coldstart, decision 0002). It cannot drift from the schema silently:
 * - `FIELDS` is keyed by `RuntimeSource`, which is the schema's output type, so a field added to the
 *   schema does not compile here until it has a check (and the unknown-key check reads the same keys);
 * - test/core/runtime-config.property.test.ts feeds both generated inputs and requires the same
 *   verdict, the same output and the same fields named.
 * Messages come from source-messages.ts, shared with the schema, in the synth's `path: message` form.
 */
import { ConfigError } from '../kernel/errors';
import { schemes } from '../signatures/index';
import type { RuntimeSource } from './source-schema';
import { MESSAGES } from './source-messages';

export { formatIssues, ONE_SHOT } from '../kernel/config-parse';
export type { RuntimeSource } from './source-schema';

type Issues = string[];
/** Checks one field's value; pushes `at: message` on a problem. Returns the value to keep (undefined: omit). */
type Check<T> = (value: unknown, at: string, issues: Issues) => T;

const FIELDS: { readonly [K in keyof RuntimeSource]-?: Check<RuntimeSource[K]> } = {
  id: (value, at, issues) => expect<string>(typeof value === 'string', value, at, issues, MESSAGES.string),
  scheme: (value, at, issues) =>
    expect<RuntimeSource['scheme']>(
      typeof value === 'string' && Object.hasOwn(schemes, value),
      value,
      at,
      issues,
      MESSAGES.scheme,
    ),
  toleranceSeconds: (value, at, issues) =>
    value === undefined ? undefined : expect<number>(Number.isSafeInteger(value), value, at, issues, MESSAGES.integer),
  maxBodyBytes: positiveInt,
  allowedCidrs: (value, at, issues) =>
    value === undefined
      ? []
      : expect<string[]>(
          Array.isArray(value) && value.every((c) => typeof c === 'string'),
          value,
          at,
          issues,
          MESSAGES.strings,
        ),
  eventId: optionalLocator,
  eventType: optionalLocator,
  // A `__proto__` key is dropped, as the schema's z.record drops it: options never carry one.
  options: (value, at, issues) =>
    value === undefined
      ? {}
      : withoutProto(expect<Record<string, unknown>>(isRecord(value), value, at, issues, MESSAGES.object)),
  dedupeSeconds: positiveInt,
  queueUrl: nonEmptyString,
  secretId: nonEmptyString,
};
const FIELD_NAMES = Object.keys(FIELDS) as (keyof RuntimeSource)[];

/** Checks the runtime sources list; throws a ConfigError listing every problem as `path: message`. */
export function parseRuntimeSources(input: unknown): RuntimeSource[] {
  if (!Array.isArray(input) || input.length === 0)
    throw new ConfigError(`invalid webhook sources:\n(root): ${MESSAGES.sources}`);
  const issues: Issues = [];
  const sources = input.map((source: unknown, i) => parseSource(source, `${i}`, issues));
  if (issues.length > 0) throw new ConfigError(`invalid webhook sources:\n${issues.join('\n')}`);
  return sources as RuntimeSource[];
}

function parseSource(input: unknown, at: string, issues: Issues): RuntimeSource | undefined {
  if (!isRecord(input)) {
    issues.push(`${at}: ${MESSAGES.object}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const key of FIELD_NAMES) {
    const value = FIELDS[key](input[key], `${at}.${key}`, issues);
    if (value !== undefined) out[key] = value;
  }
  for (const key of Object.keys(input))
    if (!Object.hasOwn(FIELDS, key)) issues.push(`${at}.${key}: ${MESSAGES.unknownKey}`);
  return out as unknown as RuntimeSource;
}

/** `value` as a T when `ok`; otherwise records `message` for the field. */
function expect<T>(ok: boolean, value: unknown, at: string, issues: Issues, message: string): T {
  if (!ok) issues.push(`${at}: ${message}`);
  return value as T;
}

function positiveInt(value: unknown, at: string, issues: Issues): number {
  return expect<number>(
    Number.isSafeInteger(value) && (value as number) > 0,
    value,
    at,
    issues,
    MESSAGES.positiveInteger,
  );
}

function nonEmptyString(value: unknown, at: string, issues: Issues): string {
  return expect<string>(typeof value === 'string' && value.length > 0, value, at, issues, MESSAGES.nonEmptyString);
}

/** Absent, `{ header }` (lower-cased) or `{ bodyPath }`: where an event's id or type is read from. */
function optionalLocator(value: unknown, at: string, issues: Issues): RuntimeSource['eventId'] {
  if (value === undefined) return undefined;
  if (isRecord(value) && Object.keys(value).length === 1) {
    if (typeof value.header === 'string' && value.header !== '') return { header: value.header.toLowerCase() };
    if (typeof value.bodyPath === 'string' && value.bodyPath !== '') return { bodyPath: value.bodyPath };
  }
  issues.push(`${at}: ${MESSAGES.locator}`);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutProto(options: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(options) || !Object.hasOwn(options, '__proto__')) return options;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(options)) if (key !== '__proto__') copy[key] = options[key];
  return copy;
}
