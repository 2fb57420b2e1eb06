/**
 * A webhook source, described once (zod/mini), and the verifier's one check of its sources.
 * - `sharedSourceFields`: what the user writes and the verifier reads alike, each field with all of its
 *   rules. The synth schema (lib/config-schema.ts) embeds them and adds the synth-only fields;
 * - `runtimeSourceSchema`: one source as the verifier receives it (the JSON file bundled with it,
 *   `BUNDLED_SOURCES_FILE`): the shared fields plus what the synth derives (`toRuntimeSource`). Its output type
 *   is `RuntimeSource`;
 * - `parseRuntimeSources`: the one check of runtime sources, with that schema and each scheme's options schema. The
 *   synth makes it before it writes the verifier's file; the verifier reads the file as checked (decision 0002) and
 *   builds none of these schemas at its cold start.
 * Tenant sources (created at run time, tenant-sources/) check the same shared fields when they are created.
 * A field both forms carry is added to `sharedSourceFields` only: the synth accepts it, `toRuntimeSource`
 * copies it, `parseRuntimeSources` checks it at synth and `RuntimeSource` gains it.
 */
import * as z from 'zod/mini';
import { PAYLOAD_LIMITS } from '../../contract';
import { compileAllowlist } from '../kernel/cidr';
import { formatIssues, ONE_SHOT } from '../kernel/config-parse';
import { ConfigError } from '../kernel/errors';
import { SCHEME_NAMES } from '../signatures/index';
import { checkSchemeOptions } from './scheme-options';
import { SOURCE_ID } from './source-names';

/**
 * The largest body a source accepts: Lambda's 6 MiB invocation request, less room for the rest of the event (headers,
 * request context) and some JSON escaping of the body. Bodies over SQS's 1 MiB travel by claim check through the
 * archive (docs/archive.md); a base64-encoded (binary) body grows by a third in the event.
 */
export const MAX_BODY_BYTES_LIMIT = PAYLOAD_LIMITS.lambdaRequestBytes - 64 * 1024;
/** The longest replay window a source may set. */
const MAX_TOLERANCE_SECONDS = 7 * 24 * 3600;
/** The highest per-source rate limit a second: far above any provider's delivery rate. */
const MAX_RATE_PER_SECOND = 10_000;

const MESSAGES = {
  object: 'expected an object',
  sources: 'expected an array of sources',
  id: 'must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit',
  scheme: `expected one of ${SCHEME_NAMES.join(', ')}`,
  string: 'expected a string',
  nonEmptyString: 'expected a non-empty string',
  integer: 'expected an integer',
  positiveInteger: 'expected a positive integer',
  strings: 'expected an array of strings',
  cidr: 'must be an IPv4 or IPv6 CIDR such as 192.0.2.0/24',
  tolerance: `must be from 1 to ${MAX_TOLERANCE_SECONDS} seconds (7 days)`,
  maxBodyBytes: `must be at most ${MAX_BODY_BYTES_LIMIT} (Lambda's 6 MiB request less 64 KiB for the rest of the event)`,
  locator: 'expected { header } or { bodyPath } with a non-empty string',
  rate: `must be an integer from 1 to ${MAX_RATE_PER_SECOND}`,
} as const;

const nonEmpty = z.string({ error: MESSAGES.nonEmptyString }).check(z.minLength(1, MESSAGES.nonEmptyString));
const positiveInt = z.int({ error: MESSAGES.positiveInteger }).check(z.positive(MESSAGES.positiveInteger));
const rate = z
  .int({ error: MESSAGES.rate })
  .check(z.minimum(1, MESSAGES.rate), z.maximum(MAX_RATE_PER_SECOND, MESSAGES.rate));
/** Whatever the verifier's allowlist (kernel/cidr.ts) compiles, so a CIDR the synth accepts cannot fail a cold start. */
const cidr = z.string({ error: MESSAGES.string }).check(z.refine(isCidr, MESSAGES.cidr));

const locatorText = z.string({ error: MESSAGES.locator }).check(z.minLength(1, MESSAGES.locator));
/** `{ header }` (lower-cased) or `{ bodyPath }`: where an event's id or type is read from. */
export const fieldLocatorSchema = z.union(
  [z.strictObject({ header: locatorText.check(z.toLowerCase()) }), z.strictObject({ bodyPath: locatorText })],
  { error: MESSAGES.locator },
);

/** A replay window in seconds. */
export const toleranceSchema = z
  .int({ error: MESSAGES.integer })
  .check(z.minimum(1, MESSAGES.tolerance), z.maximum(MAX_TOLERANCE_SECONDS, MESSAGES.tolerance));
/** Addresses allowed to deliver. */
export const allowedCidrsSchema = z.array(cidr, { error: MESSAGES.strings });
/** A per-source rate limit (per verifier container). */
export const rateLimitSchema = z.strictObject({ perSecond: rate, burst: rate }, { error: MESSAGES.object });

/** Fields a source carries unchanged from what the user writes to what the verifier reads. */
export const sharedSourceFields = {
  /** URL path segment and resource-name part: lower-case letters, digits and dashes. */
  id: z.string({ error: MESSAGES.string }).check(z.regex(SOURCE_ID, MESSAGES.id)),
  scheme: z.enum(SCHEME_NAMES, { error: MESSAGES.scheme }),
  /** Replay window; absent means the scheme's default. */
  toleranceSeconds: z.optional(toleranceSchema),
  /** The largest body accepted (the synth defaults it). */
  maxBodyBytes: positiveInt.check(z.maximum(MAX_BODY_BYTES_LIMIT, MESSAGES.maxBodyBytes)),
  /** Only these source addresses may deliver; empty means any. */
  allowedCidrs: z._default(allowedCidrsSchema, () => []),
  eventId: z.optional(fieldLocatorSchema),
  eventType: z.optional(fieldLocatorSchema),
  /**
   * Requests a second (and a burst of requests at once) one verifier container accepts from this source;
   * more get 429 with Retry-After before anything is written (decision on per-source rate limits). Absent: none.
   */
  rateLimit: z.optional(rateLimitSchema),
};

/** The shared fields' names, for code that copies them from one form to the other. */
export const SHARED_SOURCE_KEYS = Object.keys(sharedSourceFields) as (keyof typeof sharedSourceFields)[];

/** One source as the verifier receives it (the bundled file): the shared fields plus what the synth derives. */
const runtimeSourceSchema = z.strictObject(
  {
    ...sharedSourceFields,
    /** The scheme's options (the synth's `schemeOptions`), checked again by the scheme's own schema. */
    options: z._default(z.record(z.string(), z.unknown(), { error: MESSAGES.object }), () => ({})),
    /** The synth's `dedupeWindowDays` in seconds. */
    dedupeSeconds: positiveInt,
    /**
     * The fixed name of the source's own ingest queue (its URL is the account's SQS prefix and this name);
     * absent: the source uses the shared pipeline.
     */
    queueName: z.optional(nonEmpty),
    /** The name (or ARN) of the source's signing secret in Secrets Manager: never the secret itself. */
    secretId: nonEmpty,
  },
  { error: MESSAGES.object },
);

/** May be empty: a stack can serve tenant sources only. */
const runtimeSourcesSchema = z.array(runtimeSourceSchema, { error: MESSAGES.sources });

export type RuntimeSource = z.output<typeof runtimeSourceSchema>;

declare const CHECKED: unique symbol;
/**
 * Runtime sources that passed `parseRuntimeSources`: the only input `prepareSources` takes. The verifier's bundled
 * file holds them as the synth checked them (`bundledSources`, lib/verifier-environment.ts).
 */
export type CheckedSources = readonly RuntimeSource[] & { readonly [CHECKED]: true };

/**
 * Checks the runtime sources list, and each source's scheme options with its scheme's schema (returned with their
 * defaults applied); throws a ConfigError listing every problem as `path: message`.
 */
export function parseRuntimeSources(input: unknown): CheckedSources {
  const parsed = runtimeSourcesSchema.safeParse(input, ONE_SHOT);
  if (!parsed.success) throw new ConfigError(`invalid webhook sources:\n${formatIssues(parsed.error)}`);
  const checked = parsed.data.map((s) => ({
    ...s,
    options: checkSchemeOptions(s.scheme, s.options, s.id) as RuntimeSource['options'],
  }));
  return checked as readonly RuntimeSource[] as CheckedSources;
}

function isCidr(value: string): boolean {
  try {
    compileAllowlist([value]);
    return true;
  } catch {
    return false;
  }
}
