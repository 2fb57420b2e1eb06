import { describe, expect, it } from 'vitest';
import type { SecretCipher, SecretContext } from '../../../../lambdas/core/outbound/ports';
import { CachingSecretCipher } from '../../../../lambdas/core/outbound/delivery/secret-cache';
import { fakeCipher, NOW, SECRET } from '../../../helpers/outbound';

const ACME = { tenantId: 'acme', endpointId: 'ep_1' };
const OTHER = { tenantId: 'acme', endpointId: 'ep_2' };

/** fakeCipher (refuses another context, as KMS does) that counts the decrypts reaching it. */
function counting(): SecretCipher & { decrypts: string[] } {
  const decrypts: string[] = [];
  return {
    decrypts,
    encrypt: fakeCipher.encrypt,
    decrypt: async (ciphertext: string, context: SecretContext) => (
      decrypts.push(ciphertext), fakeCipher.decrypt(ciphertext, context)
    ),
  };
}

function setUp(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let clock = NOW;
  const inner = counting();
  const cache = new CachingSecretCipher(inner, { ...options, now: () => clock });
  return { inner, cache, advance: (ms: number) => (clock += ms) };
}

describe('CachingSecretCipher', () => {
  it('decrypt() answers a second call for the same ciphertext and context from memory', async () => {
    const { inner, cache } = setUp();
    const sealed = await fakeCipher.encrypt(SECRET, ACME);

    expect(await cache.decrypt(sealed, ACME)).toBe(SECRET);
    expect(await cache.decrypt(sealed, ACME)).toBe(SECRET);

    expect(inner.decrypts).toHaveLength(1);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 1 });
  });

  it('decrypt() asks the inner cipher again once the entry is older than the TTL, reads or not', async () => {
    const { inner, cache, advance } = setUp({ ttlMs: 60_000 });
    const sealed = await fakeCipher.encrypt(SECRET, ACME);
    await cache.decrypt(sealed, ACME);
    advance(59_999);
    await cache.decrypt(sealed, ACME);
    expect(inner.decrypts).toHaveLength(1);

    advance(1);
    await cache.decrypt(sealed, ACME);

    expect(inner.decrypts).toHaveLength(2);
  });

  it('holds at most maxEntries secrets, evicting the least recently used', async () => {
    const { inner, cache } = setUp({ maxEntries: 2 });
    const [a, b, c] = await Promise.all(
      ['ep_a', 'ep_b', 'ep_c'].map((endpointId) => fakeCipher.encrypt(SECRET, { tenantId: 'acme', endpointId })),
    );
    await cache.decrypt(a!, { tenantId: 'acme', endpointId: 'ep_a' });
    await cache.decrypt(b!, { tenantId: 'acme', endpointId: 'ep_b' });
    await cache.decrypt(a!, { tenantId: 'acme', endpointId: 'ep_a' }); // a is now the most recently used

    await cache.decrypt(c!, { tenantId: 'acme', endpointId: 'ep_c' });

    expect(cache.size).toBe(2);
    await cache.decrypt(a!, { tenantId: 'acme', endpointId: 'ep_a' });
    expect(inner.decrypts).toEqual([a, b, c]); // a stayed
    await cache.decrypt(b!, { tenantId: 'acme', endpointId: 'ep_b' });
    expect(inner.decrypts).toEqual([a, b, c, b]); // b was evicted
  });

  it('never serves a ciphertext cached under one context to a call with another', async () => {
    const { inner, cache } = setUp();
    const sealed = await fakeCipher.encrypt(SECRET, ACME);
    await cache.decrypt(sealed, ACME);

    await expect(cache.decrypt(sealed, OTHER)).rejects.toThrow('InvalidCiphertextException');

    expect(inner.decrypts).toHaveLength(2);
  });

  it('a rotated secret is a new ciphertext: a miss, never the old plaintext', async () => {
    const { cache } = setUp();
    const rotated = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    await cache.decrypt(await fakeCipher.encrypt(SECRET, ACME), ACME);

    expect(await cache.decrypt(await fakeCipher.encrypt(rotated, ACME), ACME)).toBe(rotated);
  });

  it('concurrent decrypts of one secret share a single call', async () => {
    const { inner, cache } = setUp();
    const sealed = await fakeCipher.encrypt(SECRET, ACME);

    const all = await Promise.all(Array.from({ length: 10 }, () => cache.decrypt(sealed, ACME)));

    expect(new Set(all)).toEqual(new Set([SECRET]));
    expect(inner.decrypts).toHaveLength(1);
  });

  it('does not cache a failed decrypt: the next call asks again', async () => {
    let fail = true;
    const inner = counting();
    const flaky: SecretCipher = {
      encrypt: inner.encrypt,
      decrypt: async (c, ctx) => (fail ? Promise.reject(new Error('ThrottlingException')) : inner.decrypt(c, ctx)),
    };
    const cache = new CachingSecretCipher(flaky);
    const sealed = await fakeCipher.encrypt(SECRET, ACME);
    await expect(cache.decrypt(sealed, ACME)).rejects.toThrow('ThrottlingException');

    fail = false;

    expect(await cache.decrypt(sealed, ACME)).toBe(SECRET);
    expect(cache.size).toBe(1);
  });

  it('encrypt() is passed through and keeps nothing', async () => {
    const { cache } = setUp();

    expect(await cache.encrypt(SECRET, ACME)).toBe(await fakeCipher.encrypt(SECRET, ACME));
    expect(cache.size).toBe(0);
  });

  it('refuses a TTL or a bound that would make it useless or unbounded', () => {
    expect(() => new CachingSecretCipher(fakeCipher, { ttlMs: 0 })).toThrow(RangeError);
    expect(() => new CachingSecretCipher(fakeCipher, { maxEntries: 0 })).toThrow(RangeError);
    expect(() => new CachingSecretCipher(fakeCipher, { maxEntries: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});
