import { createPublicKey, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { standardWebhooks } from '../../../lambdas/core/signatures/schemes/standard-webhooks';
import { SCHEME_FIXTURES } from '../../helpers/scheme-fixtures';
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
    const headers = {
      'webhook-id': SPEC.id,
      'webhook-timestamp': String(SPEC.timestamp),
      'webhook-signature': SPEC.signature,
    };
    expect(verify(specRequest(headers))).toEqual({ valid: true, secretIndex: 0, timestampSeconds: SPEC.timestamp });
  });

  it('sign() reproduces the reference library test vector', () => {
    const headers = standardWebhooks.sign({
      body: toBytes(SPEC.payload),
      secret: SPEC.secret,
      timestampSeconds: SPEC.timestamp,
      id: SPEC.id,
      options: {},
    });
    expect(headers['webhook-signature']).toBe(SPEC.signature);
  });

  it('verify() accepts the svix-* header names', () => {
    const headers = { 'svix-id': SPEC.id, 'svix-timestamp': String(SPEC.timestamp), 'svix-signature': SPEC.signature };
    expect(verify(specRequest(headers)).valid).toBe(true);
  });

  it('verify() accepts a secret given without the whsec_ prefix, as the reference library does', () => {
    const headers = {
      'webhook-id': SPEC.id,
      'webhook-timestamp': String(SPEC.timestamp),
      'webhook-signature': SPEC.signature,
    };
    expect(verify(specRequest(headers, [SPEC.secret.slice('whsec_'.length)])).valid).toBe(true);
  });

  it('sign() output is accepted by the standardwebhooks and svix libraries', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = '{"type":"user.created","name":"ünïcödé"}';
    const headers = standardWebhooks.sign({
      body: toBytes(body),
      secret: SPEC.secret,
      timestampSeconds: now,
      id: 'msg_1',
      options: {},
    });
    expect(new StandardWebhook(SPEC.secret).verify(body, headers)).toEqual(JSON.parse(body));
    const svixHeaders = {
      'svix-id': headers['webhook-id'] as string,
      'svix-timestamp': headers['webhook-timestamp'] as string,
      'svix-signature': headers['webhook-signature'] as string,
    };
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
    expect(verify(signedRequest('standard-webhooks', { secret: old, secrets: [SPEC.secret, old] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });

  it('verify() returns signature_mismatch for a tampered body', () => {
    expect(verify(withBody(signedRequest('standard-webhooks'), '{}'))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() returns signature_mismatch for a changed webhook-id', () => {
    expect(verify(withHeader(signedRequest('standard-webhooks'), 'webhook-id', 'msg_other'))).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('verify() returns stale_timestamp and future_timestamp outside 300 s', () => {
    expect(verify(signedRequest('standard-webhooks', { timestampSeconds: NOW - 301 }))).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verify(signedRequest('standard-webhooks', { timestampSeconds: NOW + 301 }))).toMatchObject({
      reason: 'future_timestamp',
    });
    expect(verify(signedRequest('standard-webhooks', { timestampSeconds: NOW + 300 })).valid).toBe(true);
  });

  it('verify() returns missing_signature, missing_timestamp and malformed_timestamp for absent or bad headers', () => {
    const request = signedRequest('standard-webhooks');
    expect(verify(withHeader(request, 'webhook-signature', undefined))).toMatchObject({ reason: 'missing_signature' });
    expect(verify(withHeader(request, 'webhook-id', undefined))).toMatchObject({ reason: 'missing_signature' });
    expect(verify(withHeader(request, 'webhook-timestamp', undefined))).toMatchObject({ reason: 'missing_timestamp' });
    expect(verify(withHeader(request, 'webhook-timestamp', 'hello'))).toMatchObject({ reason: 'malformed_timestamp' });
  });

  it("verify() returns malformed_signature for the reference library's invalid and partial signatures", () => {
    const request = signedRequest('standard-webhooks');
    const valid = request.headers['webhook-signature'] as string;
    for (const bad of ['v1,dawfeoifkpqwoekfpqoekf', valid.slice(0, 8), 'v1,']) {
      expect(verify(withHeader(request, 'webhook-signature', bad))).toMatchObject({ reason: 'malformed_signature' });
    }
  });

  it('verify() returns unsupported_version when only v1a (asymmetric) signatures are present', () => {
    const request = withHeader(
      signedRequest('standard-webhooks'),
      'webhook-signature',
      `v1a,${Buffer.alloc(64).toString('base64')}`,
    );
    expect(verify(request)).toMatchObject({ reason: 'unsupported_version' });
  });

  it('verify() returns no_secret when no configured secret is a base64 key', () => {
    expect(verify({ ...signedRequest('standard-webhooks'), secrets: ['whsec_not base64!'] })).toMatchObject({
      reason: 'no_secret',
    });
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

describe('standard-webhooks asymmetric (v1a, Ed25519)', () => {
  // The spec's own example message (spec/standard-webhooks.md, "Signature scheme"); the spec publishes
  // no key for its v1a example, so the key is RFC 8032's test 1 key pair (section 7.1).
  const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const TIMESTAMP = 1674087231;
  const PAYLOAD =
    '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}';
  const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  const whsk = `whsk_${SEED.toString('base64')}`;
  const whpk = `whpk_${PUBLIC.toString('base64')}`;
  const spki = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), PUBLIC]),
    format: 'der',
    type: 'spki',
  });

  const signedV1a = () =>
    standardWebhooks.sign({ body: toBytes(PAYLOAD), secret: whsk, timestampSeconds: TIMESTAMP, id: ID, options: {} });
  const request = (headers: Record<string, string>, secrets: string[]) => ({
    body: toBytes(PAYLOAD),
    headers,
    secrets,
    nowSeconds: TIMESTAMP + 10,
    options: {},
  });

  it('sign() with a whsk_ seed makes a v1a signature that node:crypto verifies over id.timestamp.payload', () => {
    const headers = signedV1a();
    expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const signature = Buffer.from((headers['webhook-signature'] as string).slice(4), 'base64');
    expect(cryptoVerify(null, Buffer.from(`${ID}.${TIMESTAMP}.${PAYLOAD}`), spki, signature)).toBe(true);
  });

  it('verify() accepts a v1a signature with the whpk_ public key, in a header that also carries a v1 signature', () => {
    const v1 = standardWebhooks.sign({
      body: toBytes(PAYLOAD),
      secret: SCHEME_FIXTURES['standard-webhooks'].secret,
      timestampSeconds: TIMESTAMP,
      id: ID,
      options: {},
    });
    const both = {
      ...signedV1a(),
      'webhook-signature': `${v1['webhook-signature']} ${signedV1a()['webhook-signature']}`,
    };
    expect(verify(request(both, [whpk]))).toEqual({ valid: true, secretIndex: 0, timestampSeconds: TIMESTAMP });
    expect(verify(request(both, [SCHEME_FIXTURES['standard-webhooks'].secret]))).toMatchObject({ valid: true });
  });

  it('verify() refuses a v1a signature over a tampered body or under another public key', () => {
    const headers = signedV1a();
    expect(verify({ ...request(headers, [whpk]), body: toBytes(PAYLOAD.replace('contact', 'account')) })).toMatchObject(
      { valid: false, reason: 'signature_mismatch' },
    );
    const other = `whpk_${generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64')}`;
    expect(verify(request(headers, [other]))).toMatchObject({ valid: false, reason: 'signature_mismatch' });
  });

  it('verify() does not let a whsec_ secret accept a v1a-only header, and says a whpk_ key is needed', () => {
    expect(verify(request(signedV1a(), [SCHEME_FIXTURES['standard-webhooks'].secret]))).toMatchObject({
      valid: false,
      reason: 'unsupported_version',
      detail: expect.stringMatching(/whpk_/),
    });
  });

  it('checkSecret() accepts 32-byte whpk_/whsk_ keys and flags anything else', () => {
    expect(standardWebhooks.checkSecret(whpk)).toBeUndefined();
    expect(standardWebhooks.checkSecret('whpk_AAAA')).toMatch(/32 raw/);
  });
});
