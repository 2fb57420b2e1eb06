/**
 * Malformed requests, each breaking exactly one thing: every one is a 4xx with its JSON error code,
 * and none stores a record or enqueues a message. Requests go over raw sockets (so paths are not
 * normalized and headers can repeat), except the `isBase64Encoded` lies, which API Gateway would
 * never produce from HTTP and are handed to the verifier handler directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { API_GATEWAY_MAX_BODY_BYTES, matchRoute, toApiGatewayEvent } from '../../local/api-gateway';
import { MAX_BODY_BYTES_LIMIT } from '../../lib/config-schema';
import type { SignedRequest } from '../../cli/lib/webhook-request';
import { localSources } from '../../config/local';
import { localSource, rawRequest, signedRequest, startTestStack, type TestStack } from './helpers';

let t: TestStack;
const vpcSource = {
  ...localSource('stripe'),
  source: { id: 'stripe-vpc', scheme: 'stripe' as const, allowedCidrs: ['10.0.0.0/8'] },
};

beforeAll(async () => {
  t = await startTestStack({ sources: [...localSources, vpcSource] });
});
afterAll(async () => {
  await t?.stop();
});

interface Outcome {
  readonly status: number;
  readonly error: string | undefined;
}

type Header = readonly [string, string];

function headerList(
  request: SignedRequest,
  change: { drop?: readonly string[]; set?: Readonly<Record<string, string>>; add?: readonly Header[] } = {},
): Header[] {
  const out: Header[] = [];
  for (const [k, v] of Object.entries({ ...request.headers, ...change.set }))
    if (!change.drop?.includes(k)) out.push([k, v]);
  return [...out, ...(change.add ?? [])];
}

async function send(
  method: string,
  path: string,
  headers: readonly Header[],
  body: Buffer | string = '',
  extraHead = '',
): Promise<Outcome> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.stack.port}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  head += extraHead;
  if (!/content-length|transfer-encoding/i.test(extraHead)) head += `Content-Length: ${bytes.length}\r\n`;
  const answer = await rawRequest(t.stack.port, head, bytes);
  let error: string | undefined;
  try {
    error = (JSON.parse(answer.body) as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { status: answer.status, error };
}

/** Sends a signed request for `source` with one thing changed. */
function sendSigned(
  source: string,
  change: {
    drop?: readonly string[];
    set?: Readonly<Record<string, string>>;
    add?: readonly Header[];
    body?: Buffer | string;
    path?: string;
    sign?: Parameters<typeof signedRequest>[2];
  } = {},
): Promise<Outcome> {
  const request = signedRequest(t.stack.url, source, change.sign ?? {});
  return send('POST', change.path ?? `/webhooks/${source}`, headerList(request, change), change.body ?? request.body);
}

/** A body signed correctly, for cases where the signature is right and the content is wrong. */
function signedBody(source: string, body: Buffer, set: Readonly<Record<string, string>> = {}): Promise<Outcome> {
  const request = signedRequest(t.stack.url, source, { body });
  return send('POST', `/webhooks/${source}`, headerList(request, { set }), body);
}

async function invokeWith(
  lie: (event: APIGatewayProxyEventV2, request: SignedRequest) => APIGatewayProxyEventV2,
): Promise<Outcome> {
  const request = signedRequest(t.stack.url, 'stripe');
  const rawHeaders = Object.entries({ ...request.headers, host: `127.0.0.1:${t.stack.port}` }).flat();
  const event = toApiGatewayEvent(
    {
      method: 'POST',
      target: '/webhooks/stripe',
      rawHeaders,
      body: request.body,
      sourceIp: '127.0.0.1',
      protocol: 'http',
      localHost: '127.0.0.1',
      localPort: t.stack.port,
    },
    matchRoute('POST', '/webhooks/stripe')!,
  );
  const result = await t.stack.invokeVerifier(lie(event, request));
  return { status: result.statusCode, error: (JSON.parse(result.body ?? '{}') as { error?: string }).error };
}

const now = () => Date.now();
const HOUR = 3_600_000;
const hex64 = 'ab'.repeat(32);

const cases: ReadonlyArray<readonly [string, number, string, () => Promise<Outcome>]> = [
  // Signature headers: missing, empty, garbage, duplicated, oversized.
  [
    'stripe: signature header missing',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { drop: ['stripe-signature'] }),
  ],
  [
    'stripe: signature header empty',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { set: { 'stripe-signature': '' } }),
  ],
  [
    'stripe: signature header blank',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { set: { 'stripe-signature': '   ' } }),
  ],
  [
    'stripe: signature header garbage',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { set: { 'stripe-signature': 'garbage;;==,,' } }),
  ],
  [
    'stripe: signature without v1',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { set: { 'stripe-signature': `t=${Math.floor(now() / 1000)}` } }),
  ],
  [
    'stripe: v1 not hex',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { set: { 'stripe-signature': `t=${Math.floor(now() / 1000)},v1=${'zz'.repeat(32)}` } }),
  ],
  [
    'stripe: signed with another secret',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { sign: { secret: 'whsec_not_the_local_secret' } }),
  ],
  [
    'stripe: signature header repeated with another timestamp',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { add: [['stripe-signature', `t=${Math.floor(now() / 1000) - 7},v1=${hex64}`]] }),
  ],
  [
    'stripe: 8 KiB signature header of forged digests',
    401,
    'invalid_signature',
    () =>
      sendSigned('stripe', {
        set: { 'stripe-signature': `t=${Math.floor(now() / 1000)}${`,v1=${hex64}`.repeat(120)}` },
      }),
  ],
  [
    'stripe: header block over 16 KiB',
    431,
    'request_header_fields_too_large',
    () => sendSigned('stripe', { add: [['x-padding', 'p'.repeat(20 * 1024)]] }),
  ],
  // Timestamps.
  [
    'stripe: signed an hour ago',
    401,
    'stale_timestamp',
    () => sendSigned('stripe', { sign: { signAtMs: now() - HOUR } }),
  ],
  [
    'stripe: signed an hour ahead',
    401,
    'future_timestamp',
    () => sendSigned('stripe', { sign: { signAtMs: now() + HOUR } }),
  ],
  [
    'stripe: timestamp in milliseconds (not epoch seconds)',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { sign: { signAtMs: now() * 1000 } }),
  ],
  [
    'standard-webhooks: timestamp a day old',
    401,
    'stale_timestamp',
    () => sendSigned('standard-webhooks', { sign: { signAtMs: now() - 24 * HOUR } }),
  ],
  [
    'standard-webhooks: timestamp not a number',
    401,
    'invalid_signature',
    () => sendSigned('standard-webhooks', { set: { 'webhook-timestamp': 'yesterday' } }),
  ],
  [
    'slack: timestamp ten minutes ahead',
    401,
    'future_timestamp',
    () => sendSigned('slack', { sign: { signAtMs: now() + 10 * 60_000 } }),
  ],
  [
    'paddle: outside its 5-second tolerance',
    401,
    'stale_timestamp',
    () => sendSigned('paddle', { sign: { signAtMs: now() - 60_000 } }),
  ],
  [
    'linear: stale webhookTimestamp inside the signed body',
    401,
    'stale_timestamp',
    () => sendSigned('linear', { sign: { nowMs: now() - 10 * 60_000 } }),
  ],
  // Body and content type.
  [
    'stripe: body changed after signing',
    401,
    'invalid_signature',
    () => sendSigned('stripe', { body: '{"id":"evt_forged","type":"charge.refunded"}' }),
  ],
  [
    'stripe: text/plain content type',
    415,
    'unsupported_content_type',
    () => sendSigned('stripe', { set: { 'content-type': 'text/plain' } }),
  ],
  ['stripe: no content type', 415, 'unsupported_content_type', () => sendSigned('stripe', { drop: ['content-type'] })],
  [
    'stripe: form content type',
    415,
    'unsupported_content_type',
    () => sendSigned('stripe', { set: { 'content-type': 'application/x-www-form-urlencoded' } }),
  ],
  [
    'stripe: content type header repeated',
    415,
    'unsupported_content_type',
    () => sendSigned('stripe', { add: [['content-type', 'application/json']] }),
  ],
  [
    'twilio: a content type Twilio does not send',
    415,
    'unsupported_content_type',
    () => sendSigned('twilio', { set: { 'content-type': 'text/plain' } }),
  ],
  [
    'stripe: invalid JSON after a valid signature',
    400,
    'invalid_body',
    () => signedBody('stripe', Buffer.from('{"id": "evt_1", "type": ')),
  ],
  ['stripe: empty body after a valid signature', 400, 'invalid_body', () => signedBody('stripe', Buffer.alloc(0))],
  [
    'stripe: non-UTF-8 bytes after a valid signature',
    400,
    'invalid_body',
    () =>
      signedBody('stripe', Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])),
  ],
  [
    'stripe: UTF-16 JSON after a valid signature',
    400,
    'invalid_body',
    () => signedBody('stripe', Buffer.from('{"id":"evt_utf16"}', 'utf16le')),
  ],
  [
    "stripe: over the source body limit (Lambda's request limit less room for the event)",
    413,
    'payload_too_large',
    () => signedBody('stripe', Buffer.from(JSON.stringify({ id: 'evt_big', pad: 'x'.repeat(MAX_BODY_BYTES_LIMIT) }))),
  ],
  [
    'any route: over the API payload limit (10 MiB)',
    413,
    'payload_too_large',
    () =>
      send(
        'POST',
        '/webhooks/stripe',
        [['content-type', 'application/json']],
        Buffer.alloc(API_GATEWAY_MAX_BODY_BYTES + 1, 0x20),
      ),
  ],
  [
    'stripe: Content-Length repeated with different values',
    400,
    'bad_request',
    () =>
      send(
        'POST',
        '/webhooks/stripe',
        [['content-type', 'application/json']],
        '{}',
        'Content-Length: 2\r\nContent-Length: 3\r\n',
      ),
  ],
  [
    'stripe: Content-Length and Transfer-Encoding together',
    400,
    'bad_request',
    () =>
      send(
        'POST',
        '/webhooks/stripe',
        [['content-type', 'application/json']],
        '2\r\n{}\r\n0\r\n\r\n',
        'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n',
      ),
  ],
  // Routing: unknown sources, traversal, methods.
  ['unknown source', 404, 'unknown_source', () => sendSigned('stripe', { path: '/webhooks/acme' })],
  ['source id in upper case', 404, 'unknown_source', () => sendSigned('stripe', { path: '/webhooks/STRIPE' })],
  [
    'path traversal: /webhooks/../stripe',
    404,
    'not_found',
    () => sendSigned('stripe', { path: '/webhooks/../stripe' }),
  ],
  [
    'path traversal: encoded ..%2Fstripe',
    404,
    'unknown_source',
    () => sendSigned('stripe', { path: '/webhooks/..%2Fstripe' }),
  ],
  [
    'path traversal: fully encoded %2e%2e%2fgithub',
    404,
    'unknown_source',
    () => sendSigned('stripe', { path: '/webhooks/%2e%2e%2fgithub' }),
  ],
  [
    'path traversal: /webhooks/stripe/../github',
    404,
    'not_found',
    () => sendSigned('stripe', { path: '/webhooks/stripe/../github' }),
  ],
  ['NUL byte in the source', 404, 'unknown_source', () => sendSigned('stripe', { path: '/webhooks/stripe%00' })],
  [
    'malformed percent-encoding in the source',
    404,
    'not_found',
    () => sendSigned('stripe', { path: '/webhooks/str%E0%A4%Aipe' }),
  ],
  ['empty source', 404, 'not_found', () => sendSigned('stripe', { path: '/webhooks/' })],
  ['trailing slash', 404, 'not_found', () => sendSigned('stripe', { path: '/webhooks/stripe/' })],
  ['GET on a webhook route', 404, 'not_found', () => send('GET', '/webhooks/stripe', [])],
  [
    'PUT on a webhook route',
    404,
    'not_found',
    () => send('PUT', '/webhooks/stripe', [['content-type', 'application/json']], '{}'),
  ],
  [
    'source address outside allowedCidrs',
    403,
    'forbidden_source_ip',
    () => sendSigned('stripe', { path: '/webhooks/stripe-vpc', sign: { source: vpcSource } }),
  ],
  // Other schemes' own ways to be wrong.
  [
    'github: only the legacy SHA-1 header',
    401,
    'invalid_signature',
    () =>
      sendSigned('github', { drop: ['x-hub-signature-256'], add: [['x-hub-signature', `sha1=${'ab'.repeat(20)}`]] }),
  ],
  [
    'github: digest one byte short',
    401,
    'invalid_signature',
    () => {
      const request = signedRequest(t.stack.url, 'github');
      return send(
        'POST',
        '/webhooks/github',
        headerList(request, { set: { 'x-hub-signature-256': request.headers['x-hub-signature-256']!.slice(0, -2) } }),
        request.body,
      );
    },
  ],
  [
    'github: signature header repeated, both forged',
    401,
    'invalid_signature',
    () =>
      sendSigned('github', {
        set: { 'x-hub-signature-256': `sha256=${hex64}` },
        add: [['x-hub-signature-256', `sha256=${'cd'.repeat(32)}`]],
      }),
  ],
  [
    'standard-webhooks: webhook-id missing',
    401,
    'invalid_signature',
    () => sendSigned('standard-webhooks', { drop: ['webhook-id'] }),
  ],
  [
    'shopify: digest truncated',
    401,
    'invalid_signature',
    () => {
      const request = signedRequest(t.stack.url, 'shopify');
      return send(
        'POST',
        '/webhooks/shopify',
        headerList(request, {
          set: { 'x-shopify-hmac-sha256': request.headers['x-shopify-hmac-sha256']!.slice(0, 20) },
        }),
        request.body,
      );
    },
  ],
  [
    'twilio: signed for another URL',
    401,
    'invalid_signature',
    () => sendSigned('twilio', { set: { host: 'example.com' } }),
  ],
  [
    'zoom: v1= instead of v0=',
    401,
    'invalid_signature',
    () => {
      const request = signedRequest(t.stack.url, 'zoom');
      return send(
        'POST',
        '/webhooks/zoom',
        headerList(request, { set: { 'x-zm-signature': request.headers['x-zm-signature']!.replace('v0=', 'v1=') } }),
        request.body,
      );
    },
  ],
  [
    'gitlab: wrong token',
    401,
    'invalid_signature',
    () => sendSigned('gitlab', { set: { 'x-gitlab-token': 'not-the-token' } }),
  ],
  [
    'hmac: digest without its sha256= prefix',
    401,
    'invalid_signature',
    () => {
      const request = signedRequest(t.stack.url, 'hmac');
      return send(
        'POST',
        '/webhooks/hmac',
        headerList(request, {
          set: { 'x-webhook-signature': request.headers['x-webhook-signature']!.replace('sha256=', '') },
        }),
        request.body,
      );
    },
  ],
  // isBase64Encoded lies (the verifier must decode exactly as told, and then the signature fails).
  [
    'isBase64Encoded true, body is plain JSON',
    401,
    'invalid_signature',
    () => invokeWith((e) => ({ ...e, isBase64Encoded: true })),
  ],
  [
    'isBase64Encoded false, body is base64',
    401,
    'invalid_signature',
    () => invokeWith((e, r) => ({ ...e, isBase64Encoded: false, body: r.body.toString('base64') })),
  ],
  [
    'isBase64Encoded true, body is not base64 at all',
    401,
    'invalid_signature',
    () => invokeWith((e) => ({ ...e, isBase64Encoded: true, body: '%%% not base64 %%%' })),
  ],
];

describe('malformed requests', () => {
  it('the table has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s → %i %s', async (_name, status, error, run) => {
    const outcome = await run();
    expect(outcome).toEqual({ status, error });
  });

  it('stored nothing and enqueued nothing', async () => {
    expect(await t.stack.listEvents()).toEqual([]);
    expect(t.stack.faults.queue.calls('send')).toBe(0);
    for (const queue of t.stack.queues.values()) expect(queue.stats().sent).toBe(0);
    expect(t.published).toEqual([]);
  });
});
