/**
 * SecretSource on Secrets Manager, cached per secret for a short TTL so the hot path makes no call.
 * The secret value is JSON `{"current": "...", "previous": "..."}` (previous optional, for rotation)
 * or a plain string.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock, SecretSource } from '../core/ports';
import { parseSecretValue } from '../core/secret-value';

export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, { expiresAt: number; value: Promise<readonly string[]> }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly ttlMs: number,
    private readonly clock: Clock = Date.now,
  ) {}

  getSecrets(secretId: string): Promise<readonly string[]> {
    const now = this.clock();
    const hit = this.cache.get(secretId);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = this.load(secretId);
    this.cache.set(secretId, { expiresAt: now + this.ttlMs, value });
    // A failed load is not cached: the next request tries again.
    value.catch(() => this.cache.delete(secretId));
    return value;
  }

  private async load(secretId: string): Promise<readonly string[]> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseSecretValue(out.SecretString ?? '');
  }
}
