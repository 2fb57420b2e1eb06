import { describe, expect, it } from 'vitest';
import { square, squareOptionsSchema } from '../../../lambdas/core/signatures/schemes/square';
import { signedRequest, toBytes, withBody } from '../../helpers/signed-request';

const verify = (request: unknown) => square.verify(request as never);

// Vectors from Square's official Node SDK, square/square-nodejs-sdk tests/integration/webhooks.test.ts.
const SDK = {
  body: '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
  signature: 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
  key: 'Ibxx_5AKakO-3qeNVR61Dw',
  url: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9',
};

function request(body: string, signature: string, key: string, url: string | undefined, options: object = {}) {
  return {
    body: toBytes(body),
    headers: { 'x-square-hmacsha256-signature': signature },
    url,
    secrets: [key],
    nowSeconds: 0,
    options: squareOptionsSchema().parse(options),
  };
}

describe('square', () => {
  it("verify() accepts the Square SDK's test notification vector", () => {
    expect(verify(request(SDK.body, SDK.signature, SDK.key, SDK.url))).toEqual({ valid: true, secretIndex: 0 });
  });

  it("verify() accepts the Square SDK's unescaped and escaped character vectors", () => {
    const url = 'https://webhook.site/webhooks';
    expect(
      verify(
        request(
          '{"data":{"type":"webhooks","id":"fake_id"}}',
          'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=',
          'signature-key',
          url,
        ),
      ).valid,
    ).toBe(true);
    expect(
      verify(
        request(
          '{"data":{"type":"webhooks","id":">id<"}}',
          'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
          'signature-key',
          url,
        ),
      ).valid,
    ).toBe(true);
  });

  it("verify() rejects the SDK's negative cases: other URL, other key, other signature, re-formatted body", () => {
    expect(
      verify(request(SDK.body, SDK.signature, SDK.key, 'https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9')),
    ).toMatchObject({ reason: 'signature_mismatch' });
    expect(verify(request(SDK.body, SDK.signature, 'MCmhFRxGX82xMwg5FsaoQA', SDK.url))).toMatchObject({
      reason: 'signature_mismatch',
    });
    // A SHA-1-sized signature is not a SHA-256 digest at all.
    expect(verify(request(SDK.body, '1z2n3DEJJiUPKcPzQo1ftvbxGdw=', SDK.key, SDK.url))).toMatchObject({
      reason: 'malformed_signature',
    });
    expect(
      verify(request(JSON.stringify(JSON.parse(SDK.body), null, 2), SDK.signature, SDK.key, SDK.url)),
    ).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() uses options.notificationUrl over the request URL', () => {
    expect(
      verify(request(SDK.body, SDK.signature, SDK.key, 'https://internal.example/x', { notificationUrl: SDK.url }))
        .valid,
    ).toBe(true);
  });

  it('verify() returns missing_url when neither a notification URL nor a request URL is known', () => {
    expect(verify(request(SDK.body, SDK.signature, SDK.key, undefined))).toMatchObject({ reason: 'missing_url' });
  });

  it('verify() returns signature_mismatch for a tampered body', () => {
    expect(verify(withBody(signedRequest('square'), '{}'))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() reports which of several configured secrets matched', () => {
    expect(verify(signedRequest('square', { secret: 'old', secrets: ['new', 'old'] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });
});
