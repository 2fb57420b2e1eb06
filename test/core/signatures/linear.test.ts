import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linear } from '../../../lambdas/core/signatures/schemes/linear';
import { NOW, signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => linear.verify(request as never);

// Linear publishes no fixed vector; its SDK tests (linear/linear packages/sdk/src/_tests/LinearWebhooks.test.ts)
// sign with createHmac over the raw body, so we do the same, independently of linear.sign().
const SECRET = 'SECRET';
function linearRequest(payload: object, nowSeconds = NOW) {
  const raw = JSON.stringify(payload);
  return {
    body: toBytes(raw),
    headers: { 'linear-signature': createHmac('sha256', SECRET).update(raw).digest('hex') },
    secrets: [SECRET],
    nowSeconds,
    options: {},
  };
}
const COMMENT = {
  action: 'create',
  type: 'Comment',
  data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', body: 'Indeed' },
};

describe('linear', () => {
  it('verify() accepts a body signed as the Linear SDK tests sign it, with webhookTimestamp now', () => {
    expect(verify(linearRequest({ ...COMMENT, webhookTimestamp: NOW * 1000 }))).toEqual({
      valid: true,
      secretIndex: 0,
      timestampSeconds: NOW,
    });
  });

  it("verify() returns stale_timestamp for the SDK test's 2023 webhookTimestamp", () => {
    expect(verify(linearRequest({ ...COMMENT, webhookTimestamp: 1677611643000 }))).toMatchObject({
      reason: 'stale_timestamp',
    });
  });

  it('verify() allows 60 s either way, in milliseconds', () => {
    expect(verify(linearRequest({ ...COMMENT, webhookTimestamp: (NOW - 60) * 1000 })).valid).toBe(true);
    expect(verify(linearRequest({ ...COMMENT, webhookTimestamp: (NOW - 61) * 1000 }))).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verify(linearRequest({ ...COMMENT, webhookTimestamp: (NOW + 61) * 1000 }))).toMatchObject({
      reason: 'future_timestamp',
    });
  });

  it('verify() returns missing_timestamp for a signed body without webhookTimestamp', () => {
    expect(verify(linearRequest(COMMENT))).toMatchObject({ reason: 'missing_timestamp' });
  });

  it('verify() reads the top-level webhookTimestamp when the key also appears nested', () => {
    const payload = { ...COMMENT, data: { webhookTimestamp: 1 }, webhookTimestamp: NOW * 1000 };
    expect(verify(linearRequest(payload)).valid).toBe(true);
  });

  it('verify() returns signature_mismatch for a tampered body, including a moved timestamp', () => {
    const request = signedRequest('linear');
    expect(verify(withBody(request, JSON.stringify({ ...COMMENT, webhookTimestamp: NOW * 1000 })))).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('verify() returns malformed_signature for a prefixed or truncated digest', () => {
    const request = signedRequest('linear');
    const header = request.headers['linear-signature'] as string;
    expect(verify(withHeader(request, 'linear-signature', `sha256=${header}`))).toMatchObject({
      reason: 'malformed_signature',
    });
    expect(verify(withHeader(request, 'linear-signature', header.slice(2)))).toMatchObject({
      reason: 'malformed_signature',
    });
  });

  it('verify() reports which of several configured secrets matched', () => {
    expect(verify(signedRequest('linear', { secret: 'old', secrets: ['new', 'old'] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });
});
