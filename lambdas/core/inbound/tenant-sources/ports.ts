/** The ports tenant sources depend on: where they are stored, and how their secrets are sealed. */
import type { TenantSource } from './model';

/** Binds a sealed secret to its source (the KMS encryption context), so a ciphertext copied elsewhere does not open. */
export interface SourceSecretContext {
  readonly tenantId: string;
  readonly sourceId: string;
}

/** Encrypts tenant sources' secrets at rest (KMS in AWS, AES-GCM in the local stack). */
export interface SourceSecretCipher {
  encrypt(plaintext: string, context: SourceSecretContext): Promise<string>;
  decrypt(ciphertext: string, context: SourceSecretContext): Promise<string>;
}

export interface SourcePage {
  readonly sources: readonly TenantSource[];
  /** The id to continue after, when there are more. */
  readonly next?: string | undefined;
}

export interface TenantSourceRepository {
  /** Stores a new source; false when the tenant already has one with this id. */
  create(source: TenantSource): Promise<boolean>;
  /** Read by the verifier on a cache miss: eventually consistent is enough (its cache is older anyway). */
  get(tenantId: string, id: string, consistent?: boolean): Promise<TenantSource | undefined>;
  /** A tenant's sources by id, `limit` at a time, after the id `after`. */
  list(tenantId: string, page: { readonly limit: number; readonly after?: string | undefined }): Promise<SourcePage>;
  /** Reads, changes and writes back, retrying when another change came in between; undefined when absent. */
  modify(
    tenantId: string,
    id: string,
    change: (source: TenantSource) => Promise<TenantSource>,
  ): Promise<TenantSource | undefined>;
  /** False when absent. */
  remove(tenantId: string, id: string): Promise<boolean>;
}
