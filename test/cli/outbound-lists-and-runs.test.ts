/**
 * The outbound commands that tell the truth, against a stand-in API: `deliveries list` and `messages list` read
 * every page (piped output complete), print a header row, and say `N of M shown` when cut by --limit;
 * `messages show`, `recoveries show`; a rerun of a replay says it was already queued and how to run it again;
 * `endpoints update --rate-limit` sets and removes the limit; header values are never printed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecoveryRun } from '../../lambdas/core/outbound/recovery/runs';
import { endpointStatus } from '../../lambdas/core/outbound/endpoints/status-report';
import { cli } from '../helpers/cli-io';
import { delivery, endpoint, message, NOW } from '../helpers/outbound';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';

/** The status `endpoints show` reads with the endpoint, as the API computes it for an endpoint with no traffic. */
async function quietStatus() {
  const none = async () => ({ items: [], complete: true });
  return (
    await endpointStatus('acme', 'ep_1', {
      endpoints: { get: async () => endpoint() },
      deliveries: { endpointDeliveries: none },
      now: () => NOW,
    })
  ).status;
}

let api: RecordingServer;
beforeAll(async () => {
  api = await recordingServer();
});
afterAll(() => api.close());
beforeEach(() => {
  api.received.length = 0;
  api.answerFor = undefined;
});

const made = (i: number) =>
  delivery({ deliveryId: `dlv_${i}`, messageId: `msg_${i}`, type: 'invoice.paid', createdAt: NOW - i * 1000 });

/** The API's pages of `items` (`size` a page), following `?cursor=<index>`, under `key`. */
function pages(key: string, items: readonly unknown[], size: number) {
  return (r: { url: string }) => {
    const q = new URL(r.url, 'http://x').searchParams;
    const start = Number(q.get('cursor') ?? 0);
    const end = Math.min(start + Math.min(size, Number(q.get('limit'))), items.length);
    return {
      status: 200,
      body: { [key]: items.slice(start, end), ...(end < items.length && { cursor: String(end) }) },
    };
  };
}

describe('deliveries list', () => {
  const all = Array.from({ length: 5 }, (_, i) => made(i));

  it('follows the cursor to the end, under a header row: time, status, attempts, type, endpoint', async () => {
    api.answerFor = pages('deliveries', all, 2);

    const r = await cli('deliveries', 'list', '--tenant', 'acme', '--url', api.url);

    expect(r.code).toBe(0);
    expect(r.stdout[0]).toMatch(/^CREATED AT +DELIVERY ID +STATUS +ATTEMPT COUNT +TYPE +ENDPOINT ID +NEXT ATTEMPT AT/);
    expect(r.stdout.slice(1).map((l) => l.split(/ +/)[1])).toEqual(['dlv_0', 'dlv_1', 'dlv_2', 'dlv_3', 'dlv_4']);
    expect(r.stdout[1]).toMatch(
      /^2026-12-02T06:00:00\.000Z +dlv_0 +pending +0 +invoice\.paid +ep_1 +2026-12-02T06:00:00\.000Z$/,
    );
    expect(r.stderr).toEqual([]);
    expect(api.received.map((q) => q.url)).toEqual([
      '/v1/tenants/acme/deliveries?limit=1000',
      '/v1/tenants/acme/deliveries?limit=1000&cursor=2',
      '/v1/tenants/acme/deliveries?limit=1000&cursor=4',
    ]);
  });

  it('with --limit prints the newest N and says on stderr how many there are', async () => {
    api.answerFor = pages('deliveries', all, 2);

    const r = await cli('deliveries', 'list', '--tenant', 'acme', '--limit', '3', '--url', api.url);

    expect(r.stdout).toHaveLength(1 + 3);
    expect(r.stderr).toEqual(['3 of 5 deliveries shown (--limit; without it, all)']);
  });

  it('--json prints every delivery of every page as one array', async () => {
    api.answerFor = pages('deliveries', all, 2);

    const r = await cli('deliveries', 'list', '--tenant', 'acme', '--json', '--url', api.url);

    expect((JSON.parse(r.stdout[0]!) as unknown[]).length).toBe(5);
  });

  it('needs --tenant: every delivery route is under the tenant', async () => {
    const r = await cli('deliveries', 'list', '--url', api.url);

    expect(r.code).toBe(2);
    expect(api.received).toEqual([]);
  });
});

describe('messages list and show', () => {
  it('list follows the cursor and prints time, id and type under a header row', async () => {
    const messages = [0, 1, 2].map((i) => {
      const { payload: _p, fingerprint: _f, ...m } = message({ id: `msg_${i}`, createdAt: NOW - i });
      return m;
    });
    api.answerFor = pages('messages', messages, 2);

    const r = await cli('messages', 'list', '--tenant', 'acme', '--url', api.url);

    expect(r.stdout[0]).toMatch(/^CREATED AT +ID +TYPE$/);
    expect(r.stdout.slice(1).map((l) => l.split(/ +/)[1])).toEqual(['msg_0', 'msg_1', 'msg_2']);
    expect(api.received).toHaveLength(2);
  });

  it('show prints the message, its payload and its deliveries', async () => {
    const { fingerprint: _f, ...m } = message();
    api.answer = { status: 200, body: { message: m, deliveries: [made(0)], complete: true } };

    const r = await cli('messages', 'show', 'msg_1', '--tenant', 'acme', '--url', api.url);

    expect(api.received[0]!.url).toBe('/v1/tenants/acme/messages/msg_1');
    expect(r.stdout[0]).toMatch(/^msg_1 {2}invoice\.paid {2}created /);
    expect(r.stdout[1]).toBe(`  payload ${m.payload}`);
    expect(r.stdout[3]).toMatch(/^ {2}\S+ +dlv_0 +pending/);
  });
});

describe('recovery and replay runs', () => {
  it('a rerun of a replay says its deliveries were already queued, where to see the run, and how to run it again', async () => {
    api.answer = { status: 202, body: { replayId: 'rpl_1', matched: 3, queued: 0, alreadyQueued: 3 } };

    const r = await cli('messages', 'replay', '--tenant', 'acme', '--since', '2026-12-01', '--url', api.url);

    expect(r.stdout[0]).toBe('queued 0 deliveries for 3 matching messages  replay rpl_1');
    expect(r.stdout[1]).toMatch(/^3 deliveries were already queued by an earlier run of this replay/);
    expect(r.stdout[1]).toContain('recoveries show rpl_1 --tenant acme');
    expect(r.stdout[1]).toContain('--label');
  });

  it('recoveries show prints the run: state, counts and how far it got', async () => {
    const run: RecoveryRun = {
      recoveryId: 'rcv_1',
      kind: 'recover',
      tenantId: 'acme',
      endpointId: 'ep_1',
      since: NOW - 3_600_000,
      runs: 2,
      startedAt: NOW,
      updatedAt: NOW + 5000,
      done: false,
      examined: 200,
      queued: 150,
      alreadyQueued: 40,
      notRecoverable: 10,
      position: NOW - 1_800_000,
    };
    api.answer = { status: 200, body: { recovery: run } };

    const r = await cli('recoveries', 'show', 'rcv_1', '--tenant', 'acme', '--url', api.url);

    expect(api.received[0]!.url).toBe('/v1/tenants/acme/recoveries/rcv_1');
    expect(r.stdout).toEqual([
      "rcv_1  recover endpoint ep_1  window 2026-12-02T05:00:00.000Z to the run's start",
      '  running (last progress 2026-12-02T06:00:05.000Z); run 2 times, latest started 2026-12-02T06:00:00.000Z',
      '  examined 200, queued 150, already queued 40, not recoverable 10; reached records created at 2026-12-02T05:30:00.000Z',
    ]);
  });
});

describe('endpoints', () => {
  const { secrets: _s, sealedHeaders: _h, ...view } = endpoint({ url: 'https://receiver.example/hooks' });

  it('update --rate-limit N,BURST sets the limit, and --rate-limit none removes it', async () => {
    api.answer = { status: 200, body: { endpoint: { ...view, headerNames: [] } } };

    await cli('endpoints', 'update', 'ep_1', '--tenant', 'acme', '--rate-limit', '10,20', '--url', api.url);
    await cli('endpoints', 'update', 'ep_1', '--tenant', 'acme', '--rate-limit', 'none', '--url', api.url);

    expect(api.received.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { rateLimit: { perSecond: 10, burst: 20 } },
      { rateLimit: null },
    ]);
  });

  it('show prints the names of the extra headers, never a value', async () => {
    api.answer = {
      status: 200,
      body: { endpoint: { ...view, headerNames: ['authorization'] }, status: await quietStatus() },
    };

    const r = await cli('endpoints', 'show', 'ep_1', '--tenant', 'acme', '--url', api.url);

    expect(r.stdout.join('\n')).toContain('extra headers authorization');
  });
});
