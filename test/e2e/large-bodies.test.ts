/**
 * Payload limits through the local API Gateway: a body over API Gateway's 10 MB is answered 413 to a client that
 * is still sending (Node's fetch sees the 413, not EPIPE), and an event over Lambda's 6 MiB invocation request
 * never reaches the verifier.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PAYLOAD_LIMITS } from '../../lambdas/contract';
import { signedRequest, startTestStack, type TestStack } from './helpers';

let t: TestStack | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('large bodies', () => {
  it('answers 413 naming the limit to a client still sending an 11 MB body', async () => {
    t = await startTestStack();
    const response = await fetch(`${t.stack.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(11 * 1024 * 1024, 0x20),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: 'payload_too_large',
      message: `The request body exceeds the ${PAYLOAD_LIMITS.apiGatewayBytes}-byte API limit.`,
    });
  });

  it('refuses, as Lambda does, an event whose escaped body makes the invocation request over 6 MiB', async () => {
    t = await startTestStack();
    // 3.5 MB of quotes: within the source's limit, but each is escaped in the event's JSON.
    const body = Buffer.from(JSON.stringify({ id: 'evt_quotes', pad: '"'.repeat(3_500_000) }));
    const request = signedRequest(t.stack.url, 'stripe', { body, id: 'evt_quotes' });
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    expect(response.status).toBe(413);
    expect(await t.stack.getEvent('stripe', 'evt_quotes')).toBeUndefined();
  });
});
