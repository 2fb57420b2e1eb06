/**
 * Envelope encryption of endpoint secrets (decision 0027): one data key shared by every endpoint, sealed per endpoint
 * with AES-GCM, opened with one key-service call per data key and container, rotated, and legacy secrets still open.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EnvelopeSecretCipher,
  type DataKeyService,
  type DataKeyStore,
} from '../../../../lambdas/core/outbound/delivery/envelope-cipher';
import { fakeCipher, NOW } from '../../../helpers/outbound';

const DAY = 86_400_000;

/** A key service whose "ciphertext" names the key in its memory, and counts its calls. */
function fakeKms() {
  const keys = new Map<string, Uint8Array>();
  const calls = { generate: 0, decrypt: 0 };
  const service: DataKeyService = {
    async generate() {
      calls.generate++;
      const plaintext = randomBytes(32);
      const ciphertext = `kms-${keys.size + 1}`;
      keys.set(ciphertext, plaintext);
      return { plaintext, ciphertext };
    },
    async decrypt(ciphertext) {
      calls.decrypt++;
      const key = keys.get(ciphertext);
      if (!key) throw new Error('InvalidCiphertextException');
      return key;
    },
  };
  return { service, calls };
}

function memoryStore(): DataKeyStore & { value?: { ciphertext: string; createdAt: number } } {
  const store: DataKeyStore & { value?: { ciphertext: string; createdAt: number } } = {
    async current() {
      return store.value;
    },
    async replace(next, seen) {
      if ((store.value?.createdAt ?? undefined) !== seen) return false;
      store.value = next;
      return true;
    },
  };
  return store;
}

const ep = (endpointId: string) => ({ tenantId: 'acme', endpointId });

describe('EnvelopeSecretCipher', () => {
  it('seals every endpoint under one data key, and a worker container opens them all with one key-service call', async () => {
    const kms = fakeKms();
    const store = memoryStore();
    let clock = NOW;
    const api = new EnvelopeSecretCipher(kms.service, store, fakeCipher, { now: () => clock });
    const sealed = await Promise.all(['ep_1', 'ep_2', 'ep_3'].map((e) => api.encrypt(`whsec_${e}`, ep(e))));
    expect(kms.calls.generate).toBe(1);

    const worker = new EnvelopeSecretCipher(kms.service, store, fakeCipher, { now: () => clock });
    const opened = await Promise.all(sealed.map((c, i) => worker.decrypt(c, ep(`ep_${i + 1}`))));

    expect(opened).toEqual(['whsec_ep_1', 'whsec_ep_2', 'whsec_ep_3']);
    expect(kms.calls.decrypt).toBe(1);
    clock += 5 * 60_000; // the plaintext data key is kept 5 minutes
    await worker.decrypt(sealed[0]!, ep('ep_1'));
    expect(kms.calls.decrypt).toBe(2);
  });

  it('a secret sealed for one endpoint does not open for another', async () => {
    const kms = fakeKms();
    const cipher = new EnvelopeSecretCipher(kms.service, memoryStore(), fakeCipher);
    const sealed = await cipher.encrypt('whsec_1', ep('ep_1'));

    expect(sealed).toMatch(/^env1:/);
    expect(sealed).not.toContain('whsec_1');
    await expect(cipher.decrypt(sealed, ep('ep_2'))).rejects.toThrow();
  });

  it('opens a secret sealed before envelopes with the legacy cipher', async () => {
    const legacy = await fakeCipher.encrypt('whsec_old', ep('ep_1'));
    const cipher = new EnvelopeSecretCipher(fakeKms().service, memoryStore(), fakeCipher);

    expect(await cipher.decrypt(legacy, ep('ep_1'))).toBe('whsec_old');
  });

  it('makes a new data key after the rotation period; secrets sealed under the old one still open', async () => {
    const kms = fakeKms();
    const store = memoryStore();
    let clock = NOW;
    const cipher = new EnvelopeSecretCipher(kms.service, store, fakeCipher, { now: () => clock, rotateAfterMs: DAY });
    const before = await cipher.encrypt('whsec_a', ep('ep_1'));
    clock += DAY;

    const after = await cipher.encrypt('whsec_b', ep('ep_2'));

    expect(kms.calls.generate).toBe(2);
    expect(before.split(':')[1]).not.toBe(after.split(':')[1]);
    expect(await cipher.decrypt(before, ep('ep_1'))).toBe('whsec_a');
  });

  it('two containers making the first data key at once agree on one', async () => {
    const kms = fakeKms();
    const store = memoryStore();
    const [a, b] = [
      new EnvelopeSecretCipher(kms.service, store, fakeCipher),
      new EnvelopeSecretCipher(kms.service, store, fakeCipher),
    ];
    const [sa, sb] = await Promise.all([a.encrypt('x', ep('ep_1')), b.encrypt('y', ep('ep_2'))]);

    expect(sa.split(':')[1]).toBe(store.value!.ciphertext);
    expect(sb.split(':')[1]).toBe(store.value!.ciphertext);
  });
});
