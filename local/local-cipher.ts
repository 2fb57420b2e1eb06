/**
 * The local stack's stand-in for KMS: AES-256-GCM under a key kept in the data directory (or in memory), with the
 * (tenant, endpoint) or (tenant, source) as additional authenticated data, so, as with a KMS encryption context, a
 * ciphertext copied to another endpoint or source does not decrypt. Secrets are never stored in plaintext, locally either.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceSecretCipher, SourceSecretContext } from '../lambdas/core/inbound/tenant-sources/ports';
import { boundTo, open, seal } from '../lambdas/core/outbound/delivery/aead';
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
    return seal(this.key, plaintext, aad(context));
  }

  async decrypt(ciphertext: string, context: Context): Promise<string> {
    return open(this.key, ciphertext, aad(context));
  }
}

/** An endpoint's binding is the envelope's (aead.ts `boundTo`); a source's names it as one. */
const aad = (c: Context) =>
  'endpointId' in c ? boundTo(c) : Buffer.from(JSON.stringify(['source', c.tenantId, c.sourceId]));
