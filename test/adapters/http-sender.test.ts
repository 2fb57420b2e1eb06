import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSender, USER_AGENT } from '../../lambdas/adapters/http-sender';
import { ssrfPolicy } from '../../lambdas/core/outbound/delivery/ssrf';
import type { OutboundRequest } from '../../lambdas/core/outbound/ports';
import pkg from '../../package.json';
import { FakeResolver } from '../helpers/outbound';

const CERT = readFileSync(new URL('./fixtures/receiver-test.crt', import.meta.url));
const KEY = readFileSync(new URL('./fixtures/receiver-test.key', import.meta.url));

/** The local receivers live on 127.0.0.1, which the default policy refuses: the tests allow it explicitly. */
const LOOPBACK_ALLOWED = ssrfPolicy(['127.0.0.0/8']);
const resolver = new FakeResolver({
  'receiver.test': ['127.0.0.1'],
  'other.test': ['127.0.0.1'],
  'internal.test': ['10.0.0.8'],
});

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  servername?: string | false | null;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A receiver on 127.0.0.1 with a random port, recording what it receives. */
async function receiver(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void, tls = false) {
  const received: Received[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
        servername: (req.socket as TLSSocket).servername,
      });
      handle(req, res);
    });
  };
  const server = tls ? https.createServer({ cert: CERT, key: KEY }, listener) : http.createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, server };
}

function request(url: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    url,
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-signature': 'v1,c2lnbmF0dXJl' },
    body: Buffer.from('{"type":"invoice.paid"}'),
    timeoutMs: 2000,
    ...overrides,
  };
}

describe('createHttpSender()', () => {
  it('POSTs the body and headers with the project User-Agent, to the checked address, keeping the host name', async () => {
    const { port, received } = await receiver((_req, res) => res.writeHead(202).end('accepted'));
    const sender = createHttpSender({ policy: LOOPBACK_ALLOWED, resolver });

    const result = await sender.send(request(`http://receiver.test:${port}/hooks?x=1`));

    expect(result).toMatchObject({ kind: 'response', status: 202, body: 'accepted', bodyTruncated: false });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hooks?x=1', body: '{"type":"invoice.paid"}' });
    expect(received[0]!.headers).toMatchObject({
      host: `receiver.test:${port}`,
      'user-agent': `webhook-ingestion-stack/${pkg.version}`,
      'content-type': 'application/json',
      'content-length': '23',
      'webhook-id': 'msg_1',
    });
    expect(USER_AGENT).toBe(`webhook-ingestion-stack/${pkg.version}`);
  });

  it('resolves once per attempt: the connection uses the checked answer, not a second lookup', async () => {
    const { port } = await receiver((_req, res) => res.end());
    const counting = new FakeResolver({ 'receiver.test': ['127.0.0.1'] });

    await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver: counting }).send(
      request(`http://receiver.test:${port}/`),
    );

    expect(counting.lookups).toEqual(['receiver.test']);
  });

  it('returns a 500 with its Retry-After', async () => {
    const { port } = await receiver((_req, res) => res.writeHead(500, { 'retry-after': '120' }).end('down'));

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'response', status: 500, retryAfter: '120', body: 'down' });
  });

  it("does not follow a redirect: the 3xx is the attempt's status", async () => {
    const { port, received } = await receiver((req, res) =>
      req.url === '/hooks' ? res.writeHead(302, { location: '/moved' }).end() : res.writeHead(200).end(),
    );

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/hooks`),
    );

    expect(result).toMatchObject({ kind: 'response', status: 302 });
    expect(received.map((r) => r.url)).toEqual(['/hooks']);
  });

  it('times out a server that never answers, and closes the connection', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const { port } = await receiver((req) => req.socket.once('close', closed));

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/`, { timeoutMs: 300 }),
    );

    expect(result).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(1500);
    await connectionClosed;
  });

  it('times out a response whose body does not finish in time: the budget covers the whole response', async () => {
    const { port } = await receiver((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/`, { timeoutMs: 300 }),
    );

    expect(result).toMatchObject({ kind: 'error', error: 'timeout' });
  });

  it('reports a refused connection', async () => {
    const { port, server } = await receiver(() => {});
    servers.splice(servers.indexOf(server), 1);
    await new Promise((resolve) => server.close(resolve));

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'error', error: 'connection', detail: 'ECONNREFUSED' });
  });

  it('reads at most 4 KiB of a large response body', async () => {
    const { port } = await receiver((_req, res) => res.writeHead(500).end('x'.repeat(100_000)));

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'response', status: 500, bodyTruncated: true });
    expect(result.kind === 'response' && result.body).toBe('x'.repeat(4096));
  });

  it('keeps a body of exactly 4 KiB whole', async () => {
    const { port } = await receiver((_req, res) => res.writeHead(200).end('y'.repeat(4096)));

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`http://receiver.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'response', bodyTruncated: false });
    expect(result.kind === 'response' && result.body.length).toBe(4096);
  });

  it('blocks a host name that resolves to a private address, without connecting', async () => {
    const result = await createHttpSender({ policy: ssrfPolicy(), resolver }).send(request('http://internal.test/'));

    expect(result).toMatchObject({ kind: 'error', error: 'blocked', detail: expect.stringContaining('10.0.0.8') });
  });

  it('blocks loopback when it is not an allowed subnet: the receiver sees nothing', async () => {
    const { port, received } = await receiver((_req, res) => res.end());

    const byName = await createHttpSender({ policy: ssrfPolicy(), resolver }).send(
      request(`http://receiver.test:${port}/`),
    );
    const byLiteral = await createHttpSender({ policy: ssrfPolicy(), resolver }).send(
      request(`http://127.0.0.1:${port}/`),
    );

    expect([byName, byLiteral]).toMatchObject([{ error: 'blocked' }, { error: 'blocked' }]);
    expect(received).toEqual([]);
  });

  it('reports a name that does not resolve as a dns error', async () => {
    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(request('http://nowhere.test/'));

    expect(result).toMatchObject({ kind: 'error', error: 'dns' });
  });

  it('refuses a scheme other than http and https', async () => {
    expect(
      await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(request('ftp://receiver.test/')),
    ).toMatchObject({ error: 'blocked' });
  });
});

describe('createHttpSender() over TLS', () => {
  it('verifies the certificate: an untrusted one fails with error kind tls', async () => {
    const { port, received } = await receiver((_req, res) => res.end(), true);

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver }).send(
      request(`https://receiver.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'error', error: 'tls' });
    expect(received).toEqual([]);
  });

  it('verifies against the host name while connecting to the checked address (SNI is the name)', async () => {
    const { port, received } = await receiver((_req, res) => res.writeHead(200).end('ok'), true);

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver, ca: CERT }).send(
      request(`https://receiver.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'response', status: 200 });
    expect(received[0]!.servername).toBe('receiver.test');
  });

  it('fails with tls when the certificate names another host', async () => {
    const { port } = await receiver((_req, res) => res.end(), true);

    const result = await createHttpSender({ policy: LOOPBACK_ALLOWED, resolver, ca: CERT }).send(
      request(`https://other.test:${port}/`),
    );

    expect(result).toMatchObject({ kind: 'error', error: 'tls', detail: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });
});
