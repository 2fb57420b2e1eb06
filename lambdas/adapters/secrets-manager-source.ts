/**
 * SecretSource on Secrets Manager, cached per secret for a short TTL so the hot path makes no call.
 * The secret value is JSON `{"current": "...", "previous": "...", "verifyToken": "..."}` (previous
 * optional, for rotation; verifyToken only for Meta's GET subscription check) or a plain string.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '../core/inbound/ports';
import type { Clock } from '../core/kernel/ports';
import { parseSecretValue, parseVerifyToken } from '../core/inbound/secret-value';

export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, { expiresAt: number; value: Promise<string> }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly ttlMs: number,
    private readonly clock: Clock = Date.now,
  ) {}

  async getSecrets(secretId: string): Promise<readonly string[]> {
    return parseSecretValue(await this.text(secretId));
  }

  async getVerifyToken(secretId: string): Promise<string | undefined> {
    return parseVerifyToken(await this.text(secretId));
  }

  private text(secretId: string): Promise<string> {
    const now = this.clock();
    const hit = this.cache.get(secretId);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = this.load(secretId);
    this.cache.set(secretId, { expiresAt: now + this.ttlMs, value });
    // A failed load is not cached: the next request tries again.
    value.catch(() => this.cache.delete(secretId));
    return value;
  }

  private async load(secretId: string): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return out.SecretString ?? '';
  }
}
