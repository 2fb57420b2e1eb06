/**
 * The local stack's stand-in for KMS: AES-256-GCM under a key kept in the data directory (or in memory), with the
 * (tenant, endpoint) as additional authenticated data, so, as with a KMS encryption context, a ciphertext copied
 * to another endpoint does not decrypt. Secrets are never stored in plaintext, locally either.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { boundTo, open, seal } from '../lambdas/core/outbound/delivery/aead';
import type { SecretCipher, SecretContext } from '../lambdas/core/outbound/ports';

export class LocalSecretCipher implements SecretCipher {
  private constructor(private readonly key: Buffer) {}

  /** A cipher whose key lives at `keyPath` (created with mode 600 on first use), or only in memory. */
  static open(keyPath?: string): LocalSecretCipher {
    if (keyPath === undefined) return new LocalSecretCipher(randomBytes(32));
    if (!existsSync(keyPath)) {
      mkdirSync(dirname(keyPath), { recursive: true });
      writeFileSync(keyPath, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    return new LocalSecretCipher(Buffer.from(readFileSync(keyPath, 'utf8'), 'base64'));
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    return seal(this.key, plaintext, boundTo(context));
  }

  async decrypt(ciphertext: string, context: SecretContext): Promise<string> {
    return open(this.key, ciphertext, boundTo(context));
  }
}
