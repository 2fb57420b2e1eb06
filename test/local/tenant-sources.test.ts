/**
 * Sources at run time as a reader tries them, through the CLI against a local stack as `npm start` runs it: `sources add --tenant acme
 * --scheme github --secret-env S`, a signed GitHub event sent to the URL it printed is processed and relayed to
 * acme's endpoint; after rotate-secret both secrets verify during the grace period; a disabled or deleted source
 * answers 404 within the verifier's cache time. The cache time is shortened to 300 ms so the test need not wait 30 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { createListener } from '../../cli/lib/listener';
import { tenantSourceViewSchema } from '../../lambdas/core/inbound/tenant-sources/model';
import { captureIo } from '../helpers/cli-io';
import { registerAsRunning, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

const TTL_MS = 300;
let dir: string;
let t: TestStack;
let receiver: ReturnType<typeof createListener>;
let endpointSecret = '';
let url = '';

/** Runs the CLI against the stack; resolves with its exit code and output. */
async function cli(...args: string[]) {
  const io = captureIo();
  const code = await runCli([...args, '--data-dir', dir], io);
  return { code, out: io.stdout, err: io.stderr };
}

/** `send github` to the tenant source's URL, signed with `secret`; the verifier's answer line. */
async function send(secret: string): Promise<string> {
  const { out } = await cli('send', 'github', '--url', url, '--secret', secret, '--no-wait');
  return out.find((l) => l.startsWith('←')) ?? '';
}

const afterTtl = () => new Promise((r) => setTimeout(r, TTL_MS + 50));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenant-sources-'));
  t = await startTestStack({ dataDir: dir, tenantSources: { ttlMs: TTL_MS } });
  registerAsRunning(dir, t.stack);
  receiver = createListener({ secret: () => endpointSecret, statuses: [200] });
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  const endpointUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/acme`;
  const added = await cli('endpoints', 'add', '--tenant', 'acme', '--endpoint-url', endpointUrl);
  expect(added.code, added.err.join('\n')).toBe(0);
  endpointSecret = added.out[1]!.replace(/^secret {2}/, '');
});

afterAll(async () => {
  await t?.stop();
  await new Promise((r) => receiver?.server.close(r));
  rmSync(dir, { recursive: true, force: true });
  delete process.env.ACME_GITHUB_SECRET;
  delete process.env.ACME_GITHUB_SECRET_2;
});

describe('a tenant source, from the CLI', () => {
  it('is added with the secret from the environment, and an event sent to its URL is processed and relayed to the tenant’s endpoint', async () => {
    process.env.ACME_GITHUB_SECRET = 'acme-github-webhook-secret';

    const added = await cli(
      'sources',
      'add',
      '--tenant',
      'acme',
      '--scheme',
      'github',
      '--secret-env',
      'ACME_GITHUB_SECRET',
    );

    expect(added.code, added.err.join('\n')).toBe(0);
    expect(added.out[0]).toBe('acme.github  github  enabled');
    url = added.out[1]!.replace(/^url {5}/, '');
    expect(url).toMatch(new RegExp(`^${t.stack.url}/webhooks/t/acme.github/[A-Za-z0-9_-]{22}$`));
    expect(added.out[2]).toBe(`try it  npm run cli -- send github --url ${url} --secret "$ACME_GITHUB_SECRET"`);
    expect(added.out.join('\n')).not.toContain('acme-github-webhook-secret');

    const sent = await cli('send', 'github', '--url', url, '--secret', process.env.ACME_GITHUB_SECRET);

    expect(sent.code, sent.err.join('\n')).toBe(0);
    expect(sent.out.find((l) => l.startsWith('  processed:'))).toMatch(/^ {2}processed: completed/);
    await waitFor('the relayed delivery at acme’s endpoint', () => receiver.received.some((r) => r.verified));
    const delivered = receiver.received.find((r) => r.verified)!;
    expect(JSON.parse(delivered.body)).toMatchObject({ type: 'push', data: { source: 'acme.github', tenant: 'acme' } });
    const published = t.published.find((n) => n.attributes.source === 'acme.github');
    expect(published?.attributes).toMatchObject({ tenant: 'acme', type: 'push' });
  });

  it('verifies both secrets during the grace period after rotate-secret, and only the new one after a rotation without grace', async () => {
    process.env.ACME_GITHUB_SECRET_2 = 'acme-github-webhook-secret-2';

    const rotated = await cli(
      'sources',
      'rotate-secret',
      'github',
      '--tenant',
      'acme',
      '--secret-env',
      'ACME_GITHUB_SECRET_2',
    );
    expect(rotated.code, rotated.err.join('\n')).toBe(0);
    expect(rotated.out[0]).toMatch(/^The previous secret keeps verifying until \d{4}-\d\d-\d\dT/);
    await afterTtl();

    expect(await send(process.env.ACME_GITHUB_SECRET!)).toMatch(/^← 202 accepted/);
    expect(await send(process.env.ACME_GITHUB_SECRET_2)).toMatch(/^← 202 accepted/);

    const again = await cli('sources', 'rotate-secret', 'github', '--tenant', 'acme', '--grace', '0');
    const generated = again.out[0]!.match(/^secret {2}(\S+)/)![1]!;
    await afterTtl();
    expect(await send(process.env.ACME_GITHUB_SECRET_2)).toMatch(/^← 401 invalid_signature/);
    expect(await send(generated)).toMatch(/^← 202 accepted/);
    process.env.ACME_GITHUB_SECRET = generated;
  });

  it('answers 404 within the cache time once disabled, again 202 once enabled, and 404 once deleted, writing nothing', async () => {
    expect((await cli('sources', 'disable', 'github', '--tenant', 'acme')).out[0]).toBe(
      'acme.github  github  disabled',
    );
    await afterTtl();
    expect(await send(process.env.ACME_GITHUB_SECRET!)).toMatch(/^← 404 unknown_source/);

    await cli('sources', 'enable', 'github', '--tenant', 'acme');
    await afterTtl();
    expect(await send(process.env.ACME_GITHUB_SECRET!)).toMatch(/^← 202 accepted/);

    await t.stack.idle();
    const records = (await t.stack.listEvents()).length;
    expect((await cli('sources', 'delete', 'github', '--tenant', 'acme')).out[0]).toBe('deleted github');
    await afterTtl();
    expect(await send(process.env.ACME_GITHUB_SECRET!)).toMatch(/^← 404 unknown_source/);
    expect((await t.stack.listEvents()).length).toBe(records);
  });

  it('lists a tenant’s sources as JSON the view schema describes, and names a bad field in a 400', async () => {
    await cli('sources', 'add', '--tenant', 'beta', '--scheme', 'gitlab', '--rate', '5/10', '--description', 'ci');
    const listed = await cli('sources', 'list', '--tenant', 'beta', '--json');

    const { sources } = JSON.parse(listed.out[0]!) as { sources: unknown[] };
    expect(sources).toHaveLength(1);
    const view = tenantSourceViewSchema.parse({ ...(sources[0] as object), createdAt: 0, updatedAt: 0 });
    expect(view).toMatchObject({ source: 'beta.gitlab', rateLimit: { perSecond: 5, burst: 10 }, description: 'ci' });

    const refused = await cli('sources', 'add', '--tenant', 'beta', '--scheme', 'stripe');
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/400 bad_request: secret: required: stripe signing secrets are issued/);
    const unknown = await cli('sources', 'add', '--tenant', 'beta', '--scheme', 'acme-pay', '--secret-env', 'PATH');
    expect(unknown.err.join('\n')).toMatch(/400 bad_request: scheme: expected one of/);
  });
});
