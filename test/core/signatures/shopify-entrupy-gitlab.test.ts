import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entrupy } from '../../../lambdas/core/signatures/schemes/entrupy';
import { gitlab } from '../../../lambdas/core/signatures/schemes/gitlab';
import { shopify } from '../../../lambdas/core/signatures/schemes/shopify';
import { signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

// None of these three providers publishes a test vector. Expected values are computed
// independently with node:crypto from each provider's documented construction.
const BODY = '{"id":820982911946154508,"email":"jon@example.com"}';

describe('shopify', () => {
  const verify = (request: unknown) => shopify.verify(request as never);

  it('verify() accepts the base64 HMAC-SHA256 of the body with the client secret', () => {
    const signature = createHmac('sha256', 'shpss_secret').update(BODY).digest('base64');
    const request = {
      body: toBytes(BODY),
      headers: { 'x-shopify-hmac-sha256': signature },
      secrets: ['shpss_secret'],
      nowSeconds: 0,
      options: {},
    };
    expect(verify(request)).toEqual({ valid: true, secretIndex: 0 });
  });

  it('verify() returns signature_mismatch for a tampered body and malformed_signature for hex', () => {
    const request = signedRequest('shopify');
    expect(verify(withBody(request, '{}'))).toMatchObject({ reason: 'signature_mismatch' });
    expect(verify(withHeader(request, 'x-shopify-hmac-sha256', 'ab'.repeat(32)))).toMatchObject({
      reason: 'malformed_signature',
    });
  });

  it('deduplicates on X-Shopify-Event-Id and types by X-Shopify-Topic', () => {
    expect(shopify.eventId).toMatchObject({ header: 'x-shopify-event-id' });
    expect(shopify.eventType).toEqual({ header: 'x-shopify-topic' });
  });
});

describe('entrupy', () => {
  const verify = (request: unknown) => entrupy.verify(request as never);

  it('verify() accepts SHA256:<base64 HMAC-SHA256 of the body>', () => {
    const signature = 'SHA256:' + createHmac('sha256', 'ent-secret').update(BODY).digest('base64');
    const request = {
      body: toBytes(BODY),
      headers: { 'entrupy-signature': signature },
      secrets: ['ent-secret'],
      nowSeconds: 0,
      options: {},
    };
    expect(verify(request)).toEqual({ valid: true, secretIndex: 0 });
  });

  it('verify() returns unsupported_version for another algorithm prefix and signature_mismatch for a tampered body', () => {
    const request = signedRequest('entrupy');
    const digest = (request.headers['entrupy-signature'] as string).slice('SHA256:'.length);
    expect(verify(withHeader(request, 'entrupy-signature', `SHA512:${digest}`))).toMatchObject({
      reason: 'unsupported_version',
    });
    expect(verify(withBody(request, '{}'))).toMatchObject({ reason: 'signature_mismatch' });
  });
});

describe('gitlab', () => {
  const verify = (request: unknown) => gitlab.verify(request as never);

  it('verify() accepts the configured token and reports which secret matched', () => {
    const request = {
      body: toBytes(BODY),
      headers: { 'x-gitlab-token': 'tok-old' },
      secrets: ['tok-new', 'tok-old'],
      nowSeconds: 0,
      options: {},
    };
    expect(verify(request)).toEqual({ valid: true, secretIndex: 1 });
  });

  it('verify() returns signature_mismatch for another token, including a prefix of the right one', () => {
    const request = signedRequest('gitlab');
    expect(verify(withHeader(request, 'x-gitlab-token', 'gitlab-toke'))).toMatchObject({
      reason: 'signature_mismatch',
    });
    expect(verify(withHeader(request, 'x-gitlab-token', 'gitlab-token2'))).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('verify() returns missing_signature without X-Gitlab-Token', () => {
    expect(verify(withHeader(signedRequest('gitlab'), 'x-gitlab-token', undefined))).toMatchObject({
      reason: 'missing_signature',
    });
  });

  it('deduplicates on Idempotency-Key, then X-Gitlab-Event-UUID', () => {
    expect(gitlab.eventId).toEqual({ header: 'idempotency-key', fallback: { header: 'x-gitlab-event-uuid' } });
  });
});
