import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { twilio, twilioOptionsSchema } from '../../../lambdas/core/signatures/schemes/twilio';
import { signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => twilio.verify(request as never);

// Vectors shared by Twilio's official helper libraries' request-validator tests (token "12345"):
// twilio-python tests/unit/test_request_validator.py, twilio-php RequestValidatorTest, twilio-csharp.
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const FORM = 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212';
const FORM_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
const JSON_BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

function request(body: string, url: string, signature: string, options: object = {}) {
  return {
    body: toBytes(body),
    headers: { 'x-twilio-signature': signature },
    url,
    secrets: [TOKEN],
    nowSeconds: 0,
    options: twilioOptionsSchema().parse(options),
  };
}

describe('twilio', () => {
  it('verify() accepts the official form-parameter vector, whatever the parameter order', () => {
    expect(verify(request(FORM, URL_, FORM_SIGNATURE))).toEqual({ valid: true, secretIndex: 0 });
    const reordered = FORM.split('&').reverse().join('&');
    expect(verify(request(reordered, URL_, FORM_SIGNATURE)).valid).toBe(true);
  });

  it('verify() accepts the official repeated-parameter vector (values de-duplicated and sorted)', () => {
    const body = 'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234';
    expect(verify(request(body, URL_, 'IK+Dwps556ElfBT0I3Rgjkr1wJU=')).valid).toBe(true);
  });

  it('verify() accepts the official JSON vector: URL signature with bodySHA256 matching the body', () => {
    expect(createHash('sha256').update(JSON_BODY).digest('hex')).toBe(BODY_HASH);
    expect(verify(request(JSON_BODY, `${URL_}&bodySHA256=${BODY_HASH}`, 'a9nBmqA0ju/hNViExpshrM61xv4=')).valid).toBe(
      true,
    );
  });

  it('verify() returns signature_mismatch when a JSON body does not match bodySHA256', () => {
    const result = verify(
      request('{"property": "evil"}', `${URL_}&bodySHA256=${BODY_HASH}`, 'a9nBmqA0ju/hNViExpshrM61xv4='),
    );
    expect(result).toMatchObject({ valid: false, reason: 'signature_mismatch' });
  });

  it('verify() tries the URL without its port (official https:1234 and http:1234 vectors)', () => {
    expect(verify(request(FORM, URL_.replace('.com', '.com:1234'), FORM_SIGNATURE)).valid).toBe(true);
    const http = URL_.replace('.com', '.com:1234').replace('https', 'http');
    expect(verify(request(FORM, http, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=')).valid).toBe(true);
  });

  it('verify() tries the URL with the default port added (official :443 and :80 vectors)', () => {
    expect(verify(request(FORM, URL_, 'kvajT1Ptam85bY51eRf/AJRuM3w=')).valid).toBe(true);
    expect(verify(request(FORM, URL_.replace('https', 'http'), '0ZXoZLH/DfblKGATFgpif+LLRf4=')).valid).toBe(true);
  });

  it("verify() accepts a signature over the unescaped ' when the URL arrives with %27 (twilio-node legacy querystring)", () => {
    const signedWithQuote = signedRequest('twilio', { url: "https://example.com/path?test=param'WithQuote" });
    const arrived = { ...signedWithQuote, url: 'https://example.com/path?test=param%27WithQuote' };
    expect(verify(arrived).valid).toBe(true);
  });

  it('verify() uses options.url over the request URL', () => {
    const signed = signedRequest('twilio', { url: URL_ });
    const behindProxy = {
      ...signed,
      url: 'https://internal.example/hook',
      options: twilioOptionsSchema().parse({ url: URL_ }),
    };
    expect(verify(behindProxy).valid).toBe(true);
  });

  it('verify() returns signature_mismatch for a changed parameter or URL', () => {
    expect(verify(request(FORM.replace('Digits=1234', 'Digits=9999'), URL_, FORM_SIGNATURE))).toMatchObject({
      reason: 'signature_mismatch',
    });
    expect(verify(request(FORM, `${URL_}&extra=1`, FORM_SIGNATURE))).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('verify() returns missing_url without a URL and missing_signature without the header', () => {
    const signed = signedRequest('twilio');
    expect(verify({ ...signed, url: undefined })).toMatchObject({ reason: 'missing_url' });
    expect(verify({ ...signed, url: 'not a url' })).toMatchObject({ reason: 'missing_url' });
    expect(verify(withHeader(signed, 'x-twilio-signature', undefined))).toMatchObject({ reason: 'missing_signature' });
  });

  it('verify() reports which of several configured secrets matched', () => {
    expect(verify(signedRequest('twilio', { secret: 'old', secrets: ['new', 'old'] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });

  it('verify() returns signature_mismatch for a tampered form body', () => {
    expect(verify(withBody(signedRequest('twilio'), 'AccountSid=AC999'))).toMatchObject({
      reason: 'signature_mismatch',
    });
  });
});
