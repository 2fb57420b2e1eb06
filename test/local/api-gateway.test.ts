/** The local API Gateway: the payload 2.0 event it builds, its routes, and its limits. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, isTextBody, matchRoute, toApiGatewayEvent, type RawRequest } from '../../local/api-gateway';
import { rawRequest } from '../e2e/helpers';

const base: RawRequest = {
  method: 'POST',
  target: '/webhooks/stripe?x=1&x=2&y=%20z',
  rawHeaders: [
    'Host',
    '127.0.0.1:3000',
    'Content-Type',
    'application/json',
    'X-Dup',
    'a',
    'x-dup',
    'b',
    'Cookie',
    'a=1; b=2',
    'User-Agent',
    'test/1',
  ],
  body: Buffer.from('{"ok":true}'),
  sourceIp: '127.0.0.1',
  protocol: 'http',
  localHost: '127.0.0.1',
  localPort: 3000,
  timeEpoch: Date.UTC(2025, 0, 2, 3, 4, 5),
  requestId: 'req-1',
};

describe('toApiGatewayEvent', () => {
  it('builds a payload format 2.0 event like API Gateway', () => {
    const event = toApiGatewayEvent(base, matchRoute('POST', '/webhooks/stripe')!);

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/{source}',
      rawPath: '/webhooks/stripe',
      rawQueryString: 'x=1&x=2&y=%20z',
      queryStringParameters: { x: '1,2', y: ' z' },
      cookies: ['a=1', 'b=2'],
      pathParameters: { source: 'stripe' },
      isBase64Encoded: false,
      body: '{"ok":true}',
      requestContext: {
        http: {
          method: 'POST',
          path: '/webhooks/stripe',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test/1',
        },
        domainName: '127.0.0.1:3000',
        requestId: 'req-1',
        routeKey: 'POST /webhooks/{source}',
        stage: '$default',
        time: '02/Jan/2025:03:04:05 +0000',
        timeEpoch: Date.UTC(2025, 0, 2, 3, 4, 5),
      },
    });
    expect(event.headers).toMatchObject({
      'content-type': 'application/json',
      'x-dup': 'a,b',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-port': '3000',
    });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(Object.keys(event.headers).every((h) => h === h.toLowerCase())).toBe(true);
  });

  it.each([
    ['application/octet-stream', Buffer.from('abc'), true],
    ['application/json', Buffer.from([0x7b, 0xff, 0x7d]), true],
    [undefined, Buffer.from('{}'), true],
    ['application/json; charset=utf-8', Buffer.from('{}'), false],
    ['application/vnd.api+json', Buffer.from('{}'), false],
    ['application/x-www-form-urlencoded', Buffer.from('a=1'), false],
    ['text/plain', Buffer.from('hi'), false],
  ])('content type %s → isBase64Encoded %s', (contentType, body, encoded) => {
    const rawHeaders = contentType === undefined ? [] : ['content-type', contentType];
    const event = toApiGatewayEvent({ ...base, rawHeaders, body }, matchRoute('POST', '/webhooks/stripe')!);

    expect(event.isBase64Encoded).toBe(encoded);
    expect(Buffer.from(event.body!, encoded ? 'base64' : 'utf8').equals(body)).toBe(true);
    expect(isTextBody(contentType, body)).toBe(!encoded);
  });

  it('has no body and isBase64Encoded false for an empty request', () => {
    const event = toApiGatewayEvent({ ...base, body: Buffer.alloc(0) }, matchRoute('POST', '/webhooks/stripe')!);

    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it("replaces client-sent forwarding headers with the gateway's own", () => {
    const event = toApiGatewayEvent(
      { ...base, rawHeaders: ['X-Forwarded-Proto', 'https', 'X-Forwarded-For', '203.0.113.9'] },
      matchRoute('POST', '/webhooks/stripe')!,
    );

    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  });
});

describe('matchRoute', () => {
  it.each([
    ['POST', '/webhooks/stripe', { routeKey: 'POST /webhooks/{source}', pathParameters: { source: 'stripe' } }],
    ['POST', '/webhooks/a%2Fb', { routeKey: 'POST /webhooks/{source}', pathParameters: { source: 'a/b' } }],
    ['GET', '/health', { routeKey: 'GET /health' }],
    ['POST', '/health', undefined],
    ['GET', '/webhooks/stripe', undefined],
    ['POST', '/webhooks/stripe/', undefined],
    ['POST', '/webhooks/../stripe', undefined],
    ['POST', '/webhooks/%E0%A4%A', undefined],
  ])('%s %s', (method, path, expected) => {
    expect(matchRoute(method, path)).toEqual(expected);
  });
});

describe('createApiServer', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function start(
    invoke: (e: APIGatewayProxyEventV2) => Promise<{ statusCode: number; body?: string }>,
    maxBodyBytes?: number,
  ): Promise<number> {
    server = createApiServer({ invoke, ...(maxBodyBytes !== undefined && { maxBodyBytes }) });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return (server.address() as AddressInfo).port;
  }

  it('hands the verifier the exact bytes and returns its answer', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const port = await start(async (e) => {
      seen.push(e);
      return { statusCode: 202, body: '{"status":"accepted","id":"x"}' };
    });

    const answer = await rawRequest(
      port,
      'POST /webhooks/s HTTP/1.1\r\nHost: h\r\nContent-Type: application/octet-stream\r\nContent-Length: 3\r\n',
      Buffer.from([1, 2, 3]),
    );

    expect(answer.status).toBe(202);
    expect(answer.headers['apigw-requestid']).toBeDefined();
    expect(seen[0]!.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen[0]!.body!, 'base64')).toEqual(Buffer.from([1, 2, 3]));
  });

  it('answers 413 above the payload limit without calling the verifier, declared or chunked', async () => {
    let calls = 0;
    const port = await start(async () => {
      calls++;
      return { statusCode: 200 };
    }, 16);

    const declared = await rawRequest(
      port,
      'POST /webhooks/s HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n',
      'x'.repeat(17),
    );
    const chunk = 'x'.repeat(20);
    const chunked = await rawRequest(
      port,
      'POST /webhooks/s HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
    );

    expect([declared.status, chunked.status]).toEqual([413, 413]);
    expect(JSON.parse(declared.body)).toMatchObject({ error: 'payload_too_large' });
    expect(calls).toBe(0);
  });

  it('answers unknown routes with a JSON 404 without calling the verifier', async () => {
    let calls = 0;
    const port = await start(async () => {
      calls++;
      return { statusCode: 200 };
    });

    const answer = await rawRequest(port, 'DELETE /anything HTTP/1.1\r\nHost: h\r\n');

    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: 'not_found', message: 'Not Found' });
    expect(calls).toBe(0);
  });

  it('answers malformed HTTP with a JSON 400', async () => {
    const port = await start(async () => ({ statusCode: 200 }));

    const answer = await rawRequest(port, 'POST /webhooks/s HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n');

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'bad_request' });
  });
});
