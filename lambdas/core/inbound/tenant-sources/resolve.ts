/**
 * The verifier's view of tenant sources: `/webhooks/t/{tenant}/{source}/{token}` → a prepared source, through a
 * per-container cache.
 *
 * - A path that cannot name a source (bad tenant, id or token shape) is unknown at once: no cache, no read.
 * - Found or not, the answer is kept `ttlMs` (at most 60 s): a disabled or deleted source answers 404, and a
 *   rotated secret verifies, within that time. Known sources and unknown paths are kept apart, each bounded, least
 *   recently used dropped first, so a flood of random paths cannot push the real sources out.
 * - A wrong token for a cached source is unknown, compared in constant time, without a read.
 * - Reads not served by the cache are budgeted per container (`missesPerSecond`, a token bucket): beyond it the
 *   request gets 503 with Retry-After, so 10,000 random paths a second cost the table at most that many reads.
 * - Concurrent misses for one source share one read.
 */
import { timingSafeEqual } from 'node:crypto';
import { DependencyUnavailableError, LookupThrottledError } from '../../kernel/errors';
import type { Log } from '../../kernel/log';
import type { Clock } from '../../kernel/ports';
import { take, type TokenBucket } from '../../kernel/token-bucket';
import { checkSchemeOptions } from '../scheme-options';
import { prepareSource, type PreparedSource } from '../sources';
import type { TenantSource } from './model';
import { qualifiedName, SOURCE_ID, TENANT_ID, URL_TOKEN } from '../source-names';
import type { SourceSecretCipher, TenantSourceRepository } from './ports';
import { openSecrets } from './secrets';

export const MAX_CACHE_MS = 60_000;
const MISSING = Symbol('not cached');
export const DEFAULT_CACHE_ENTRIES = 10_000;

export interface ResolverOptions {
  readonly repository: Pick<TenantSourceRepository, 'get'>;
  readonly cipher: SourceSecretCipher;
  /** The shared pipeline's queue, where every tenant source's events go. */
  readonly queueUrl: string;
  readonly clock: Clock;
  /** How long an answer is kept: at most 60 s. */
  readonly ttlMs: number;
  /** Lookups past the cache this container makes a second (and at once) at most. */
  readonly missesPerSecond: number;
  /** Known sources kept. @default DEFAULT_CACHE_ENTRIES */
  readonly maxSources?: number;
  /** Unknown paths kept. @default DEFAULT_CACHE_ENTRIES */
  readonly maxUnknown?: number;
  readonly log: Log;
}

/** A known source: its token, and its prepared form unless it is disabled. */
interface Known {
  readonly token: Buffer;
  readonly prepared: PreparedSource | undefined;
  readonly expiresAt: number;
}

export class TenantSourceResolver {
  readonly #known = new Map<string, Known>();
  readonly #unknown = new Map<string, number>();
  readonly #reading = new Map<string, Promise<Known | undefined>>();
  #budget: TokenBucket | undefined;
  /** Reads made, for tests and the benchmark. */
  reads = 0;

  constructor(private readonly o: ResolverOptions) {
    if (o.ttlMs < 0 || o.ttlMs > MAX_CACHE_MS) throw new RangeError(`ttlMs must be 0-${MAX_CACHE_MS}`);
  }

  /** The source at this path, or undefined (404) when there is none, it is disabled, or the token is wrong. */
  async resolve(tenantId: string, sourceId: string, token: string): Promise<PreparedSource | undefined> {
    if (!TENANT_ID.test(tenantId) || !SOURCE_ID.test(sourceId) || !URL_TOKEN.test(token)) return undefined;
    const key = qualifiedName(tenantId, sourceId);
    const now = this.o.clock();
    const cached = this.#fresh(key, now);
    const known = cached === MISSING ? await this.#read(key, tenantId, sourceId, now) : cached;
    if (!known) return undefined;
    return timingSafeEqual(known.token, Buffer.from(token)) ? known.prepared : undefined;
  }

  /** A cached answer: a Known, `undefined` for a cached unknown path, or MISSING when nothing is cached. */
  #fresh(key: string, now: number): Known | undefined | typeof MISSING {
    const known = this.#known.get(key);
    if (known && known.expiresAt > now) return touch(this.#known, key, known);
    const unknownUntil = this.#unknown.get(key);
    if (unknownUntil !== undefined && unknownUntil > now) return undefined;
    return MISSING;
  }

  #read(key: string, tenantId: string, sourceId: string, now: number): Promise<Known | undefined> {
    const pending = this.#reading.get(key);
    if (pending) return pending;
    const budget = take(this.#budget, now, this.o.missesPerSecond, this.o.missesPerSecond);
    this.#budget = budget.state;
    if (!budget.allowed) throw new LookupThrottledError();
    const read = this.#load(tenantId, sourceId, now).finally(() => this.#reading.delete(key));
    this.#reading.set(key, read);
    return read;
  }

  async #load(tenantId: string, sourceId: string, now: number): Promise<Known | undefined> {
    const key = qualifiedName(tenantId, sourceId);
    let record: TenantSource | undefined;
    let prepared: PreparedSource | undefined;
    try {
      this.reads++;
      record = await this.o.repository.get(tenantId, sourceId);
      if (record?.enabled) prepared = await this.#prepare(record);
    } catch (cause) {
      this.o.log.warn('tenant source lookup failed', { source: key, cause: String(cause).slice(0, 200) });
      throw new DependencyUnavailableError('source_store', { cause });
    }
    const expiresAt = now + this.o.ttlMs;
    if (!record) {
      set(this.#unknown, key, expiresAt, this.o.maxUnknown ?? DEFAULT_CACHE_ENTRIES);
      return undefined;
    }
    this.#unknown.delete(key);
    const known: Known = { token: Buffer.from(record.token), prepared, expiresAt };
    set(this.#known, key, known, this.o.maxSources ?? DEFAULT_CACHE_ENTRIES);
    return known;
  }

  async #prepare(record: TenantSource): Promise<PreparedSource> {
    const held = await openSecrets(record.sealedSecrets, this.o.cipher, {
      tenantId: record.tenantId,
      sourceId: record.id,
    });
    const id = qualifiedName(record.tenantId, record.id);
    return prepareSource(
      {
        scheme: record.scheme,
        options: checkSchemeOptions(record.scheme, record.options, id) as TenantSource['options'],
        toleranceSeconds: record.toleranceSeconds,
        maxBodyBytes: record.maxBodyBytes,
        allowedCidrs: record.allowedCidrs as string[],
        eventId: record.eventId,
        eventType: record.eventType,
        rateLimit: record.rateLimit,
        dedupeSeconds: record.dedupeWindowDays * 86_400,
      },
      {
        id,
        tenant: record.tenantId,
        queueUrl: this.o.queueUrl,
        messageGroupId: record.tenantId,
        secrets: { held },
      },
    );
  }
}

/** Moves a hit to the end of the Map's order (most recently used). */
function touch<V>(map: Map<string, V>, key: string, value: V): V {
  map.delete(key);
  map.set(key, value);
  return value;
}

/** Sets and drops the least recently used entry beyond `max`. */
function set<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  touch(map, key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}
