/**
 * Tenant sources without AWS: an in-memory repository with the DynamoDB adapter's semantics (conditional create,
 * versioned modify, pages by id), a cipher that binds a ciphertext to its (tenant, source) as the KMS encryption
 * context does, and a resolver wired to both, counting its reads. Also a deterministic random source.
 */
import { createHash } from 'node:crypto';
import { silentLog } from '../../lambdas/core/kernel/log';
import type { TenantSource } from '../../lambdas/core/inbound/tenant-sources/model';
import type {
  SourcePage,
  SourceSecretCipher,
  SourceSecretContext,
  TenantSourceRepository,
} from '../../lambdas/core/inbound/tenant-sources/ports';
import { TenantSourceResolver, type ResolverOptions } from '../../lambdas/core/inbound/tenant-sources/resolve';
import { TEST_QUEUES } from './webhook';

export class FakeTenantSources implements TenantSourceRepository {
  readonly items = new Map<string, TenantSource>();
  /** Every `get`, for tests that count what reached the table. */
  gets = 0;
  /** Makes `get` reject, as an unreachable table would. */
  failing = false;

  private key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

  async create(source: TenantSource): Promise<boolean> {
    const key = this.key(source.tenantId, source.id);
    if (this.items.has(key)) return false;
    this.items.set(key, structuredClone(source));
    return true;
  }

  async get(tenantId: string, id: string): Promise<TenantSource | undefined> {
    this.gets++;
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    const found = this.items.get(this.key(tenantId, id));
    return found && structuredClone(found);
  }

  async list(tenantId: string, page: { limit: number; after?: string | undefined }): Promise<SourcePage> {
    const all = [...this.items.values()]
      .filter((s) => s.tenantId === tenantId && (page.after === undefined || s.id > page.after))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const sources = all.slice(0, page.limit);
    return { sources, ...(all.length > page.limit && { next: sources.at(-1)!.id }) };
  }

  async modify(
    tenantId: string,
    id: string,
    change: (source: TenantSource) => Promise<TenantSource>,
  ): Promise<TenantSource | undefined> {
    const current = this.items.get(this.key(tenantId, id));
    if (!current) return undefined;
    const next = await change(structuredClone(current));
    this.items.set(this.key(tenantId, id), structuredClone(next));
    return next;
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    return this.items.delete(this.key(tenantId, id));
  }
}

/** Not encryption: a reversible wrapping bound to its context, so a ciphertext moved to another source fails. */
export class FakeSourceCipher implements SourceSecretCipher {
  decrypts = 0;

  async encrypt(plaintext: string, context: SourceSecretContext): Promise<string> {
    return `${tag(context)}:${Buffer.from(plaintext).toString('base64')}`;
  }

  async decrypt(ciphertext: string, context: SourceSecretContext): Promise<string> {
    this.decrypts++;
    const [bound, body] = ciphertext.split(':');
    if (bound !== tag(context)) throw new Error('InvalidCiphertextException');
    return Buffer.from(body!, 'base64').toString('utf8');
  }
}

const tag = (c: SourceSecretContext) => createHash('sha256').update(`${c.tenantId}/${c.sourceId}`).digest('hex');

/** Bytes from a counter: every call different, every run the same. */
export function countingRandom(): (bytes: number) => Buffer {
  let n = 0;
  return (bytes) => createHash('sha512').update(String(n++)).digest().subarray(0, bytes);
}

/** A resolver over `repository`, its cipher and a manual clock, with the test queues. */
export function testResolver(
  repository: FakeTenantSources,
  cipher: FakeSourceCipher,
  clock: () => number,
  options: Partial<ResolverOptions> = {},
): TenantSourceResolver {
  return new TenantSourceResolver({
    repository,
    cipher,
    queueUrl: TEST_QUEUES.sharedUrl,
    clock,
    ttlMs: 30_000,
    missesPerSecond: 50,
    log: silentLog,
    ...options,
  });
}
