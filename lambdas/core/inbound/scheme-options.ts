/**
 * A source's scheme options, checked with its scheme's `optionsSchema` and returned as the scheme reads them
 * (defaults applied, header names lower-cased). A scheme builds that schema on first use, so importing this builds
 * none: config sources are checked at synth (`parseRuntimeSources`), a tenant source when the verifier first reads it.
 */
import { formatIssues, ONE_SHOT } from '../kernel/config-parse';
import { ConfigError } from '../kernel/errors';
import { findScheme, type Scheme, type SchemeName } from '../signatures/index';

/** The registered scheme of that name; a ConfigError naming the source for any other name. */
export function schemeOf(name: string, sourceId: string): Scheme<unknown, SchemeName> {
  const scheme = findScheme(name);
  if (!scheme) throw new ConfigError(`source ${sourceId}: unknown scheme ${JSON.stringify(name)}`);
  return scheme as Scheme<unknown, SchemeName>;
}

/** `options` as the source's scheme reads them; a ConfigError listing every problem, naming the source. */
export function checkSchemeOptions(name: string, options: unknown, sourceId: string): unknown {
  const parsed = schemeOf(name, sourceId).optionsSchema.safeParse(options, ONE_SHOT);
  if (!parsed.success)
    throw new ConfigError(`invalid schemeOptions for source ${sourceId}:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}
