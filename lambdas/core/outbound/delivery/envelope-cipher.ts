/**
 * Endpoint secrets under envelope encryption (decision 0027): each secret is sealed with AES-256-GCM under a data key
 * that every endpoint shares, bound to its (tenant, endpoint) as associated data; the data key itself is encrypted by
 * the key service (KMS) and its ciphertext travels with every secret it sealed. A worker container then pays one KMS
 * `Decrypt` per data key per `cacheMs`, not one per endpoint: $0.86 per million deliveries at the cost model's fleet
 * became about a cent.
 *
 * - The current data key's ciphertext is kept in one place every encrypter reads (`DataKeyStore`: the outbound
 *   table), so all API containers seal with the same key; it is replaced after `rotateAfterMs` (compare-and-set on
 *   its creation time, so concurrent containers agree on one). Old secrets keep their own key's ciphertext and open.
 * - A ciphertext made before envelopes (direct KMS, no `env1:` prefix) is opened by the `legacy` cipher, so existing
 *   endpoints need no migration; rotating a secret seals it the new way.
 * - Plaintext data keys stay in memory for `cacheMs` at most, like decrypted secrets (decision 0013).
 */
import type { Clock } from '../../kernel/ports';
import type { SecretCipher, SecretContext } from '../ports';
import { boundTo, open, seal } from './aead';

/** A data key: its plaintext (memory only) and its ciphertext under the key service's key (stored). */
export interface DataKey {
  readonly plaintext: Uint8Array;
  readonly ciphertext: string;
}

/** The key service (KMS deployed): makes data keys and opens their ciphertexts. */
export interface DataKeyService {
  generate(): Promise<DataKey>;
  decrypt(ciphertext: string): Promise<Uint8Array>;
}

/** Where the current data key's ciphertext is shared between encrypters. */
export interface DataKeyStore {
  current(): Promise<{ readonly ciphertext: string; readonly createdAt: number } | undefined>;
  /** Makes `next` current if the current one is still the one created at `seenCreatedAt` (none: absent); false otherwise. */
  replace(next: { readonly ciphertext: string; readonly createdAt: number }, seenCreatedAt?: number): Promise<boolean>;
}

export interface EnvelopeOptions {
  /** A data key seals new secrets for this long. @default 90 days */
  readonly rotateAfterMs?: number;
  /** Plaintext data keys are kept in memory this long. @default 5 min */
  readonly cacheMs?: number;
  /** @default Date.now */
  readonly now?: Clock;
}

const PREFIX = 'env1:';

export class EnvelopeSecretCipher implements SecretCipher {
  private readonly keys = new Map<string, { plaintext: Promise<Uint8Array>; until: number }>();
  private current: { key: Promise<DataKey>; until: number } | undefined;
  private readonly rotateAfterMs: number;
  private readonly cacheMs: number;
  private readonly now: Clock;
  /** Calls to the key service (for tests and benches). */
  generated = 0;
  decrypted = 0;

  constructor(
    private readonly service: DataKeyService,
    private readonly store: DataKeyStore,
    private readonly legacy: SecretCipher,
    options: EnvelopeOptions = {},
  ) {
    this.rotateAfterMs = options.rotateAfterMs ?? 90 * 86_400_000;
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    const key = await this.currentKey();
    return `${PREFIX}${key.ciphertext}:${seal(key.plaintext, plaintext, boundTo(context))}`;
  }

  async decrypt(ciphertext: string, context: SecretContext): Promise<string> {
    if (!ciphertext.startsWith(PREFIX)) return this.legacy.decrypt(ciphertext, context);
    const [keyCiphertext = '', sealed = ''] = ciphertext.slice(PREFIX.length).split(':');
    return open(await this.dataKey(keyCiphertext), sealed, boundTo(context));
  }

  /** The plaintext of a data key, from memory while it is fresh; concurrent askers share one call. */
  private dataKey(ciphertext: string): Promise<Uint8Array> {
    const now = this.now();
    const cached = this.keys.get(ciphertext);
    if (cached && cached.until > now) return cached.plaintext;
    for (const [k, v] of this.keys) if (v.until <= now) this.keys.delete(k);
    this.decrypted++;
    const plaintext = this.service.decrypt(ciphertext);
    this.keys.set(ciphertext, { plaintext, until: now + this.cacheMs });
    plaintext.catch(() => this.keys.delete(ciphertext)); // a failure is not remembered
    return plaintext;
  }

  private currentKey(): Promise<DataKey> {
    const now = this.now();
    if (this.current && this.current.until > now) return this.current.key;
    const key = this.loadOrCreate(now);
    this.current = { key, until: now + this.cacheMs };
    key.catch(() => (this.current = undefined));
    return key;
  }

  private async loadOrCreate(now: number): Promise<DataKey> {
    for (let round = 0; round < 3; round++) {
      const stored = await this.store.current();
      if (stored && now - stored.createdAt < this.rotateAfterMs)
        return { ciphertext: stored.ciphertext, plaintext: await this.dataKey(stored.ciphertext) };
      this.generated++;
      const made = await this.service.generate();
      if (await this.store.replace({ ciphertext: made.ciphertext, createdAt: now }, stored?.createdAt)) return made;
      // Another container made one first: use that one.
    }
    throw new Error('the current data key kept changing');
  }
}
