/**
 * Endpoint management's input and output: a URL is stored normalized and refused when its raw text has control
 * characters or surrounding spaces; extra header values are sealed and never shown (names only), old plaintext ones
 * sealed at the next write; a rate limit can be removed; disabling by hand publishes `endpoint.disabled`.
 */
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../../../lambdas/core/kernel/ports';
import { toHttpResponse } from '../../../../lambdas/core/kernel/http';
import { silentLog } from '../../../../lambdas/core/kernel/log';
import { parseNotification } from '../../../../lambdas/core/outbound/admission/notifications';
import { openHeaders } from '../../../../lambdas/core/outbound/delivery/sealed-headers';
import { ssrfPolicy } from '../../../../lambdas/core/outbound/delivery/ssrf';
import {
  createEndpoint,
  getEndpoint,
  rotateEndpointSecret,
  updateEndpoint,
} from '../../../../lambdas/core/outbound/endpoints/management';
import { MemoryStateStore } from '../../../helpers/endpoint-state';
import {
  endpoint,
  fakeCipher,
  FakeEndpointRepository,
  FakeResolver,
  NOW,
  RECEIVER_HOST,
  RECEIVER_IP,
  TENANT,
} from '../../../helpers/outbound';

const BEARER = 'Bearer rcv_live_0123456789';

function fixture(stored = [endpoint()]) {
  const endpoints = new FakeEndpointRepository(stored.map((e) => ({ ...e })));
  const published: PublishEntry[] = [];
  const deps = {
    endpoints,
    cipher: fakeCipher,
    resolver: new FakeResolver({ [RECEIVER_HOST]: [RECEIVER_IP] }),
    ssrf: ssrfPolicy(),
    now: () => NOW,
    newId: () => 'ep_new',
    operations: {
      store: new MemoryStateStore(),
      notifications: { publishBatch: async (e: readonly PublishEntry[]) => (published.push(...e), new Set<string>()) },
    },
  };
  return { deps, endpoints, published, types: () => published.map((p) => parseNotification(JSON.parse(p.message))) };
}

const stored = (endpoints: FakeEndpointRepository, id: string) => endpoints.endpoints.find((e) => e.endpointId === id)!;

describe('endpoint URLs', () => {
  it.each([
    [
      'scheme and host case, the default port, a space in the path',
      'HTTPS://Receiver.EXAMPLE:443/a b?x=1',
      'https://receiver.example/a%20b?x=1',
    ],
    ['an IPv6 literal', 'https://[2606:4700:4700:0:0:0:0:1111]/hooks', 'https://[2606:4700:4700::1111]/hooks'],
  ])('are stored as the URL parser writes them: %s', async (_what, url, href) => {
    const { deps, endpoints } = fixture([]);

    const created = await createEndpoint(TENANT, { url }, deps);

    expect(created.endpoint.url).toBe(href);
    expect(stored(endpoints, 'ep_new').url).toBe(href);
  });

  it.each([
    ['a CR LF', 'https://receiver.example/hooks\r\nX-Injected: 1'],
    ['a LF in the host', 'https://receiver.\nexample/hooks'],
    ['a NUL', 'https://receiver.example/ho\u0000oks'],
    ['a tab', 'https://receiver.example/ho\toks'],
    ['a leading space', ' https://receiver.example/hooks'],
    ['a trailing space', 'https://receiver.example/hooks '],
  ])('are refused with a 400 naming url when the raw text has %s', async (_what, url) => {
    const { deps, endpoints } = fixture([]);

    const refused = createEndpoint(TENANT, { url }, deps);

    await expect(refused).rejects.toThrow(/^url: must not contain control characters/);
    const response = toHttpResponse(await refused.catch((e: unknown) => e), silentLog);
    expect(response.statusCode).toBe(400);
    expect(endpoints.endpoints).toEqual([]);
  });

  it('an update is held to the same rule', async () => {
    const { deps } = fixture();

    await expect(updateEndpoint(TENANT, 'ep_1', { url: 'https://receiver.example/\r\n' }, deps)).rejects.toThrow(
      /^url:/,
    );
  });
});

describe('extra header values', () => {
  it('are sealed when an endpoint is created, and the view shows their names only', async () => {
    const { deps, endpoints } = fixture([]);

    const created = await createEndpoint(
      TENANT,
      { url: `https://${RECEIVER_HOST}/hooks`, headers: { Authorization: BEARER, 'X-Team': 'billing' } },
      deps,
    );
    const shown = await getEndpoint(TENANT, 'ep_new', deps);

    expect(created.endpoint.headerNames).toEqual(['authorization', 'x-team']);
    expect(shown).not.toHaveProperty('headers');
    expect(shown).not.toHaveProperty('sealedHeaders');
    expect(JSON.stringify([created, shown, endpoints.endpoints])).not.toContain('rcv_live');
    expect(await openHeaders(stored(endpoints, 'ep_new'), fakeCipher)).toEqual({
      authorization: BEARER,
      'x-team': 'billing',
    });
  });

  it('are replaced, all of them, by an update that gives headers; {} removes them', async () => {
    const { deps, endpoints } = fixture();

    await updateEndpoint(TENANT, 'ep_1', { headers: { authorization: BEARER } }, deps);
    const replaced = await openHeaders(stored(endpoints, 'ep_1'), fakeCipher);
    const emptied = await updateEndpoint(TENANT, 'ep_1', { headers: {} }, deps);

    expect(replaced).toEqual({ authorization: BEARER });
    expect(emptied.headerNames).toEqual([]);
  });

  it.each([
    [
      'an update of another field',
      (deps: ReturnType<typeof fixture>['deps']) => updateEndpoint(TENANT, 'ep_1', { description: 'x' }, deps),
    ],
    ['a secret rotation', (deps: ReturnType<typeof fixture>['deps']) => rotateEndpointSecret(TENANT, 'ep_1', deps)],
  ])('stored in plaintext by an older version, are sealed by %s', async (_what, write) => {
    const { deps, endpoints } = fixture([endpoint({ sealedHeaders: undefined, headers: { authorization: BEARER } })]);

    const before = await getEndpoint(TENANT, 'ep_1', deps);
    await write(deps);

    expect(before.headerNames).toEqual(['authorization']);
    expect(JSON.stringify(before)).not.toContain('rcv_live');
    expect(stored(endpoints, 'ep_1')).not.toHaveProperty('headers');
    expect(JSON.stringify(endpoints.endpoints)).not.toContain('rcv_live');
    expect(await openHeaders(stored(endpoints, 'ep_1'), fakeCipher)).toEqual({ authorization: BEARER });
  });
});

describe('updates', () => {
  it('rateLimit null removes the rate limit', async () => {
    const { deps } = fixture([endpoint({ rateLimit: { perSecond: 5, burst: 1 } })]);

    const updated = await updateEndpoint(TENANT, 'ep_1', { rateLimit: null }, deps);

    expect(updated).not.toHaveProperty('rateLimit');
  });

  it('disabling by hand publishes endpoint.disabled (trigger manual), once', async () => {
    const { deps, types } = fixture();

    await updateEndpoint(TENANT, 'ep_1', { enabled: false }, deps);
    await updateEndpoint(TENANT, 'ep_1', { enabled: false }, deps);

    expect(types()).toMatchObject([
      {
        type: 'endpoint.disabled',
        data: { tenantId: TENANT, endpointId: 'ep_1', reason: 'manual', trigger: 'manual' },
      },
    ]);
  });

  it('disabling by hand keeps the reason an endpoint that was already disabled had', async () => {
    const { deps } = fixture([endpoint({ enabled: false, disabledReason: '410 Gone' })]);

    const updated = await updateEndpoint(TENANT, 'ep_1', { enabled: false }, deps);

    expect(updated.disabledReason).toBe('410 Gone');
  });
});
