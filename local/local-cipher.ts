/**
 * The local stack's stand-in for KMS: AES-256-GCM under a key kept in the data directory (or in memory), with the
 * (tenant, endpoint) or (tenant, source) as additional authenticated data, so, as with a KMS encryption context, a
 * ciphertext copied to another endpoint or source does not decrypt. Secrets are never stored in plaintext, locally either.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceSecretCipher, SourceSecretContext } from '../lambdas/core/inbound/tenant-sources/ports';
import type { SecretCipher, SecretContext } from '../lambdas/core/outbound/ports';

type Context = SecretContext | SourceSecretContext;

export class LocalSecretCipher implements SecretCipher, SourceSecretCipher {
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

  async encrypt(plaintext: string, context: Context): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(aad(context));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  async decrypt(ciphertext: string, context: Context): Promise<string> {
    const bytes = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12)).setAAD(aad(context));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  }
}

const aad = (c: Context) =>
  Buffer.from(JSON.stringify('endpointId' in c ? [c.tenantId, c.endpointId] : ['source', c.tenantId, c.sourceId]));
