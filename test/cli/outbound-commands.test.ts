/**
 * The outbound commands against a stand-in API: the stack's address is `--url` in every command (the endpoint's
 * own URL is `--endpoint-url`), and times print as ISO 8601 UTC in the text and in `--json` alike, where the API
 * answers epoch ms.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-io';
import { delivery as deliveryOf, endpoint, NOW } from '../helpers/outbound';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';

let api: RecordingServer;
beforeAll(async () => {
  api = await recordingServer();
});
afterAll(() => api.close());
beforeEach(() => {
  api.received.length = 0;
  api.answerFor = undefined;
});

/** The API's view of an endpoint: no secrets; times in epoch ms. */
const { secrets: _, ...ENDPOINT } = endpoint({ url: 'http://127.0.0.1:4000/hooks', updatedAt: NOW + 1000 });

describe('endpoints: --url is the stack, --endpoint-url the endpoint', () => {
  it('add sends --endpoint-url as the endpoint URL, to the API at --url', async () => {
    api.answer = { status: 201, body: { endpoint: ENDPOINT, secret: 'whsec_c2VjcmV0' } };

    const r = await cli('endpoints', 'add', '--tenant', 'acme', '--endpoint-url', ENDPOINT.url, '--url', api.url);

    expect(r.code).toBe(0);
    expect(api.received).toMatchObject([{ method: 'POST', url: '/v1/tenants/acme/endpoints' }]);
    expect(JSON.parse(api.received[0]!.body)).toEqual({ url: ENDPOINT.url });
  });

  it('add with the endpoint in --url (the old flag) says --endpoint-url is needed, and sends nothing', async () => {
    const r = await cli('endpoints', 'add', '--tenant', 'acme', '--url', ENDPOINT.url);

    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      "endpoints add: --endpoint-url is required (the endpoint's URL is --endpoint-url; --url is the stack's address) (usage: npm run cli -- help endpoints)",
    ]);
    expect(api.received).toEqual([]);
  });

  it('update with nothing to change says so, and sends nothing', async () => {
    const r = await cli('endpoints', 'update', 'ep_1', '--tenant', 'acme', '--url', api.url);

    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/^endpoints update: nothing to change \(the endpoint's URL is --endpoint-url; /);
    expect(api.received).toEqual([]);
  });

  it("add --json gives the endpoint's times as ISO strings", async () => {
    api.answer = { status: 201, body: { endpoint: ENDPOINT, secret: 'whsec_c2VjcmV0' } };

    const json = await cli(
      'endpoints',
      'add',
      '--tenant',
      'acme',
      '--endpoint-url',
      ENDPOINT.url,
      '--url',
      api.url,
      '--json',
    );

    expect(JSON.parse(json.stdout[0]!)).toMatchObject({
      endpoint: { createdAt: '2026-12-02T05:59:59.000Z', updatedAt: '2026-12-02T06:00:01.000Z' },
    });
  });
});

describe('deliveries: times in the text and in --json', () => {
  const delivery = deliveryOf({ status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 5000 });
  const attempt = { ...delivery, number: 1, at: NOW + 50, latencyMs: 16, status: 500 };

  it('show prints each time as the ISO string --json gives', async () => {
    api.answer = { status: 200, body: { delivery, attempts: [attempt] } };

    const text = await cli('deliveries', 'show', 'dlv_1', '--tenant', 'acme', '--url', api.url);
    const json = await cli('deliveries', 'show', 'dlv_1', '--tenant', 'acme', '--url', api.url, '--json');

    const parsed = JSON.parse(json.stdout[0]!) as {
      delivery: { nextAttemptAt: string; createdAt: string };
      attempts: { at: string }[];
    };
    expect(parsed.delivery).toMatchObject({
      nextAttemptAt: '2026-12-02T06:00:05.000Z',
      createdAt: '2026-12-02T05:59:59.600Z',
    });
    expect(parsed.attempts[0]!.at).toBe('2026-12-02T06:00:00.050Z');
    expect(api.received[0]!.url).toBe('/v1/tenants/acme/deliveries/dlv_1');
    expect(text.stdout[0]).toContain(`next ${parsed.delivery.nextAttemptAt}`);
    expect(text.stdout.at(-1)).toMatch(
      new RegExp(`^ {2}#1 {2}${parsed.attempts[0]!.at.replaceAll('.', '\\.')} {2}HTTP 500 {2}16 ms`),
    );
  });
});
