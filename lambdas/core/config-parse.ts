/**
 * What the Lambdas' config parsing shares. A module of its own, free of schemas, so that the
 * processor, which validates only its environment, does not bundle the signature schemes and the
 * sources schema along with it.
 */

/**
 * Parse options for a schema used once per cold start: zod's JIT would generate and compile a
 * parser for that one use, which costs more than interpreting the schema.
 */
export const ONE_SHOT = { jitless: true } as const;

/** Formats zod issues as `sources.0.scheme: Invalid option ...` lines, so a bad config names its field. */
export function formatIssues(error: { readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> }): string {
  return error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('\n');
}
