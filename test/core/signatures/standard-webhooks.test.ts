import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { standardWebhooks } from '../../../lambdas/core/signatures/schemes/standard-webhooks';
import { NOW, signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => standardWebhooks.verify(request as never);

// Test vector from the reference JavaScript library's "sign function works" test:
// https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function specRequest(headers: Record<string, string>, secrets = [SPEC.secret]) {
  return { body: toBytes(SPEC.payload), headers, secrets, nowSeconds: SPEC.timestamp, options: {} };
}

describe('standard-webhooks', () => {
  it('verify() accepts the reference library test vector', () => {
    const headers = { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp), 'webhook-signature': SPEC.signature };
    expect(verify(specRequest(headers))).toEqual({ valid: true, secretIndex: 0, timestampSeconds: SPEC.timestamp });
  });

  it('sign() reproduces the reference library test vector', () => {
    const headers = standardWebhooks.sign({ body: toBytes(SPEC.payload), secret: SPEC.secret, timestampSeconds: SPEC.timestamp, id: SPEC.id, options: {} });
    expect(headers['webhook-signature']).toBe(SPEC.signature);
  });

  it('verify() accepts the svix-* header names', () => {
    const headers = { 'svix-id': SPEC.id, 'svix-timestamp': String(SPEC.timestamp), 'svix-signature': SPEC.signature };
    expect(verify(specRequest(headers)).valid).toBe(true);
  });

  it('verify() accepts a secret given without the whsec_ prefix, as the reference library does', () => {
    const headers = { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp), 'webhook-signature': SPEC.signature };
    expect(verify(specRequest(headers, [SPEC.secret.slice('whsec_'.length)])).valid).toBe(true);
  });

  it('sign() output is accepted by the standardwebhooks and svix libraries', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = '{"type":"user.created","name":"ünïcödé"}';
    const headers = standardWebhooks.sign({ body: toBytes(body), secret: SPEC.secret, timestampSeconds: now, id: 'msg_1', options: {} });
    expect(new StandardWebhook(SPEC.secret).verify(body, headers)).toEqual(JSON.parse(body));
    const svixHeaders = { 'svix-id': headers['webhook-id'] as string, 'svix-timestamp': headers['webhook-timestamp'] as string, 'svix-signature': headers['webhook-signature'] as string };
    expect(new SvixWebhook(SPEC.secret).verify(body, svixHeaders)).toEqual(JSON.parse(body));
  });

  it('verify() accepts a space-separated list where one v1 entry is valid (the reference "multi sig" case)', () => {
    const request = signedRequest('standard-webhooks');
    const valid = request.headers['webhook-signature'] as string;
    const junk = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const list = [junk, 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', valid, junk].join(' ');
    expect(verify(withHeader(request, 'webhook-signature', list)).valid).toBe(true);
  });

  it('verify() accepts a repeated webhook-signature header joined with a comma', () => {
    const request = signedRequest('standard-webhooks');
    const joined = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=, ${request.headers['webhook-signature']}`;
    expect(verify(withHeader(request, 'webhook-signature', joined)).valid).toBe(true);
  });

  it('verify() reports which of several configured secrets matched', () => {
    const old = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    expect(verify(signedRequest('standard-webhooks', { secret: old, secrets: [SPEC.secret, old] }))).toMatchObject({ valid: true, secretIndex: 1 });
  });

  it('verify() returns signature_mismatch for a tampered body', () => {
    expect(verify(withBody(signedRequest('standard-webhooks'), '{}'))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() returns signature_mismatch for a changed webhook-id', () => {
    expect(verify(withHeader(signedRequest('standard-webhooks'), 'webhook-id', 'msg_other'))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() returns stale_timestamp and future_timestamp outside 300 s', () => {
    expect(verify(signedRequest('standard-webhooks', { timestampSeconds: NOW - 301 }))).toMatchObject({ reason: 'stale_timestamp' });
    expect(verify(signedRequest('standard-webhooks', { timestampSeconds: NOW + 301 }))).toMatchObject({ reason: 'future_timestamp' });
    expect(verify(signedRequest('standard-webhooks', { timestampSeconds: NOW + 300 })).valid).toBe(true);
  });

  it('verify() returns missing_signature, missing_timestamp and malformed_timestamp for absent or bad headers', () => {
    const request = signedRequest('standard-webhooks');
    expect(verify(withHeader(request, 'webhook-signature', undefined))).toMatchObject({ reason: 'missing_signature' });
    expect(verify(withHeader(request, 'webhook-id', undefined))).toMatchObject({ reason: 'missing_signature' });
    expect(verify(withHeader(request, 'webhook-timestamp', undefined))).toMatchObject({ reason: 'missing_timestamp' });
    expect(verify(withHeader(request, 'webhook-timestamp', 'hello'))).toMatchObject({ reason: 'malformed_timestamp' });
  });

  it('verify() returns malformed_signature for the reference library\'s invalid and partial signatures', () => {
    const request = signedRequest('standard-webhooks');
    const valid = request.headers['webhook-signature'] as string;
    for (const bad of ['v1,dawfeoifkpqwoekfpqoekf', valid.slice(0, 8), 'v1,']) {
      expect(verify(withHeader(request, 'webhook-signature', bad))).toMatchObject({ reason: 'malformed_signature' });
    }
  });

  it('verify() returns unsupported_version when only v1a (asymmetric) signatures are present', () => {
    const request = withHeader(signedRequest('standard-webhooks'), 'webhook-signature', `v1a,${Buffer.alloc(64).toString('base64')}`);
    expect(verify(request)).toMatchObject({ reason: 'unsupported_version' });
  });

  it('verify() returns no_secret when no configured secret is a base64 key', () => {
    expect(verify({ ...signedRequest('standard-webhooks'), secrets: ['whsec_not base64!'] })).toMatchObject({ reason: 'no_secret' });
  });

  it('checkSecret() flags a non-base64 key, a short key and whitespace', () => {
    expect(standardWebhooks.checkSecret(SPEC.secret)).toBeUndefined();
    expect(standardWebhooks.checkSecret('whsec_not base64!')).toMatch(/base64/);
    expect(standardWebhooks.checkSecret('whsec_' + Buffer.alloc(8).toString('base64'))).toMatch(/24 to 64/);
    expect(standardWebhooks.checkSecret(` ${SPEC.secret}`)).toMatch(/whitespace/);
  });

  it('sign() throws for an empty or non-base64 secret', () => {
    const base = { body: toBytes('{}'), timestampSeconds: NOW, options: {} };
    expect(() => standardWebhooks.sign({ ...base, secret: '' })).toThrow(TypeError);
    expect(() => standardWebhooks.sign({ ...base, secret: 'whsec_***' })).toThrow(TypeError);
  });
});
