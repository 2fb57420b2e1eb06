import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DATA_KEY_CONTEXT, KmsDataKeys, KmsSecretCipher } from '../../lambdas/adapters/kms-secret-cipher';

const kms = mockClient(KMSClient);
const context = { tenantId: 'acme', endpointId: 'ep_1' };

describe('KmsSecretCipher', () => {
  beforeEach(() => kms.reset());

  it('encrypt() binds the ciphertext to the endpoint with the encryption context and returns it as base64', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed') });
    const cipher = new KmsSecretCipher(new KMSClient({ region: 'us-east-1' }), 'alias/outbound');

    expect(await cipher.encrypt('whsec_x', context)).toBe(Buffer.from('sealed').toString('base64'));
    const input = kms.commandCalls(EncryptCommand)[0]!.args[0].input;
    expect(input.KeyId).toBe('alias/outbound');
    expect(input.EncryptionContext).toEqual({ tenantId: 'acme', endpointId: 'ep_1' });
    expect(Buffer.from(input.Plaintext!).toString()).toBe('whsec_x');
  });

  it('decrypt() sends the same context and the key, so a ciphertext from another endpoint or key is refused by KMS', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('whsec_x') });
    const cipher = new KmsSecretCipher(new KMSClient({ region: 'us-east-1' }), 'alias/outbound');

    expect(await cipher.decrypt(Buffer.from('sealed').toString('base64'), context)).toBe('whsec_x');
    const input = kms.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      KeyId: 'alias/outbound',
      EncryptionContext: { tenantId: 'acme', endpointId: 'ep_1' },
    });
    expect(Buffer.from(input.CiphertextBlob!).toString()).toBe('sealed');
  });

  it("binds a tenant source's sealed secrets to (tenant, source), not to an endpoint", async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('{"current":"s"}') });
    const cipher = new KmsSecretCipher(new KMSClient({ region: 'us-east-1' }), 'alias/sources');
    const source = { tenantId: 'acme', sourceId: 'github' };

    await cipher.encrypt('{"current":"s"}', source);
    await cipher.decrypt('c2VhbGVk', source);

    for (const call of [...kms.commandCalls(EncryptCommand), ...kms.commandCalls(DecryptCommand)])
      expect(call.args[0].input.EncryptionContext).toEqual({ tenantId: 'acme', sourceId: 'github' });
  });

  it('a KMS refusal propagates (the delivery step fails and is retried; nothing is sent unsigned)', async () => {
    kms.on(DecryptCommand).rejects(new Error('InvalidCiphertextException'));
    const cipher = new KmsSecretCipher(new KMSClient({ region: 'us-east-1' }), 'k');
    await expect(cipher.decrypt('eA==', context)).rejects.toThrow('InvalidCiphertextException');
  });
});

describe('KmsDataKeys', () => {
  beforeEach(() => kms.reset());

  it('generate() asks for an AES-256 data key under the stack key, with the data key encryption context', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: Buffer.alloc(32, 1), CiphertextBlob: Buffer.from('wrapped') });
    const keys = new KmsDataKeys(new KMSClient({ region: 'us-east-1' }), 'alias/outbound');

    expect(await keys.generate()).toEqual({
      plaintext: Buffer.alloc(32, 1),
      ciphertext: Buffer.from('wrapped').toString('base64'),
    });
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({
      KeyId: 'alias/outbound',
      KeySpec: 'AES_256',
      EncryptionContext: DATA_KEY_CONTEXT,
    });
  });

  it('decrypt() opens a data key under the same key and context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.alloc(32, 2) });
    const keys = new KmsDataKeys(new KMSClient({ region: 'us-east-1' }), 'alias/outbound');

    expect(await keys.decrypt(Buffer.from('wrapped').toString('base64'))).toEqual(Buffer.alloc(32, 2));
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input).toMatchObject({
      KeyId: 'alias/outbound',
      EncryptionContext: DATA_KEY_CONTEXT,
    });
  });
});
