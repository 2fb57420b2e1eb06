/**
 * The runtime form of the sources config (the verifier's `WEBHOOK_SOURCES`), validated at cold start.
 * Written with `zod/mini`: the Lambda bundles carry only this small, tree-shakable API, while the
 * full zod API stays in the synth-time schema (`config-schema.ts`), which embeds these pieces.
 */
import * as z from 'zod/mini';
import { schemes } from './signatures/index';
import type { FieldLocator, SchemeName } from './signatures/types';

export const SCHEME_NAMES = Object.keys(schemes) as [SchemeName, ...SchemeName[]];

/** `{ header }` (lower-cased) or `{ bodyPath }`: where an event's id or type is read from. */
export const fieldLocatorSchema = z.union([
  z.strictObject({ header: z.pipe(z.string().check(z.minLength(1)), z.transform((h: string) => h.toLowerCase())) }),
  z.strictObject({ bodyPath: z.string().check(z.minLength(1)) }),
]) as unknown as z.ZodMiniType<FieldLocator>;

export const runtimeSourceSchema = z.strictObject({
  id: z.string(),
  scheme: z.enum(SCHEME_NAMES),
  options: z._default(z.record(z.string(), z.unknown()), {}),
  toleranceSeconds: z.optional(z.int()),
  maxBodyBytes: z.int().check(z.positive()),
  allowedCidrs: z._default(z.array(z.string()), []),
  eventId: z.optional(fieldLocatorSchema),
  eventType: z.optional(fieldLocatorSchema),
  dedupeSeconds: z.int().check(z.positive()),
  queueUrl: z.string().check(z.minLength(1)),
  secretId: z.string().check(z.minLength(1)),
});
export type RuntimeSource = z.output<typeof runtimeSourceSchema>;
export const runtimeSourcesSchema = z.array(runtimeSourceSchema).check(z.minLength(1));

/** Formats zod issues as `sources.0.scheme: Invalid option ...` lines, so a bad config names its field. */
export function formatIssues(error: { readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> }): string {
  return error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('\n');
}
