/**
 * Scheme options schemas, built as late as possible: building a zod schema is cold-start time, and
 * the verifier bundles every scheme but parses the options of only the schemes its sources use.
 */
import * as z from 'zod/mini';

/** The options schema of every scheme that takes no options: one instance shared by all of them. */
export const noOptions = z.strictObject({}) as z.ZodMiniType<Record<string, never>>;

/** `build()` on the first call, the same schema after that. */
export function lazySchema<S>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}
