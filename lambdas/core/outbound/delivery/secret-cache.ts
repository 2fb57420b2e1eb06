/**
 * A bounded, per-container cache of decrypted endpoint secrets, as a decorator over the `SecretCipher` port
 * (decision 0013). Without it every delivery attempt paid a KMS `Decrypt`, the largest line of the outbound cost.
 *
 * - Keyed by the encryption context AND the ciphertext: a rotated secret is a new ciphertext (a miss), and a
 *   ciphertext asked for under another (tenant, endpoint) is never answered from the cache: it goes to the
 *   inner cipher, which refuses it as KMS does.
 * - An entry lives `ttlMs` from the decrypt that filled it (5 min by default, the AWS Parameters and Secrets
 *   Lambda extension's default), whether or not it is read meanwhile; at most `maxEntries`, least recently used
 *   evicted first. Expired entries are dropped at the next miss.
 * - Concurrent decrypts of the same key share one call (a batch of deliveries to one endpoint decrypts once).
 *   A failed decrypt is not cached: the next call asks again.
 * - `encrypt` is passed through; nothing is logged here, and plaintext never leaves the entry it is kept in.
 */
import type { Clock } from '../../kernel/ports';
import type { SecretCipher, SecretContext } from '../ports';

export interface SecretCacheOptions {
  /** How long a decrypted secret is served from memory. @default 300_000 (5 min) */
  readonly ttlMs?: number;
  /** At most this many secrets in memory. @default 500 */
  readonly maxEntries?: number;
  /** @default Date.now */
  readonly now?: Clock;
}

export const DEFAULT_SECRET_CACHE_TTL_MS = 5 * 60_000;
export const DEFAULT_SECRET_CACHE_ENTRIES = 500;

interface Entry {
  readonly plaintext: Promise<string>;
  readonly expiresAt: number;
}

/**
 * @example
 * const cipher = new CachingSecretCipher(new KmsSecretCipher(kms, keyId)); // built once per container
 */
export class CachingSecretCipher implements SecretCipher {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: Clock;
  /** Calls answered from memory, and calls that went to the inner cipher (for tests and benches; no secrets). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: SecretCipher,
    options: SecretCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_SECRET_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_SECRET_CACHE_ENTRIES;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs > 0) || !Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError('ttlMs must be positive and maxEntries a positive integer');
  }

  /** The number of secrets held now (expired ones included until the next miss drops them). */
  get size(): number {
    return this.entries.size;
  }

  encrypt(plaintext: string, context: SecretContext): Promise<string> {
    return this.inner.encrypt(plaintext, context);
  }

  decrypt(ciphertext: string, context: SecretContext): Promise<string> {
    const key = JSON.stringify([context.tenantId, context.endpointId, ciphertext]);
    const nowMs = this.now();
    const found = this.entries.get(key);
    if (found !== undefined && found.expiresAt > nowMs) {
      this.hits++;
      this.entries.delete(key); // re-inserted: Map order is least recently used first
      this.entries.set(key, found);
      return found.plaintext;
    }
    this.misses++;
    this.dropExpired(nowMs);
    const plaintext = this.inner.decrypt(ciphertext, context);
    const entry = { plaintext, expiresAt: nowMs + this.ttlMs };
    this.entries.set(key, entry);
    plaintext.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return plaintext;
  }

  private dropExpired(nowMs: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= nowMs) this.entries.delete(key);
  }
}
