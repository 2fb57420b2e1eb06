import { describe, expect, it } from 'vitest';
import { paddle } from '../../../lambdas/core/signatures/schemes/paddle';
import { NOW, signedRequest, toBytes, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => paddle.verify(request as never);

// Vectors from Paddle's official Node SDK, PaddleHQ/paddle-node-sdk
// src/__tests__/notifications/webhooks-validator.test.ts (secret "VALID_SECRET", now = 2023-11-01T00:00:00Z).
const TS = 1698796800;
const SECRET = 'VALID_SECRET';
function request(body: string, header: string, nowSeconds = TS, secret = SECRET) {
  return { body: toBytes(body), headers: { 'paddle-signature': header }, secrets: [secret], nowSeconds, options: {} };
}
const VALID = `ts=${TS};h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9`;

describe('paddle', () => {
  it("verify() accepts the SDK's valid signature vector", () => {
    expect(verify(request('{"data": ["1", "2"]}', VALID))).toEqual({
      valid: true,
      secretIndex: 0,
      timestampSeconds: TS,
    });
  });

  it("verify() accepts the SDK's multiple-hashes vector and ignores h2", () => {
    const h1 = '28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261';
    expect(verify(request('{"data": "value"}', `ts=${TS};h1=${h1};h1=${h1};h2=RANDOM_HASH`)).valid).toBe(true);
  });

  it("verify() rejects the SDK's negative vectors: other secret, reformatted body", () => {
    expect(verify(request('{"data": ["1", "2"]}', VALID, TS, 'INVALID_VALID_SECRET'))).toMatchObject({
      reason: 'signature_mismatch',
    });
    expect(verify(request('{ "data": [ "1", "2" ]}', VALID))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it("verify() applies the SDK's five-second window: valid at +5 s, stale at +6 s and days later", () => {
    expect(verify(request('{"data": ["1", "2"]}', VALID, TS + 1)).valid).toBe(true);
    expect(verify(request('{"data": ["1", "2"]}', VALID, TS + 5)).valid).toBe(true);
    expect(verify(request('{"data": ["1", "2"]}', VALID, TS + 6))).toMatchObject({ reason: 'stale_timestamp' });
    expect(verify(request('{"data": ["1", "2"]}', VALID, TS + 4 * 86400))).toMatchObject({ reason: 'stale_timestamp' });
  });

  it("verify() returns a typed failure for the SDK's invalid headers instead of throwing", () => {
    expect(verify(request('{}', 'invalid_header'))).toMatchObject({ reason: 'malformed_signature' });
    expect(verify(request('{}', 'h1=invalid_header'))).toMatchObject({ reason: 'missing_timestamp' });
    expect(verify(request('{}', 'ts=1234;h2=invalid_header'))).toMatchObject({ reason: 'unsupported_version' });
    expect(verify(request('{}', 'ts=1234;h1=invalid_signature'))).toMatchObject({ reason: 'malformed_signature' });
  });

  it('verify() returns future_timestamp beyond the tolerance ahead of now', () => {
    expect(verify(signedRequest('paddle', { timestampSeconds: NOW + 6 }))).toMatchObject({
      reason: 'future_timestamp',
    });
  });

  it('verify() reports which of several configured secrets matched', () => {
    expect(verify(signedRequest('paddle', { secret: 'pdl_old', secrets: ['pdl_new', 'pdl_old'] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });

  it('verify() returns missing_signature without the header', () => {
    expect(verify(withHeader(signedRequest('paddle'), 'paddle-signature', undefined))).toMatchObject({
      reason: 'missing_signature',
    });
  });
});
