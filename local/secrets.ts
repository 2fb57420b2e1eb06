/**
 * Local signing secrets: an in-memory `SecretSource`, filled from `config/local.ts` and overridable per
 * source with `WEBHOOK_SECRET_<SOURCE_ID>` (in the environment or `.env`). A value may be a plain
 * secret or Secrets Manager's JSON form `{"current": "...", "previous": "..."}` to try a rotation.
 */
import { existsSync } from 'node:fs';
import type { LocalSource } from '../config/local';
import type { SecretSource } from '../lambdas/core/inbound/ports';
import { parseSecretValue, parseVerifyToken } from '../lambdas/core/inbound/secret-value';
import type { Log } from '../lambdas/core/kernel/log';
import { schemes } from '../lambdas/core/signatures/index';

/** The secret id a local config source's secrets are found under (the deployed stack's is `<stack>/webhooks/<id>`). */
export function secretIdFor(sourceId: string): string {
  return `local/webhooks/${sourceId}`;
}

/**
 * The local sources' secrets and Meta verify tokens, each the environment's override or the configured default; a
 * secret its scheme would refuse is warned about, not refused (you may be trying exactly that).
 */
export function localSecretSource(list: readonly LocalSource[], env: NodeJS.ProcessEnv, log: Log): StaticSecretSource {
  const secretEntries = list.map((s) => {
    const secrets = resolveSecrets(s.source.id, s.secret, env);
    for (const secret of secrets) {
      const problem = schemes[s.source.scheme].checkSecret(secret);
      if (problem) log.warn('local secret looks wrong for its scheme', { source: s.source.id, problem });
    }
    return [secretIdFor(s.source.id), secrets] as const;
  });
  const verifyTokens = list.flatMap((s) => {
    const token = resolveVerifyToken(s.source.id, s.verifyToken, env);
    return token === undefined ? [] : [[secretIdFor(s.source.id), token] as const];
  });
  return new StaticSecretSource(secretEntries, verifyTokens);
}

/** `stripe-eu` → `WEBHOOK_SECRET_STRIPE_EU`. */
export function secretEnvName(sourceId: string): string {
  return `WEBHOOK_SECRET_${sourceId.toUpperCase().replaceAll('-', '_')}`;
}

/** Loads `.env` (if present) into process.env without overriding variables already set. */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** A source's secrets, current first: the environment override if set, else the configured default. */
export function resolveSecrets(
  sourceId: string,
  fallback: string,
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] {
  const override = env[secretEnvName(sourceId)];
  return parseSecretValue(override !== undefined && override !== '' ? override : fallback);
}

/** A source's verify token (Meta's GET check): `verifyToken` of a JSON override, else the configured one. */
export function resolveVerifyToken(
  sourceId: string,
  fallback: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const override = env[secretEnvName(sourceId)];
  return (override !== undefined && override !== '' ? parseVerifyToken(override) : undefined) ?? fallback;
}

export class StaticSecretSource implements SecretSource {
  private readonly secrets: ReadonlyMap<string, readonly string[]>;
  private readonly verifyTokens: ReadonlyMap<string, string>;

  constructor(
    secrets: Iterable<readonly [string, readonly string[]]>,
    verifyTokens: Iterable<readonly [string, string]> = [],
  ) {
    this.secrets = new Map(secrets);
    this.verifyTokens = new Map(verifyTokens);
  }

  async getVerifyToken(secretId: string): Promise<string | undefined> {
    return this.verifyTokens.get(secretId);
  }

  async getSecrets(secretId: string): Promise<readonly string[]> {
    const found = this.secrets.get(secretId);
    // Like Secrets Manager's ResourceNotFoundException: a configuration error, surfaced as a 503.
    if (!found) throw new Error(`ResourceNotFoundException: no local secret ${secretId}`);
    return found;
  }
}
