import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmac, hmacOptionsSchema } from '../../../lambdas/core/signatures/schemes/hmac';
import { NOW, signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => hmac.verify(request as never);
const BODY = '{"event":"order.created","id":42}';
const SECRET = 'in-house-secret';

// The documented configurations (the TSDoc of lambdas/core/signatures/schemes/hmac.ts shows the same three).
// No public vectors exist for an in-house scheme; the expected digests here are computed
// independently with node:crypto, never with the scheme's own sign().
const DOCUMENTED = {
  xWebhookSignature: {},
  bearer: { header: 'Authorization', prefix: 'Bearer ' },
  wss: {
    header: 'X-WSS-Signature',
    prefix: '',
    timestampHeader: 'X-WSS-Timestamp',
    timestampFormat: 'auto',
    signedContent: '{timestamp}{body}',
  },
} as const;

const hex = (content: string) => createHmac('sha256', SECRET).update(content).digest('hex');
function request(options: object, headers: Record<string, string>, toleranceSeconds?: number) {
  return {
    body: toBytes(BODY),
    headers,
    secrets: [SECRET],
    nowSeconds: NOW,
    options: hmacOptionsSchema().parse(options),
    ...(toleranceSeconds && { toleranceSeconds }),
  };
}

describe('hmac (generic)', () => {
  it('documented config: X-Webhook-Signature: sha256=<hex> of the body (the defaults)', () => {
    expect(verify(request(DOCUMENTED.xWebhookSignature, { 'x-webhook-signature': `sha256=${hex(BODY)}` }))).toEqual({
      valid: true,
      secretIndex: 0,
    });
  });

  it('documented config: Authorization: Bearer <hex> of the body', () => {
    expect(verify(request(DOCUMENTED.bearer, { authorization: `Bearer ${hex(BODY)}` })).valid).toBe(true);
    expect(verify(request(DOCUMENTED.bearer, { authorization: `bearer ${hex(BODY)}` })).valid).toBe(true);
  });

  it('documented config: X-WSS-Signature hex over timestamp + body, X-WSS-Timestamp in ISO 8601, within 5 minutes', () => {
    const iso = new Date((NOW - 120) * 1000).toISOString();
    const headers = { 'x-wss-timestamp': iso, 'x-wss-signature': hex(iso + BODY) };
    expect(verify(request(DOCUMENTED.wss, headers, 300))).toMatchObject({ valid: true, timestampSeconds: NOW - 120 });
  });

  it('documented config: X-WSS-Signature with X-WSS-Timestamp in epoch seconds', () => {
    const headers = { 'x-wss-timestamp': String(NOW - 10), 'x-wss-signature': hex(`${NOW - 10}${BODY}`) };
    expect(verify(request(DOCUMENTED.wss, headers, 300)).valid).toBe(true);
  });

  it('documented config: X-WSS-Signature older than 5 minutes returns stale_timestamp', () => {
    const iso = new Date((NOW - 301) * 1000).toISOString();
    const headers = { 'x-wss-timestamp': iso, 'x-wss-signature': hex(iso + BODY) };
    expect(verify(request(DOCUMENTED.wss, headers, 300))).toMatchObject({ reason: 'stale_timestamp' });
  });

  it('verify() accepts upper-case hex digests', () => {
    expect(verify(request({}, { 'x-webhook-signature': `sha256=${hex(BODY).toUpperCase()}` })).valid).toBe(true);
  });

  it('verify() supports sha1/sha512 and base64 with a SHA256: prefix', () => {
    const options = { header: 'X-Sig', prefix: 'SHA256:', algorithm: 'sha512', encoding: 'base64' };
    const sig = createHmac('sha512', SECRET).update(BODY).digest('base64');
    expect(verify(request(options, { 'x-sig': `SHA256:${sig}` })).valid).toBe(true);
    const sha1 = createHmac('sha1', SECRET).update(BODY).digest('hex');
    expect(verify(request({ algorithm: 'sha1' }, { 'x-webhook-signature': `sha256=${sha1}` })).valid).toBe(true);
  });

  it('verify() returns signature_mismatch for a tampered body', () => {
    expect(verify(withBody(signedRequest('hmac'), '{"x":1}'))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() returns malformed_signature when the prefix is missing', () => {
    expect(verify(request({}, { 'x-webhook-signature': hex(BODY) }))).toMatchObject({ reason: 'malformed_signature' });
  });

  it('verify() returns missing_timestamp and malformed_timestamp for the timestamp header', () => {
    const signed = signedRequest('hmac', { options: DOCUMENTED.wss });
    expect(verify(withHeader(signed, 'x-wss-timestamp', undefined))).toMatchObject({ reason: 'missing_timestamp' });
    expect(verify(withHeader(signed, 'x-wss-timestamp', 'yesterday'))).toMatchObject({ reason: 'malformed_timestamp' });
  });

  it('verify() rejects an epoch timestamp when the format is iso8601, and vice versa', () => {
    const iso = signedRequest('hmac', { options: { ...DOCUMENTED.wss, timestampFormat: 'iso8601' } });
    expect(verify(withHeader(iso, 'x-wss-timestamp', String(NOW)))).toMatchObject({ reason: 'malformed_timestamp' });
    const epoch = signedRequest('hmac', { options: { ...DOCUMENTED.wss, timestampFormat: 'epoch' } });
    expect(verify(withHeader(epoch, 'x-wss-timestamp', new Date(NOW * 1000).toISOString()))).toMatchObject({
      reason: 'malformed_timestamp',
    });
  });

  it('verify() uses options.toleranceSeconds when the source sets none', () => {
    const options = { ...DOCUMENTED.wss, toleranceSeconds: 30 };
    expect(verify(signedRequest('hmac', { options, timestampSeconds: NOW - 31 }))).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verify(signedRequest('hmac', { options, timestampSeconds: NOW + 31 }))).toMatchObject({
      reason: 'future_timestamp',
    });
  });

  it('sign() writes the timestamp in the configured format', () => {
    const options = hmacOptionsSchema().parse({ ...DOCUMENTED.wss, timestampFormat: 'iso8601' });
    const headers = hmac.sign({ body: toBytes(BODY), secret: SECRET, timestampSeconds: NOW, options });
    expect(headers['x-wss-timestamp']).toBe('2024-01-01T00:00:00.000Z');
  });

  it('optionsSchema rejects templates without {body}, with unknown placeholders, or with an unsigned timestamp header', () => {
    expect(hmacOptionsSchema().safeParse({ signedContent: '{timestamp}' }).success).toBe(false);
    expect(hmacOptionsSchema().safeParse({ signedContent: '{body}{body}' }).success).toBe(false);
    expect(hmacOptionsSchema().safeParse({ signedContent: '{id}.{body}' }).success).toBe(false);
    expect(hmacOptionsSchema().safeParse({ signedContent: '{timestamp}.{body}' }).success).toBe(false);
    expect(hmacOptionsSchema().safeParse({ timestampHeader: 'x-ts' }).success).toBe(false);
    expect(hmacOptionsSchema().safeParse({ header: 'bad header' }).success).toBe(false);
    expect(hmacOptionsSchema().safeParse({ algorithm: 'md5' }).success).toBe(false);
  });

  it('optionsSchema fills the documented defaults and lower-cases header names', () => {
    expect(hmacOptionsSchema().parse({ header: 'X-Sig' })).toMatchObject({
      header: 'x-sig',
      prefix: 'sha256=',
      algorithm: 'sha256',
      encoding: 'hex',
      timestampFormat: 'auto',
      signedContent: '{body}',
    });
  });
});
