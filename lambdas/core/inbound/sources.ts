/**
 * Turns checked source settings into ready-to-use sources: scheme looked up, allowlist compiled, queue chosen. The
 * config-file sources were checked at synth (`parseRuntimeSources`) and are prepared once, at cold start, without a
 * schema; a tenant source (tenant-sources/) has its options checked and is prepared the same way when the verifier
 * first reads it.
 */
import { ConfigError } from '../kernel/errors';
import { compileAllowlist, type CidrMatcher } from '../kernel/cidr';
import type { SecretSource } from './ports';
import { schemeOf } from './scheme-options';
import type { CheckedSources, RuntimeSource } from './source-schema';
import type { FieldLocator, Scheme } from '../signatures/index';

/** A source's signing secrets held in memory (a tenant source's, decrypted when it was read). */
export interface HeldSecrets {
  readonly current: string;
  /** The secret replaced by a rotation, valid until `expiresAt` (epoch ms). */
  readonly previous?: { readonly secret: string; readonly expiresAt: number };
  /** Meta's verify token for the GET subscription check. */
  readonly verifyToken?: string;
}

export interface PreparedSource {
  /** The name events carry (`source` of the record, envelope and attributes): the id, or `<tenant>.<id>`. */
  readonly id: string;
  /** The tenant a tenant source belongs to; undefined for a config-file source. */
  readonly tenant: string | undefined;
  readonly scheme: Scheme<unknown>;
  readonly options: unknown;
  readonly toleranceSeconds: number | undefined;
  readonly maxBodyBytes: number;
  readonly allows: CidrMatcher | undefined;
  readonly eventId: FieldLocator | undefined;
  readonly eventType: FieldLocator | undefined;
  readonly dedupeSeconds: number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | undefined;
  readonly queueUrl: string;
  /**
   * On the shared queue, the fairness group (SQS fair queues' MessageGroupId): the tenant, or the config
   * source's id. Undefined on a source's own queue.
   */
  readonly messageGroupId: string | undefined;
  /** Where the secrets are: a Secrets Manager secret (config-file sources), or held (tenant sources). */
  readonly secrets: { readonly secretId: string } | { readonly held: HeldSecrets };
  /** Request headers copied into the envelope: id/type headers, never signatures. */
  readonly forwardedHeaders: readonly string[];
}

/** Where the verifier's queues are: own queues by name under the prefix, and the shared pipeline's queue. */
export interface QueueTargets {
  /** `https://sqs.<region>.<domain>/<account>/`: an own queue's URL is this and its fixed name. */
  readonly urlPrefix: string;
  /** The shared pipeline's queue; undefined when the stack has none. */
  readonly sharedUrl: string | undefined;
}

/** The config-file sources, as `parseRuntimeSources` checked them, prepared. */
export function prepareSources(sources: CheckedSources, queues: QueueTargets): ReadonlyMap<string, PreparedSource> {
  return new Map(
    sources.map((s) => {
      const queueUrl = s.queueName === undefined ? queues.sharedUrl : queues.urlPrefix + s.queueName;
      if (queueUrl === undefined)
        throw new ConfigError(`source ${s.id} uses the shared pipeline, but the verifier was given no shared queue`);
      return [
        s.id,
        prepareSource(s, {
          id: s.id,
          tenant: undefined,
          queueUrl,
          messageGroupId: s.queueName === undefined ? s.id : undefined,
          secrets: { secretId: s.secretId },
        }),
      ];
    }),
  );
}

/** The settings prepareSource reads: a runtime source's, which a tenant source's record also carries. */
export type SourceSettings = Omit<RuntimeSource, 'id' | 'queueName' | 'secretId'>;

/** Prepares one source whose options were checked (`checkSchemeOptions`); a ConfigError for an unknown scheme. */
export function prepareSource(
  source: SourceSettings,
  target: Pick<PreparedSource, 'id' | 'tenant' | 'queueUrl' | 'messageGroupId' | 'secrets'>,
): PreparedSource {
  const scheme: Scheme<unknown> = schemeOf(source.scheme, target.id);
  const eventId: FieldLocator | undefined = source.eventId ?? scheme.eventId;
  const eventType: FieldLocator | undefined = source.eventType ?? scheme.eventType;
  const forwardedHeaders = ['content-type', 'user-agent'];
  for (let locator of [eventId, eventType]) {
    for (; locator; locator = locator.fallback) if ('header' in locator) forwardedHeaders.push(locator.header);
  }
  return {
    ...target,
    scheme,
    options: source.options,
    toleranceSeconds: source.toleranceSeconds,
    maxBodyBytes: source.maxBodyBytes,
    allows: compileAllowlist(source.allowedCidrs),
    eventId,
    eventType,
    dedupeSeconds: source.dedupeSeconds,
    rateLimit: source.rateLimit,
    forwardedHeaders,
  };
}

/** The secrets a held set verifies with at `nowMs`: the current one, and the previous one during its grace period. */
export function heldSecrets(held: HeldSecrets, nowMs: number): readonly string[] {
  return held.previous && nowMs < held.previous.expiresAt ? [held.current, held.previous.secret] : [held.current];
}

/** The source's signing secrets now, current first: held ones, or its Secrets Manager secret's (cached by `secrets`). */
export function secretsOf(
  source: Pick<PreparedSource, 'secrets'>,
  secrets: SecretSource,
  nowMs: number,
): Promise<readonly string[]> {
  return 'held' in source.secrets
    ? Promise.resolve(heldSecrets(source.secrets.held, nowMs))
    : secrets.getSecrets(source.secrets.secretId);
}

/** The source's verify token for a GET subscription check (Meta), if it has one. */
export function verifyTokenOf(source: PreparedSource, secrets: SecretSource): Promise<string | undefined> {
  return 'held' in source.secrets
    ? Promise.resolve(source.secrets.held.verifyToken)
    : secrets.getVerifyToken(source.secrets.secretId);
}
