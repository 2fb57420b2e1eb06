/**
 * Receiver credentials in an endpoint's extra headers are sealed like its signing secrets: stored as ciphertexts
 * bound to the endpoint, opened by the worker at send time through the same per-container cache, and only ever
 * shown by name. An endpoint stored before headers were sealed keeps sending its plaintext headers.
 */
import { describe, expect, it } from 'vitest';
import { deliver } from '../../../../lambdas/core/outbound/delivery/attempt';
import { CachingSecretCipher } from '../../../../lambdas/core/outbound/delivery/secret-cache';
import {
  headerNames,
  openHeaders,
  sealHeaders,
  sealLegacyHeaders,
} from '../../../../lambdas/core/outbound/delivery/sealed-headers';
import type { SecretCipher } from '../../../../lambdas/core/outbound/ports';
import { deliveryFixture, endpoint, ENDPOINT_ID, fakeCipher, TENANT } from '../../../helpers/outbound';

const CONTEXT = { tenantId: TENANT, endpointId: ENDPOINT_ID };
const BEARER = 'Bearer rcv_live_0123456789';

describe('sealHeaders() and openHeaders()', () => {
  it('seal each value under the endpoint context and open them back; the names stay readable', async () => {
    const sealed = await sealHeaders({ authorization: BEARER, 'x-api-key': 'k1' }, fakeCipher, CONTEXT);

    expect(Object.keys(sealed)).toEqual(['authorization', 'x-api-key']);
    expect(JSON.stringify(sealed)).not.toContain(BEARER);
    expect(await openHeaders({ ...CONTEXT, sealedHeaders: sealed }, fakeCipher)).toEqual({
      authorization: BEARER,
      'x-api-key': 'k1',
    });
  });

  it('will not open a value sealed for another endpoint (a copied ciphertext)', async () => {
    const sealed = await sealHeaders({ authorization: BEARER }, fakeCipher, CONTEXT);

    await expect(
      openHeaders({ tenantId: TENANT, endpointId: 'ep_2', sealedHeaders: sealed }, fakeCipher),
    ).rejects.toThrow('InvalidCiphertextException');
  });

  it('sealLegacyHeaders() seals the plaintext headers of an endpoint stored before they were sealed', async () => {
    const legacy = endpoint({ sealedHeaders: undefined, headers: { authorization: BEARER } });

    const migrated = await sealLegacyHeaders(legacy, fakeCipher);

    expect(migrated).not.toHaveProperty('headers');
    expect(JSON.stringify(migrated)).not.toContain(BEARER);
    expect(await openHeaders(migrated, fakeCipher)).toEqual({ authorization: BEARER });
    expect(headerNames(legacy)).toEqual(headerNames(migrated));
  });
});

describe('deliver() sends the headers opened at send time', () => {
  it('sends a sealed credential in plaintext to the receiver, and nowhere else', async () => {
    const sealedHeaders = await sealHeaders({ authorization: BEARER }, fakeCipher, CONTEXT);
    const { job, deps, sender, deliveries, log } = deliveryFixture({ endpoint: { sealedHeaders } });

    await deliver(job, deps);

    expect(sender.requests[0]!.headers.authorization).toBe(BEARER);
    expect(JSON.stringify([deliveries.attempts, [...deliveries.deliveries.values()], log.lines])).not.toContain(
      'rcv_live',
    );
  });

  it('sends the plaintext headers of an endpoint stored before headers were sealed, as they are', async () => {
    const { job, deps, sender } = deliveryFixture({
      endpoint: { sealedHeaders: undefined, headers: { authorization: BEARER } },
    });

    await deliver(job, deps);

    expect(sender.requests[0]!.headers.authorization).toBe(BEARER);
  });

  it('opens them through the cached cipher: a warm container sends again without a decrypt', async () => {
    let decrypts = 0;
    const counting: SecretCipher = {
      encrypt: fakeCipher.encrypt,
      decrypt: (c, ctx) => (decrypts++, fakeCipher.decrypt(c, ctx)),
    };
    const cipher = new CachingSecretCipher(counting);
    const sealedHeaders = await sealHeaders({ authorization: BEARER }, fakeCipher, CONTEXT);
    const first = deliveryFixture({ endpoint: { sealedHeaders } });
    const second = deliveryFixture({ endpoint: { sealedHeaders } });

    await deliver(first.job, { ...first.deps, cipher });
    const afterFirst = decrypts;
    await deliver(second.job, { ...second.deps, cipher });

    expect(afterFirst).toBe(2); // the signing secret and the header
    expect(decrypts).toBe(afterFirst);
    expect(second.sender.requests[0]!.headers.authorization).toBe(BEARER);
  });
});
