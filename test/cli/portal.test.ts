/**
 * `portal open` and `portal rotate-key` against a stand-in API: the session is asked of the operator route with
 * what the flags say, the link is printed alone on stdout (for `$(…)` and pipes), the rest on stderr.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-io';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';

let api: RecordingServer;
beforeAll(async () => {
  api = await recordingServer();
});
afterAll(() => api.close());
beforeEach(() => {
  api.received.length = 0;
});

const SESSION = {
  url: 'http://127.0.0.1:3000/portal#token=a.b.c',
  token: 'a.b.c',
  tenant: 'acme',
  scope: 'read',
  expiresAt: '2026-12-02T07:00:00.000Z',
};

describe('portal open', () => {
  it('asks for a session of the tenant with the flags’ scope and lifetime, and prints only the link on stdout', async () => {
    api.answer = { status: 201, body: SESSION };

    const r = await cli('portal', 'open', '--tenant', 'acme', '--read-only', '--expires', '30m', '--url', api.url);

    expect(r.code).toBe(0);
    expect(api.received).toMatchObject([{ method: 'POST', url: '/v1/tenants/acme/portal-sessions' }]);
    expect(JSON.parse(api.received[0]!.body)).toEqual({ readOnly: true, expiresInSeconds: 1800 });
    expect(r.stdout).toEqual([SESSION.url]);
    expect(r.stderr.join('\n')).toContain('Portal of tenant acme, read-only, until 2026-12-02T07:00:00.000Z');
  });

  it('asks for the default session (read-write, an hour) without flags', async () => {
    api.answer = { status: 201, body: { ...SESSION, scope: 'write' } };
    await cli('portal', 'open', '--tenant', 'acme', '--url', api.url);
    expect(JSON.parse(api.received[0]!.body)).toEqual({});
  });

  it.each([
    [['portal', 'open'], '--tenant is required'],
    [['portal', 'open', '--tenant', 'acme', '--expires', '10s'], '--expires: a session lasts 1 minute to 24 hours'],
    [
      ['portal', 'open', '--tenant', 'acme', '--expires', 'soon'],
      '--expires: "soon" is not a duration like 90s, 30m or 1h',
    ],
    [['portal'], 'portal: open, console or rotate-key?'],
    [['portal', 'console', '--expires', '2h'], '--expires: a console session lasts an hour at most'],
  ])('refuses %j: %s, sending nothing', async (args, message) => {
    const r = await cli(...args, '--url', api.url);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toContain(message);
    expect(api.received).toEqual([]);
  });
});

describe('portal rotate-key', () => {
  it('asks the local stack for a new key', async () => {
    api.answer = {
      status: 200,
      body: { rotated: true, message: 'Every portal session signed before now is refused.' },
    };
    const r = await cli('portal', 'rotate-key', '--url', api.url);
    expect(r.code).toBe(0);
    expect(api.received).toMatchObject([{ method: 'POST', url: '/_local/portal/rotate-key' }]);
    expect(r.stdout).toEqual(['Portal signing key rotated. Every portal session signed before now is refused.']);
  });
});

describe('portal console', () => {
  it('asks the operator route for a console session and prints only the link on stdout', async () => {
    const { tenant: _, ...session } = SESSION;
    api.answer = { status: 201, body: { ...session, url: 'http://127.0.0.1:3000/console#token=a.b.c' } };

    const r = await cli('portal', 'console', '--read-only', '--expires', '15m', '--url', api.url);

    expect(r.code).toBe(0);
    expect(api.received).toMatchObject([{ method: 'POST', url: '/v1/console-sessions' }]);
    expect(JSON.parse(api.received[0]!.body)).toEqual({ readOnly: true, expiresInSeconds: 900 });
    expect(r.stdout).toEqual(['http://127.0.0.1:3000/console#token=a.b.c']);
    expect(r.stderr.join('\n')).toContain('Operator console, read-only, until 2026-12-02T07:00:00.000Z');
  });
});
