/**
 * The verifier's tenant source resolver: what it answers for a path, when it reads the table, and how little a
 * flood of random paths costs it. Each test reads the fake table's `gets`, which is every read that reached it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSource,
  deleteSource,
  rotateSourceSecret,
  updateSource,
} from '../../../lambdas/core/inbound/tenant-sources/management';
import { heldSecrets } from '../../../lambdas/core/inbound/sources';
import type { TenantSourceResolver } from '../../../lambdas/core/inbound/tenant-sources/resolve';
import { manualClock } from '../../helpers/fakes';
import { countingRandom, FakeSourceCipher, FakeTenantSources, testResolver } from '../../helpers/tenant-sources';
import { TEST_QUEUES } from '../../helpers/webhook';

const TTL = 30_000;
let table: FakeTenantSources;
let cipher: FakeSourceCipher;
let clock: ReturnType<typeof manualClock>;
let resolver: TenantSourceResolver;
let token: string;
let secret: string;

const deps = () => ({ sources: table, cipher, now: clock, random: countingRandom() });
const tokenOf = (path: string) => path.split('/').at(-1)!;

beforeEach(async () => {
  table = new FakeTenantSources();
  cipher = new FakeSourceCipher();
  clock = manualClock();
  resolver = testResolver(table, cipher, clock, { ttlMs: TTL, missesPerSecond: 50 });
  const created = await createSource('acme', { id: 'github', scheme: 'github' }, deps());
  token = tokenOf(created.source.path);
  secret = created.secret!;
});

describe('TenantSourceResolver', () => {
  it('prepares a tenant source for the shared queue, in its tenant’s fairness group, with its secret held', async () => {
    const source = await resolver.resolve('acme', 'github', token);

    expect(source).toMatchObject({
      id: 'acme.github',
      tenant: 'acme',
      queueUrl: TEST_QUEUES.sharedUrl,
      messageGroupId: 'acme',
      dedupeSeconds: 7 * 86_400,
      secrets: { held: { current: secret } },
    });
    expect(source!.scheme.name).toBe('github');
  });

  it('reads the table once per TTL for a known source, and not at all for a wrong token meanwhile', async () => {
    await resolver.resolve('acme', 'github', token);
    await resolver.resolve('acme', 'github', token);
    expect(await resolver.resolve('acme', 'github', 'A'.repeat(22))).toBeUndefined();
    expect(table.gets).toBe(1);

    clock.advance(TTL);
    await resolver.resolve('acme', 'github', token);
    expect(table.gets).toBe(2);
  });

  it('answers a path that cannot name a source at once, without a read', async () => {
    for (const [tenant, id, t] of [
      ['acme corp', 'github', token],
      ['acme', 'GitHub', token],
      ['acme', 'github', 'short'],
      ['acme', 'github', `${token}x`],
    ] as const)
      expect(await resolver.resolve(tenant, id, t)).toBeUndefined();
    expect(table.gets).toBe(0);
  });

  it('remembers an unknown path for the TTL: a repeated miss is one read', async () => {
    for (let i = 0; i < 100; i++) expect(await resolver.resolve('acme', 'nope', token)).toBeUndefined();
    expect(table.gets).toBe(1);
    clock.advance(TTL);
    await resolver.resolve('acme', 'nope', token);
    expect(table.gets).toBe(2);
  });

  it('reads at most its budget for 10,000 random paths in a second, answering the rest 503, and recovers after', async () => {
    const randomPath = (i: number) =>
      ['acme', `src-${i.toString(36)}`, 'x'.repeat(20) + String(i % 90).padStart(2, '0')] as const;
    expect(await resolver.resolve('acme', 'github', token)).toBeDefined();
    clock.advance(1000);
    table.gets = 0;
    const answers = { unknown: 0, throttled: 0 };
    for (let i = 0; i < 10_000; i++) {
      clock.advance(i % 100 === 0 ? 1 : 0); // 10,000 requests spread over 100 ms of the same second
      await resolver.resolve(...randomPath(i)).then(
        () => answers.unknown++,
        (error: { statusCode: number; headers: Record<string, string> }) => {
          expect(error).toMatchObject({ statusCode: 503, headers: { 'retry-after': '1' } });
          answers.throttled++;
        },
      );
    }
    expect(table.gets).toBeLessThanOrEqual(50 + 5); // the burst, and what refilled in the 100 ms
    expect(answers.unknown).toBe(table.gets);
    expect(answers.throttled).toBe(10_000 - table.gets);

    // The known source, cached before the flood, is still served from the cache; a new lookup gets in once the
    // budget refills.
    expect(await resolver.resolve('acme', 'github', token)).toBeDefined();
    expect(answers.unknown).toBe(table.gets);
    clock.advance(1000);
    const before = table.gets;
    expect(await resolver.resolve('acme', 'after-the-flood', token)).toBeUndefined();
    expect(table.gets).toBe(before + 1);
  });

  it('keeps a known source cached however many unknown paths it remembers', async () => {
    const small = testResolver(table, cipher, clock, { ttlMs: TTL, missesPerSecond: 10_000, maxUnknown: 100 });
    await small.resolve('acme', 'github', token);
    for (let i = 0; i < 1_000; i++) await small.resolve('acme', `gone-${i}`, token);
    const reads = table.gets;
    expect(await small.resolve('acme', 'github', token)).toBeDefined();
    expect(table.gets).toBe(reads);
  });

  it('answers 404 for a disabled or deleted source, and verifies a rotated secret, within the TTL', async () => {
    await resolver.resolve('acme', 'github', token);
    await updateSource('acme', 'github', { enabled: false }, deps());
    clock.advance(TTL);
    expect(await resolver.resolve('acme', 'github', token)).toBeUndefined();

    await updateSource('acme', 'github', { enabled: true }, deps());
    const rotated = await rotateSourceSecret('acme', 'github', {}, deps());
    clock.advance(TTL);
    const source = await resolver.resolve('acme', 'github', token);
    if (!source || !('held' in source.secrets)) throw new Error('expected held secrets');
    expect(heldSecrets(source.secrets.held, clock())).toEqual([rotated.secret, secret]);
    // After the grace period only the new one verifies.
    expect(heldSecrets(source.secrets.held, clock() + 24 * 3600 * 1000)).toEqual([rotated.secret]);

    await deleteSource('acme', 'github', deps());
    clock.advance(TTL);
    expect(await resolver.resolve('acme', 'github', token)).toBeUndefined();
  });

  it('shares one read among concurrent requests for the same source', async () => {
    await Promise.all(Array.from({ length: 20 }, () => resolver.resolve('acme', 'github', token)));
    expect(table.gets).toBe(1);
    expect(cipher.decrypts).toBe(1);
  });

  it('answers 503 when the table cannot be read, and caches nothing from it', async () => {
    table.failing = true;
    await expect(resolver.resolve('acme', 'github', token)).rejects.toMatchObject({
      statusCode: 503,
      code: 'temporarily_unavailable',
    });
    table.failing = false;
    expect(await resolver.resolve('acme', 'github', token)).toBeDefined();
  });

  it('does not decrypt a disabled source’s secrets', async () => {
    await updateSource('acme', 'github', { enabled: false }, deps());
    expect(await resolver.resolve('acme', 'github', token)).toBeUndefined();
    expect(cipher.decrypts).toBe(0);
  });
});
