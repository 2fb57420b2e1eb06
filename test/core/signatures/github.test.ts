import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { github } from '../../../lambdas/core/signatures/schemes/github';
import { signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => github.verify(request as never);

describe('github', () => {
  it("verify() accepts GitHub's documented example", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries ("Testing the webhook payload validation")
    const result = verify({
      body: toBytes('Hello, World!'),
      headers: { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
      secrets: ["It's a Secret to Everybody"],
      nowSeconds: 0,
      options: {},
    });
    expect(result).toEqual({ valid: true, secretIndex: 0 });
  });

  it('sign() agrees with @octokit/webhooks-methods in both directions', async () => {
    const body = '{"action":"opened","number":1,"title":"ünïcödé ✓"}';
    const ours = github.sign({ body: toBytes(body), secret: 'octo-secret', timestampSeconds: 0, options: {} })[
      'x-hub-signature-256'
    ];
    expect(ours).toBe(await octokitSign('octo-secret', body));
    expect(await octokitVerify('octo-secret', body, ours as string)).toBe(true);
  });

  it('verify() reports which of several configured secrets matched', () => {
    expect(verify(signedRequest('github', { secret: 'old', secrets: ['new', 'old'] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });

  it('verify() accepts a repeated header joined with a comma when one entry is valid', () => {
    const request = signedRequest('github');
    const joined = `sha256=${'0'.repeat(64)}, ${request.headers['x-hub-signature-256']}`;
    expect(verify(withHeader(request, 'x-hub-signature-256', joined)).valid).toBe(true);
  });

  it('verify() returns signature_mismatch for a tampered body', () => {
    expect(verify(withBody(signedRequest('github'), '{"tampered":true}'))).toMatchObject({
      valid: false,
      reason: 'signature_mismatch',
    });
  });

  it('verify() returns missing_signature without X-Hub-Signature-256, naming the legacy header when only it is present', () => {
    const request = withHeader(signedRequest('github'), 'x-hub-signature-256', undefined);
    expect(verify(request)).toMatchObject({ reason: 'missing_signature' });
    expect(verify(withHeader(request, 'x-hub-signature', `sha1=${'a'.repeat(40)}`))).toMatchObject({
      reason: 'missing_signature',
      detail: expect.stringMatching(/SHA-1/),
    });
  });

  it('verify() returns unsupported_version for a sha1= signature in the sha256 header', () => {
    expect(verify(withHeader(signedRequest('github'), 'x-hub-signature-256', `sha1=${'a'.repeat(40)}`))).toMatchObject({
      reason: 'unsupported_version',
    });
  });

  it('verify() accepts upper-case hex, since decoded bytes are compared', () => {
    const request = signedRequest('github');
    const header = request.headers['x-hub-signature-256'] as string;
    expect(verify(withHeader(request, 'x-hub-signature-256', `sha256=${header.slice(7).toUpperCase()}`)).valid).toBe(
      true,
    );
  });

  it('verify() returns malformed_signature for non-hex or truncated digests', () => {
    const request = signedRequest('github');
    const header = request.headers['x-hub-signature-256'] as string;
    for (const bad of ['sha256=xyz', header.slice(0, -1), `${header.slice(0, -1)}g`, 'garbage']) {
      expect(verify(withHeader(request, 'x-hub-signature-256', bad))).toMatchObject({ reason: 'malformed_signature' });
    }
  });

  it('sign() throws for an empty secret', () => {
    expect(() => github.sign({ body: toBytes('x'), secret: '', timestampSeconds: 0, options: {} })).toThrow(TypeError);
  });

  it('checkSecret() flags surrounding whitespace', () => {
    expect(github.checkSecret(' s ')).toMatch(/whitespace/);
    expect(github.checkSecret('s')).toBeUndefined();
  });
});
