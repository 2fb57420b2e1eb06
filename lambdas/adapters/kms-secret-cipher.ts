/**
 * Endpoint secrets on KMS. `KmsDataKeys` makes and opens the data keys of envelope encryption (envelope-cipher.ts,
 * decision 0027), under the stack's key with a fixed encryption context. `KmsSecretCipher` is how secrets were sealed
 * before: each one an `Encrypt` under the stack's key, bound to its (tenant, endpoint) by the encryption context, so
 * a ciphertext copied to another endpoint's record does not decrypt; it still opens those. Tenant sources' secrets
 * are sealed the same way under their own key, bound to (tenant, source). Decrypt names the key too, so a ciphertext
 * made under another key is refused.
 */
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SourceSecretCipher, SourceSecretContext } from '../core/inbound/tenant-sources/ports';
import type { DataKey, DataKeyService } from '../core/outbound/delivery/envelope-cipher';
import type { SecretCipher, SecretContext } from '../core/outbound/ports';

type Context = SecretContext | SourceSecretContext;

/** The encryption context of every data key: what it is for (the per-endpoint binding is the sealing's). */
export const DATA_KEY_CONTEXT = { purpose: 'outbound-endpoint-secrets' };

export class KmsDataKeys implements DataKeyService {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async generate(): Promise<DataKey> {
    const out = await this.client.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: DATA_KEY_CONTEXT }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: out.Plaintext, ciphertext: Buffer.from(out.CiphertextBlob).toString('base64') };
  }

  async decrypt(ciphertext: string): Promise<Uint8Array> {
    const out = await this.client.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: DATA_KEY_CONTEXT,
      }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    return out.Plaintext;
  }
}

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
