/**
 * Helpers for parsing config with zod, shared by the synth schema (config-schema.ts) and the
 * verifier's scheme options (sources.ts). Free of schemas and imports, so a module that needs them
 * pulls in nothing else (a processor that once imported formatIssues from runtime-config.ts
 * bundled every signature scheme).
 */

/**
 * Parse options for a schema used once per cold start: zod's JIT would generate and compile a
 * parser for that one use, which costs more than interpreting the schema.
 */
export const ONE_SHOT = { jitless: true } as const;

/** Formats zod issues as `sources.0.scheme: Invalid option ...` lines, so a bad config names its field. */
export function formatIssues(error: {
  readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>;
}): string {
  return error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('\n');
}
