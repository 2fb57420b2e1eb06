/**
 * Helpers for parsing config with zod, shared by the synth (lib/config.ts), the verifier's sources
 * and scheme options (inbound/source-schema.ts, sources.ts) and the outbound functions. Free of schemas
 * and imports, so a module that needs them pulls in nothing else (a processor that once imported
 * formatIssues from the inbound sources check bundled every signature scheme).
 */

/**
 * Parse options for a schema used once per cold start: zod's JIT would generate and compile a
 * parser for that one use, which costs more than interpreting the schema.
 */
export const ONE_SHOT = { jitless: true } as const;

interface Issue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code?: string;
  /** The keys a strict object does not know (code `unrecognized_keys`). */
  readonly keys?: readonly string[];
}

/**
 * Formats zod issues as `sources.0.scheme: Invalid option ...` lines, so a bad config names its field;
 * a key a strict object does not know is named too (`sources.0.extra: unknown key`), one line each.
 */
export function formatIssues(error: { readonly issues: readonly Issue[] }): string {
  const line = (path: readonly PropertyKey[], message: string) =>
    `${path.length ? path.map(String).join('.') : '(root)'}: ${message}`;
  return error.issues
    .flatMap((i) =>
      i.code === 'unrecognized_keys' && i.keys
        ? i.keys.map((key) => line([...i.path, key], 'unknown key'))
        : [line(i.path, i.message)],
    )
    .join('\n');
}
