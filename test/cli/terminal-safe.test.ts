/**
 * Nothing a tenant or a receiver wrote reaches the operator's terminal as a control sequence: URLs, descriptions,
 * disabled reasons, response bodies, error details, payloads, labels and the API's error messages are printed through
 * `terminalSafe`, in text and in `--json` alike.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { terminalSafe } from '../../cli/lib/output';
import { endpointStatus } from '../../lambdas/core/outbound/endpoints/status-report';
import { cli } from '../helpers/cli-io';
import { delivery, endpoint, message, NOW } from '../helpers/outbound';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';

/** Set the window title, clear the screen (C0 and C1 forms), overwrite the line, reverse the text, split the line. */
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u009b2J\rfake line\u202eesrever\u2028\u0000\u007f';
/** What must never be written to a terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

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

describe('terminalSafe()', () => {
  it('writes every control character as a \\u escape and leaves other text as it is', () => {
    expect(terminalSafe('a\u001b[31mb\u009bc\u202ed\re\nf')).toBe('a\\u001b[31mb\\u009bc\\u202ed\\u000de\\u000af');
    expect(terminalSafe('café 日本 → ok')).toBe('café 日本 → ok');
  });

  it('keeps a JSON line valid JSON', () => {
    const json = JSON.stringify({ body: HOSTILE });

    expect(JSON.parse(terminalSafe(json))).toEqual({ body: HOSTILE });
  });
});

describe('every printer of tenant data', () => {
  const { secrets: _s, sealedHeaders: _h, ...view } = endpoint();
  const hostileEndpoint = {
    ...view,
    url: `https://receiver.example/${HOSTILE}`,
    description: HOSTILE,
    enabled: false,
    disabledReason: HOSTILE,
    headerNames: ['x-token'],
  };
  const failed = delivery({ status: 'failed', attemptCount: 1, skipReason: HOSTILE, type: 'invoice.paid' });
  const attempts = [
    { ...failed, number: 1, at: NOW, latencyMs: 5, status: 500, responseBody: HOSTILE },
    { ...failed, number: 2, at: NOW, latencyMs: 5, error: 'connection', errorDetail: HOSTILE },
  ];
  const { fingerprint: _f, ...stored } = message({ payload: JSON.stringify({ note: HOSTILE }) });

  it.each<[string, string[], unknown]>([
    ['endpoints list', ['endpoints', 'list'], { endpoints: [hostileEndpoint] }],
    ['endpoints list --json', ['endpoints', 'list', '--json'], { endpoints: [hostileEndpoint] }],
    ['endpoints show', ['endpoints', 'show', 'ep_1'], { endpoint: hostileEndpoint, status: 'quiet' }],
    ['deliveries list', ['deliveries', 'list'], { deliveries: [failed] }],
    ['deliveries show', ['deliveries', 'show', 'dlv_1'], { delivery: failed, attempts }],
    ['deliveries show --json', ['deliveries', 'show', 'dlv_1', '--json'], { delivery: failed, attempts }],
    ['messages show', ['messages', 'show', 'msg_1'], { message: stored, deliveries: [failed], complete: true }],
  ])('%s writes no control character', async (_what, args, body) => {
    const status = (body as { status?: unknown }).status === 'quiet' ? { status: await quietStatus() } : {};
    api.answer = { status: 200, body: { ...(body as object), ...status } };

    const r = await cli(...args, '--tenant', 'acme', '--url', api.url);

    expect(r.code, r.stderr.join('\n')).toBe(0);
    expect(r.stdout.join('')).toContain('\\u001b');
    for (const line of [...r.stdout, ...r.stderr]) expect(line).not.toMatch(CONTROL);
  });

  it('an error message the API answers is escaped too, with or without --json', async () => {
    api.answer = { status: 400, body: { error: 'bad_request', message: `Unknown field ${HOSTILE}` } };

    const text = await cli('endpoints', 'list', '--tenant', 'acme', '--url', api.url);
    const json = await cli('endpoints', 'list', '--tenant', 'acme', '--url', api.url, '--json');

    expect(text.code).toBe(1);
    for (const line of [...text.stderr, ...json.stderr]) expect(line).not.toMatch(CONTROL);
    expect(text.stderr[0]).toContain('\\u001b]0;pwned');
  });
});
