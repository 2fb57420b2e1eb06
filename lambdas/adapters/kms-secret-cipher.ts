/**
 * SecretCipher on KMS: each endpoint secret is one `Encrypt` under the stack's key, bound to its (tenant, endpoint)
 * by the encryption context, so a ciphertext copied to another endpoint's record does not decrypt. Tenant sources'
 * secrets are sealed the same way under their own key, bound to (tenant, source). One key for
 * every endpoint rather than a Secrets Manager secret each (cost). Decrypt names the key too, so a
 * ciphertext made under another key is refused.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SourceSecretCipher, SourceSecretContext } from '../core/inbound/tenant-sources/ports';
import type { SecretCipher, SecretContext } from '../core/outbound/ports';

type Context = SecretContext | SourceSecretContext;

export class KmsSecretCipher implements SecretCipher, SourceSecretCipher {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async encrypt(plaintext: string, context: Context): Promise<string> {
    const out = await this.client.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: encryptionContext(context),
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
    return Buffer.from(out.CiphertextBlob).toString('base64');
  }

  async decrypt(ciphertext: string, context: Context): Promise<string> {
    const out = await this.client.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: encryptionContext(context),
      }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
}

function encryptionContext(context: Context): Record<string, string> {
  return 'endpointId' in context
    ? { tenantId: context.tenantId, endpointId: context.endpointId }
    : { tenantId: context.tenantId, sourceId: context.sourceId };
}
