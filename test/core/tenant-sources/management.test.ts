/**
 * Tenant sources' management: what a tenant may create, change, rotate and delete, each bad input answered with a
 * 400 that names its field, and no secret readable anywhere but in the one answer that generated it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSource,
  deleteSource,
  getSource,
  listSources,
  rotateSourceSecret,
  updateSource,
  type SourceManagementDeps,
} from '../../../lambdas/core/inbound/tenant-sources/management';
import { tenantSourceViewSchema } from '../../../lambdas/core/inbound/tenant-sources/model';
import { openSecrets } from '../../../lambdas/core/inbound/tenant-sources/secrets';
import { SCHEME_FIXTURES } from '../../helpers/scheme-fixtures';
import { manualClock } from '../../helpers/fakes';
import { countingRandom, FakeSourceCipher, FakeTenantSources } from '../../helpers/tenant-sources';

const STRIPE_SECRET = SCHEME_FIXTURES.stripe.secret;
let deps: SourceManagementDeps & { sources: FakeTenantSources; cipher: FakeSourceCipher };
let clock: ReturnType<typeof manualClock>;

beforeEach(() => {
  clock = manualClock();
  deps = { sources: new FakeTenantSources(), cipher: new FakeSourceCipher(), now: clock, random: countingRandom() };
});

/** The 400's message for `input`, or '' when it is accepted. */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return '';
  } catch (error) {
    expect(error).toMatchObject({ statusCode: 400, code: 'bad_request' });
    return (error as Error).message;
  }
}

const held = async (tenantId: string, sourceId: string) =>
  openSecrets([...deps.sources.items.values()].find((s) => s.id === sourceId)!.sealedSecrets, deps.cipher, {
    tenantId,
    sourceId,
  });

describe('createSource()', () => {
  it('stores a provider-issued secret sealed, answers the view without it, at an unguessable path', async () => {
    const out = await createSource('acme', { id: 'billing', scheme: 'stripe', secret: STRIPE_SECRET }, deps);

    expect(out).toEqual({ source: expect.any(Object) });
    expect(tenantSourceViewSchema.parse(out.source)).toEqual(out.source);
    expect(out.source).toMatchObject({ tenant: 'acme', id: 'billing', source: 'acme.billing', enabled: true });
    expect(out.source.path).toMatch(/^\/webhooks\/t\/acme\/billing\/[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(out)).not.toContain(STRIPE_SECRET);
    expect(JSON.stringify([...deps.sources.items.values()])).not.toContain(STRIPE_SECRET);
    expect(await held('acme', 'billing')).toEqual({ current: STRIPE_SECRET });
  });

  it('generates the secret of a scheme whose receiver chooses it (GitHub), and answers it that once', async () => {
    const out = await createSource('acme', { id: 'github', scheme: 'github' }, deps);

    expect(out.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await held('acme', 'github')).toEqual({ current: out.secret });
    expect(JSON.stringify(await getSource('acme', 'github', deps))).not.toContain(out.secret);
  });

  it('generates the verify token of a scheme with a GET check (meta) unless given, and refuses one elsewhere', async () => {
    const meta = await createSource('acme', { id: 'meta', scheme: 'meta', secret: 'app-secret' }, deps);
    expect(meta.verifyToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await held('acme', 'meta')).verifyToken).toBe(meta.verifyToken);
    expect(await refusal(() => createSource('acme', { id: 'gh', scheme: 'github', verifyToken: 'x' }, deps))).toMatch(
      /^verifyToken: github has no GET subscription check/,
    );
  });

  it.each([
    [
      'no secret for a scheme whose provider issues it',
      { scheme: 'stripe' },
      /^secret: required: stripe signing secrets are issued by the provider/,
    ],
    ['an unknown scheme', { scheme: 'acme-pay' }, /^scheme: expected one of .*stripe/],
    ['an id that is not a URL segment', { id: 'Billing EU', scheme: 'github' }, /^id: must be 1-40 lower-case/],
    [
      'a CIDR the allowlist cannot compile',
      { scheme: 'github', allowedCidrs: ['10.0.0.0/33'] },
      /^allowedCidrs\.0: must be an IPv4 or IPv6 CIDR/,
    ],
    ['scheme options the scheme refuses', { scheme: 'hmac', options: { algorithm: 'md5' } }, /^options\.algorithm: /],
    [
      'options the scheme does not take',
      { scheme: 'github', options: { header: 'x' } },
      /^options\.header: unknown key/,
    ],
    ['a secret that does not look like the provider’s', { scheme: 'stripe', secret: 'sk_live_123' }, /^secret: /],
    ['an unknown field', { scheme: 'github', queueUrl: 'https://sqs' }, /^queueUrl: unknown key/],
    [
      'a rate limit of zero',
      { scheme: 'github', rateLimit: { perSecond: 0, burst: 1 } },
      /^rateLimit\.perSecond: must be an integer from 1/,
    ],
    [
      'a dedupe window over a year',
      { scheme: 'github', dedupeWindowDays: 400 },
      /^dedupeWindowDays: must be from 1 to 365 days/,
    ],
  ])('refuses %s with a 400 naming the field', async (_title, input, message) => {
    expect(await refusal(() => createSource('acme', { id: 'src', ...input }, deps))).toMatch(message);
    expect(deps.sources.items.size).toBe(0);
  });

  it('refuses a tenant id that is not one, naming the tenant', async () => {
    expect(await refusal(() => createSource('acme corp', { id: 'gh', scheme: 'github' }, deps))).toMatch(
      /^tenant: must be 1-64 letters, digits, _ or -/,
    );
  });

  it('refuses a second source with the same id with 409, keeping the first', async () => {
    const first = await createSource('acme', { id: 'github', scheme: 'github' }, deps);
    await expect(createSource('acme', { id: 'github', scheme: 'github' }, deps)).rejects.toMatchObject({
      statusCode: 409,
      code: 'source_exists',
    });
    expect((await getSource('acme', 'github', deps)).path).toBe(first.source.path);
    // Another tenant may have its own.
    await expect(createSource('beta', { id: 'github', scheme: 'github' }, deps)).resolves.toBeDefined();
  });
});

describe('updateSource()', () => {
  beforeEach(async () => {
    await createSource('acme', { id: 'hook', scheme: 'hmac', rateLimit: { perSecond: 5, burst: 5 } }, deps);
  });

  it('changes only the fields given, removes an optional one given null, and keeps the URL', async () => {
    const before = await getSource('acme', 'hook', deps);
    clock.advance(1000);
    const after = await updateSource('acme', 'hook', { enabled: false, rateLimit: null, description: 'eu' }, deps);

    expect(after).toMatchObject({ enabled: false, description: 'eu', path: before.path, maxBodyBytes: 200 * 1024 });
    expect(after.rateLimit).toBeUndefined();
    expect(after.updatedAt).toBe(before.updatedAt + 1000);
  });

  it('checks new options against the source’s scheme, and refuses an empty change or a change of scheme', async () => {
    expect(await refusal(() => updateSource('acme', 'hook', { options: { encoding: 'rot13' } }, deps))).toMatch(
      /^options\.encoding: /,
    );
    expect(await refusal(() => updateSource('acme', 'hook', {}, deps))).toBe('Nothing to update.');
    expect(await refusal(() => updateSource('acme', 'hook', { scheme: 'github' }, deps))).toMatch(
      /^scheme: unknown key/,
    );
  });

  it('answers 404 for a source the tenant does not have', async () => {
    await expect(updateSource('beta', 'hook', { enabled: false }, deps)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('rotateSourceSecret()', () => {
  it('makes the given secret current and keeps the old one verifying for the grace period (24 h by default)', async () => {
    await createSource('acme', { id: 'billing', scheme: 'stripe', secret: STRIPE_SECRET }, deps);
    const next = `${STRIPE_SECRET}2`;

    const out = await rotateSourceSecret('acme', 'billing', { secret: next }, deps);

    expect(out.secret).toBeUndefined();
    expect(await held('acme', 'billing')).toEqual({
      current: next,
      previous: { secret: STRIPE_SECRET, expiresAt: clock() + 24 * 3600 * 1000 },
    });
    expect(out.source.previousSecretExpiresAt).toBe(clock() + 24 * 3600 * 1000);
  });

  it('generates the new secret for a receiver-chosen scheme; grace 0 drops the old one at once', async () => {
    const created = await createSource('acme', { id: 'github', scheme: 'github' }, deps);

    const out = await rotateSourceSecret('acme', 'github', { graceSeconds: 0 }, deps);

    expect(out.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(out.secret).not.toBe(created.secret);
    expect(await held('acme', 'github')).toEqual({ current: out.secret });
    expect(out.source.previousSecretExpiresAt).toBeUndefined();
  });

  it('asks for the new secret of a provider-issued scheme, and refuses a grace period over 7 days', async () => {
    await createSource('acme', { id: 'billing', scheme: 'stripe', secret: STRIPE_SECRET }, deps);
    expect(await refusal(() => rotateSourceSecret('acme', 'billing', {}, deps))).toMatch(
      /^secret: required: roll the secret in stripe's webhook settings/,
    );
    expect(await refusal(() => rotateSourceSecret('acme', 'billing', { graceSeconds: 604_801 }, deps))).toMatch(
      /^graceSeconds: must be from 0 to 604800/,
    );
  });
});

describe('listSources() and deleteSource()', () => {
  it('lists a tenant’s sources by id, a page at a time, and nobody else’s', async () => {
    for (const id of ['c', 'a', 'b']) await createSource('acme', { id, scheme: 'github' }, deps);
    await createSource('beta', { id: 'z', scheme: 'github' }, deps);

    const first = await listSources('acme', { limit: '2' }, deps);
    const second = await listSources('acme', { limit: '2', cursor: first.cursor }, deps);

    expect(first.sources.map((s) => s.id)).toEqual(['a', 'b']);
    expect(second).toEqual({ sources: [expect.objectContaining({ id: 'c' })] });
    expect(await refusal(() => listSources('acme', { limit: '0' }, deps))).toMatch(/^limit: /);
  });

  it('deletes once; a second delete and a read answer 404', async () => {
    await createSource('acme', { id: 'github', scheme: 'github' }, deps);
    await deleteSource('acme', 'github', deps);
    await expect(deleteSource('acme', 'github', deps)).rejects.toMatchObject({ statusCode: 404, code: 'not_found' });
    await expect(getSource('acme', 'github', deps)).rejects.toMatchObject({ statusCode: 404 });
  });
});
