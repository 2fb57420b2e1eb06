/**
 * HMAC (RFC 2104) with the key prepared once.
 *
 * HMAC(K, m) = H((K' ⊕ opad) ‖ H((K' ⊕ ipad) ‖ m)), where K' is K zero-padded to the hash's block
 * size (or H(K) first, when K is longer than a block). The padded key blocks never change for a
 * given secret, so they are built once here. A digest is then two one-shot `crypto.hash` calls (or,
 * for a large message, a copy of the hash state that already absorbed K' ⊕ ipad), instead of
 * `createHmac`, which sets the key up and builds an Hmac stream object on every call. At 1 KiB
 * that is about 12% less time than `createHmac(alg, key).update(…).digest()` (the floor in
 * bench/signatures.ts), which pays for the header parsing and the prefix that every scheme needs
 * on top of the floor. The result is the same bytes as `createHmac`: test/core/signatures/hmac-key
 * checks it for arbitrary keys (shorter than, equal to and longer than a block), messages and all
 * three algorithms, and every scheme's provider vectors pass through it.
 *
 * The prepared blocks are key-derived material, as a KeyObject or an Hmac object would hold; they
 * live in the bounded caches of `cachedKey` and are never logged or serialized.
 */
import { createHash, hash, type Hash } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** Block sizes in bytes: 64 for SHA-1 and SHA-256, 128 for SHA-512. */
const BLOCK_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 64, sha256: 64, sha512: 128 };
/** Digest sizes in bytes: a received signature of another size can be rejected before any HMAC. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };
const IPAD = 0x36;
const OPAD = 0x5c;

/**
 * Messages up to this size are hashed in one `crypto.hash` call over `K' ⊕ ipad ‖ prefix ‖ message
 * ‖ suffix`, assembled in a reused buffer: copying 4 KiB costs less than the Hash object and the
 * separate updates it saves. Larger messages are fed to a copy of the prepared state instead, so
 * the body is never copied. (Measured: bench/signatures.ts, and `.copy()` vs one-shot at 1–16 KiB.)
 */
const ONE_SHOT_LIMIT = 4096;
/** The reused buffer: a block, the message, and room for prefix and suffix at 3 bytes per UTF-16 unit. */
const scratch = Buffer.alloc(128 + ONE_SHOT_LIMIT + 3 * 1024);

export class PreparedHmacKey {
  readonly algorithm: HmacAlgorithm;
  /** K' ⊕ ipad, one block. */
  readonly #innerBlock: Buffer;
  /** K' ⊕ opad followed by room for the inner digest: the outer hash's whole input. */
  readonly #outerInput: Buffer;
  /** The hash state after absorbing K' ⊕ ipad, for messages above ONE_SHOT_LIMIT. */
  readonly #inner: Hash;

  constructor(algorithm: HmacAlgorithm, key: Uint8Array) {
    this.algorithm = algorithm;
    const block = BLOCK_BYTES[algorithm];
    const k = key.byteLength > block ? createHash(algorithm).update(key).digest() : key;
    this.#innerBlock = Buffer.alloc(block, IPAD);
    this.#outerInput = Buffer.alloc(block + DIGEST_BYTES[algorithm]);
    this.#outerInput.fill(OPAD, 0, block);
    for (let i = 0; i < k.byteLength; i++) {
      this.#innerBlock[i] = (this.#innerBlock[i] as number) ^ (k[i] as number);
      this.#outerInput[i] = (this.#outerInput[i] as number) ^ (k[i] as number);
    }
    this.#inner = createHash(algorithm).update(this.#innerBlock);
  }

  /** HMAC of `prefix`, `message` and `suffix`, as if concatenated. */
  digest(prefix: string, message: Uint8Array | string, suffix = ''): Buffer {
    const block = this.#innerBlock.byteLength;
    let innerDigest: Buffer;
    const small = typeof message === 'string' ? 3 * message.length <= ONE_SHOT_LIMIT : message.byteLength <= ONE_SHOT_LIMIT;
    if (small && prefix.length + suffix.length <= 1024) {
      // digest() is synchronous, so one shared buffer serves every key and every call.
      let n = this.#innerBlock.copy(scratch, 0);
      if (prefix !== '') n += scratch.write(prefix, n, 'utf8');
      n += typeof message === 'string' ? scratch.write(message, n, 'utf8') : (scratch.set(message, n), message.byteLength);
      if (suffix !== '') n += scratch.write(suffix, n, 'utf8');
      innerDigest = hash(this.algorithm, scratch.subarray(0, n), 'buffer');
    } else {
      const inner = this.#inner.copy();
      if (prefix !== '') inner.update(prefix);
      inner.update(message);
      if (suffix !== '') inner.update(suffix);
      innerDigest = inner.digest();
    }
    innerDigest.copy(this.#outerInput, block);
    return hash(this.algorithm, this.#outerInput, 'buffer');
  }
}
