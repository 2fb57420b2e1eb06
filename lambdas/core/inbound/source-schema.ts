/**
 * The one description of a source's fields (`zod/mini`, which the verifier bundles anyway for the
 * schemes' options). Read by:
 * - the synth schema (`lib/config-schema.ts`), which embeds `sharedSourceFields` and narrows a few of
 *   them with the rules a user needs explained (id pattern, CIDR syntax, bounds, defaults);
 * - the runtime form (`WEBHOOK_SOURCES`): `runtimeSourceSchema`, whose output type is `RuntimeSource`;
 * - the verifier's cold-start check (`runtime-config.ts`), written by hand for cold-start time but keyed
 *   by `RuntimeSource` and property-tested against `runtimeSourcesSchema` (decision 0002).
 *
 * A field both forms carry is added to `sharedSourceFields` only: the synth accepts it, `toRuntimeSource`
 * copies it, `RuntimeSource` gains it, and the hand check fails to compile until it checks it too.
 * Error messages are the hand check's, so both name a field the same way (`0.maxBodyBytes: ...`).
 */
import * as z from 'zod/mini';
import { SCHEME_NAMES } from '../signatures/index';
import { MESSAGES } from './source-messages';

const nonEmpty = (error: string) => z.string({ error }).check(z.minLength(1, { error }));
const positiveInt = z.int({ error: MESSAGES.positiveInteger }).check(z.positive({ error: MESSAGES.positiveInteger }));

/** `{ header }` (lower-cased) or `{ bodyPath }`: where an event's id or type is read from. */
export const fieldLocatorSchema = z.union(
  [
    z.strictObject({ header: z.string().check(z.minLength(1), z.toLowerCase()) }),
    z.strictObject({ bodyPath: z.string().check(z.minLength(1)) }),
  ],
  { error: MESSAGES.locator },
);

/** Fields a source carries unchanged from what the user writes to what the verifier reads. */
export const sharedSourceFields = {
  /** URL path segment and resource-name part (the synth narrows it to a pattern). */
  id: z.string({ error: MESSAGES.string }),
  scheme: z.enum(SCHEME_NAMES, { error: MESSAGES.scheme }),
  /** Replay window; absent means the scheme's default. */
  toleranceSeconds: z.optional(z.int({ error: MESSAGES.integer })),
  maxBodyBytes: positiveInt,
  /** Only these source addresses may deliver; empty means any. */
  allowedCidrs: z._default(z.array(z.string({ error: MESSAGES.strings }), { error: MESSAGES.strings }), () => []),
  eventId: z.optional(fieldLocatorSchema),
  eventType: z.optional(fieldLocatorSchema),
};

/** The shared fields' names, for code that copies them from one form to the other. */
export const SHARED_SOURCE_KEYS = Object.keys(sharedSourceFields) as (keyof typeof sharedSourceFields)[];

/** One source as the verifier receives it in `WEBHOOK_SOURCES`: the shared fields plus what the synth derives. */
export const runtimeSourceSchema = z.strictObject(
  {
    ...sharedSourceFields,
    /** The scheme's options (the synth's `schemeOptions`), checked again by the scheme's own schema. */
    options: z._default(z.record(z.string(), z.unknown(), { error: MESSAGES.object }), () => ({})),
    /** The synth's `dedupeWindowDays` in seconds. */
    dedupeSeconds: positiveInt,
    queueUrl: nonEmpty(MESSAGES.nonEmptyString),
    /** The ARN of the source's signing secret: never the secret itself. */
    secretId: nonEmpty(MESSAGES.nonEmptyString),
  },
  { error: MESSAGES.object },
);

export const runtimeSourcesSchema = z
  .array(runtimeSourceSchema, { error: MESSAGES.sources })
  .check(z.minLength(1, { error: MESSAGES.sources }));

export type RuntimeSource = z.output<typeof runtimeSourceSchema>;
