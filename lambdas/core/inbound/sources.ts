/**
 * Turns runtime source settings into ready-to-use sources: scheme looked up, options validated,
 * allowlist compiled — once, at cold start, so a bad setting fails loudly before any request.
 */
import { ConfigError } from '../kernel/errors';
import { compileAllowlist, type CidrMatcher } from '../kernel/cidr';
import { formatIssues, ONE_SHOT } from '../kernel/config-parse';
import { parseRuntimeSources, type RuntimeSource } from './source-schema';
import { type FieldLocator, type Scheme, schemes } from '../signatures/index';

export interface PreparedSource {
  readonly id: string;
  readonly scheme: Scheme<unknown>;
  readonly options: unknown;
  readonly toleranceSeconds: number | undefined;
  readonly maxBodyBytes: number;
  readonly allows: CidrMatcher | undefined;
  readonly eventId: FieldLocator | undefined;
  readonly eventType: FieldLocator | undefined;
  readonly dedupeSeconds: number;
  readonly queueUrl: string;
  readonly secretId: string;
  /** Request headers copied into the envelope: id/type headers, never signatures. */
  readonly forwardedHeaders: readonly string[];
}

export function prepareSources(input: unknown): ReadonlyMap<string, PreparedSource> {
  return new Map(parseRuntimeSources(input).map((s) => [s.id, prepareSource(s)]));
}

function prepareSource(source: RuntimeSource): PreparedSource {
  const scheme = schemes[source.scheme] as Scheme<unknown>;
  const options = scheme.optionsSchema.safeParse(source.options, ONE_SHOT);
  if (!options.success) {
    throw new ConfigError(`invalid schemeOptions for source ${source.id}:\n${formatIssues(options.error)}`);
  }
  const eventId: FieldLocator | undefined = source.eventId ?? scheme.eventId;
  const eventType: FieldLocator | undefined = source.eventType ?? scheme.eventType;
  const forwardedHeaders = ['content-type', 'user-agent'];
  for (let locator of [eventId, eventType]) {
    for (; locator; locator = locator.fallback) if ('header' in locator) forwardedHeaders.push(locator.header);
  }
  return {
    id: source.id,
    scheme,
    options: options.data,
    toleranceSeconds: source.toleranceSeconds,
    maxBodyBytes: source.maxBodyBytes,
    allows: compileAllowlist(source.allowedCidrs),
    eventId,
    eventType,
    dedupeSeconds: source.dedupeSeconds,
    queueUrl: source.queueUrl,
    secretId: source.secretId,
    forwardedHeaders,
  };
}
