/**
 * explainVerification(): for every scheme it rebuilds exactly the bytes the scheme signs, and for
 * each likely cause a test makes that exact mistake and expects it to be named.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explainVerification } from '../../cli/lib/explain/index';
import { urlVariants } from '../../cli/lib/explain/causes';
import { type Scheme, type SchemeName, schemes, type VerifyRequest } from '../../lambdas/core/signatures/index';
import { SCHEME_FIXTURES } from '../helpers/scheme-fixtures';
import { NOW, signedRequest, toBytes, withBody, withHeader } from '../helpers/signed-request';

const explain = (request: VerifyRequest<unknown>, name: SchemeName = 'stripe') =>
  explainVerification(schemes[name] as Scheme<unknown>, request);
const codes = (request: VerifyRequest<unknown>, name: SchemeName = 'stripe') =>
  explain(request, name).causes.map((c) => c.code);

const COMPACT = '{"id":"evt_1","type":"invoice.paid","data":{"object":{"amount":100}}}';
const PRETTY = JSON.stringify(JSON.parse(COMPACT), null, 2);
const WSS = {
  header: 'X-WSS-Signature',
  prefix: '',
  timestampHeader: 'X-WSS-Timestamp',
  signedContent: '{timestamp}{body}',
};

describe('explainVerification() on a valid request', () => {
  it("reports the bytes signed, the matching secret and the timestamp's age", () => {
    const request = signedRequest('stripe', {
      body: COMPACT,
      secret: 'whsec_b',
      secrets: ['whsec_a', 'whsec_b'],
      timestampSeconds: NOW - 42,
    });

    const e = explain(request);

    expect(e.result).toEqual({ valid: true, secretIndex: 1, timestampSeconds: NOW - 42 });
    expect(e.template).toBe('{t}.{body}');
    expect(e.body).toEqual({ bytes: COMPACT.length, sha256: createHash('sha256').update(COMPACT).digest('hex') });
    const signed = `${NOW - 42}.${COMPACT}`;
    expect(e.signed).toEqual({ bytes: signed.length, sha256: createHash('sha256').update(signed).digest('hex') });
    expect(e.secrets.map((s) => s.matches)).toEqual([false, true]);
    expect(e.secrets[1]!.expected).toBe(createHmac('sha256', 'whsec_b').update(signed).digest('hex'));
    expect(e.timestamp).toEqual({
      seconds: NOW - 42,
      ageSeconds: 42,
      toleranceSeconds: 300,
      acceptsFuture: true,
      withinWindow: true,
    });
    expect(e.causes).toEqual([]);
  });

  const cases: { name: SchemeName; options?: Record<string, unknown>; title?: string }[] = [
    ...(Object.keys(schemes) as SchemeName[]).filter((n) => n !== 'gitlab').map((name) => ({ name })),
    { name: 'hmac', options: WSS, title: 'hmac (X-WSS, timestamp signed)' },
    {
      name: 'hmac',
      options: { header: 'Authorization', prefix: 'Bearer ', algorithm: 'sha512', encoding: 'base64' },
      title: 'hmac (sha512, base64)',
    },
  ];
  for (const c of cases) {
    it(`computes over exactly the bytes ${c.title ?? c.name} signs: the digest it computes is the one received`, () => {
      const request = signedRequest(c.name, c.options ? { options: c.options } : {});

      const e = explain(request, c.name);

      expect(e.result.valid).toBe(true);
      expect(e.signed).toBeDefined();
      expect(e.received).toHaveLength(1);
      expect(e.secrets[0]).toMatchObject({ matches: true, expected: e.received[0] });
    });
  }

  it('gitlab: says nothing is signed and still reports the matching secret', () => {
    const e = explain(signedRequest('gitlab'), 'gitlab');
    expect(e.template).toMatch(/nothing/);
    expect(e.signed).toBeUndefined();
    expect(e.secrets[0]!.matches).toBe(true);
  });
});

describe('explainVerification() names the mistake', () => {
  it('body_trailing_newline_added: the body gained a newline after signing', () => {
    const request = withBody(signedRequest('stripe', { body: COMPACT }), `${COMPACT}\n`);
    expect(explain(request).result).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(codes(request)[0]).toBe('body_trailing_newline_added');
  });

  it('body_trailing_newline_removed: the sender signed a trailing newline that was trimmed', () => {
    const request = withBody(signedRequest('github', { body: `${COMPACT}\n` }), COMPACT);
    expect(codes(request, 'github')[0]).toBe('body_trailing_newline_removed');
  });

  it('body_line_endings: CRLF turned into LF on the way', () => {
    const request = withBody(signedRequest('shopify', { body: 'a=1\r\nb=2\r\n' }), 'a=1\nb=2\n');
    expect(codes(request, 'shopify')[0]).toBe('body_line_endings');
  });

  it('body_pretty_printed: a compact body was pretty-printed before verifying', () => {
    const request = withBody(signedRequest('stripe', { body: COMPACT }), PRETTY);
    expect(codes(request)[0]).toBe('body_pretty_printed');
  });

  it('body_reserialized: the pretty-printed body was re-serialized with JSON.stringify(JSON.parse(body))', () => {
    const request = withBody(signedRequest('slack', { body: PRETTY }), JSON.stringify(JSON.parse(PRETTY)));
    expect(codes(request, 'slack')[0]).toBe('body_reserialized');
  });

  it('body_base64_not_decoded: an isBase64Encoded body verified without decoding', () => {
    const request = withBody(
      signedRequest('standard-webhooks', { body: COMPACT }),
      Buffer.from(COMPACT).toString('base64'),
    );
    expect(codes(request, 'standard-webhooks')[0]).toBe('body_base64_not_decoded');
  });

  it('secret_whitespace: the configured secret has a trailing newline', () => {
    const request = signedRequest('paddle', { secrets: [`${SCHEME_FIXTURES.paddle.secret}\n`] });

    const e = explain(request, 'paddle');

    expect(e.causes[0]).toMatchObject({ code: 'secret_whitespace', secretIndex: 0 });
    expect(e.secrets[0]!.problem).toMatch(/whitespace/);
  });

  it('secret_raw_whsec_as_key: a Standard Webhooks sender used the whsec_ text as the key, Stripe-style', () => {
    const secret = SCHEME_FIXTURES['standard-webhooks'].secret;
    // What the sender did: HMAC keyed with the secret's UTF-8 text, not its base64-decoded bytes.
    const stripeStyle = `whsec_${Buffer.from(secret).toString('base64')}`;
    const request = { ...signedRequest('standard-webhooks', { secret: stripeStyle }), secrets: [secret] };

    expect(explain(request, 'standard-webhooks').result).toMatchObject({ reason: 'signature_mismatch' });
    expect(codes(request, 'standard-webhooks')[0]).toBe('secret_raw_whsec_as_key');
  });

  it('secret_raw_whsec_as_key: also when the Stripe-style secret is not base64 at all (no usable key)', () => {
    const secret = 'whsec_test_not-base64!';
    const stripeStyle = `whsec_${Buffer.from(secret).toString('base64')}`;
    const request = { ...signedRequest('standard-webhooks', { secret: stripeStyle }), secrets: [secret] };

    const e = explain(request, 'standard-webhooks');

    expect(e.result).toMatchObject({ reason: 'no_secret' });
    expect(e.causes.map((c) => c.code)).toEqual(['no_usable_secret', 'secret_raw_whsec_as_key']);
  });

  it('secret_base64_decoded: a Stripe request signed with the whsec_ secret base64-decoded, Standard Webhooks-style', () => {
    const key = Buffer.alloc(24, 7);
    const secret = `whsec_${key.toString('base64')}`;
    const body = toBytes(COMPACT);
    const digest = createHmac('sha256', key).update(`${NOW}.`).update(body).digest('hex');
    const request = {
      ...signedRequest('stripe', { body: COMPACT, secret }),
      headers: { 'stripe-signature': `t=${NOW},v1=${digest}` },
    };

    expect(codes(request)[0]).toBe('secret_base64_decoded');
  });

  it('url_mismatch (twilio): Twilio signed https, the request was verified with http', () => {
    const request = {
      ...signedRequest('twilio', { url: 'https://hooks.example.com/twilio/sms' }),
      url: 'http://hooks.example.com/twilio/sms',
    };

    const cause = explain(request, 'twilio').causes[0];

    expect(cause).toMatchObject({ code: 'url_mismatch', url: 'https://hooks.example.com/twilio/sms' });
  });

  it('url_mismatch (square): the notification URL was registered with a trailing slash', () => {
    const request = {
      ...signedRequest('square', { url: 'https://hooks.example.com/square/' }),
      url: 'https://hooks.example.com/square',
    };
    expect(explain(request, 'square').causes[0]).toMatchObject({
      code: 'url_mismatch',
      url: 'https://hooks.example.com/square/',
    });
  });

  it('url_mismatch (square): the registered URL had no query string', () => {
    const request = {
      ...signedRequest('square', { url: 'https://hooks.example.com/square' }),
      url: 'https://hooks.example.com/square?stage=prod',
    };
    expect(explain(request, 'square').causes[0]).toMatchObject({
      code: 'url_mismatch',
      url: 'https://hooks.example.com/square',
    });
  });

  it('timestamp_stale: a valid signature made before the tolerance, with its age', () => {
    const e = explain(signedRequest('stripe', { timestampSeconds: NOW - 3600 }));

    expect(e.result).toMatchObject({ reason: 'stale_timestamp' });
    expect(e.timestamp).toMatchObject({ ageSeconds: 3600, toleranceSeconds: 300, withinWindow: false });
    expect(e.causes[0]).toMatchObject({ code: 'timestamp_stale', secretIndex: 0 });
  });

  it('timestamp_future: a valid signature from a clock ahead', () => {
    const e = explain(signedRequest('slack', { timestampSeconds: NOW + 900 }), 'slack');
    expect(e.causes[0]!.code).toBe('timestamp_future');
    expect(e.timestamp!.ageSeconds).toBe(-900);
  });

  it("the tolerance reported is the request's, else the source option's, else the scheme default", () => {
    expect(explain(signedRequest('paddle', { toleranceSeconds: 60 }), 'paddle').timestamp!.toleranceSeconds).toBe(60);
    expect(explain(signedRequest('paddle'), 'paddle').timestamp!.toleranceSeconds).toBe(5);
    expect(
      explain(signedRequest('hmac', { options: { ...WSS, toleranceSeconds: 900 } }), 'hmac').timestamp!
        .toleranceSeconds,
    ).toBe(900);
  });

  it('other_scheme_headers: a GitHub delivery verified as Stripe', () => {
    const request = signedRequest('github');
    const e = explain(request, 'stripe');
    expect(e.result).toMatchObject({ reason: 'missing_signature' });
    expect(e.causes.map((c) => c.code)).toEqual(['other_scheme_headers', 'missing_header']);
    expect(e.causes[0]!.message).toMatch(/github/);
  });

  it('malformed_header: a truncated signature', () => {
    const request = signedRequest('github');
    const cut = withHeader(
      request,
      'x-hub-signature-256',
      (request.headers['x-hub-signature-256'] as string).slice(0, 20),
    );
    expect(codes(cut, 'github')).toEqual(['malformed_header']);
  });

  it('missing_url: Square without a URL', () => {
    const request = { ...signedRequest('square'), url: undefined };
    expect(codes(request, 'square')).toEqual(['missing_url']);
  });

  it('unexplained: the wrong secret, and no common mistake fits', () => {
    const request = { ...signedRequest('stripe'), secrets: ['whsec_someone_else'] };
    const e = explain(request);
    expect(e.causes.map((c) => c.code)).toEqual(['unexplained']);
    expect(e.secrets).toEqual([expect.objectContaining({ index: 0, matches: false })]);
  });
});

describe('urlVariants', () => {
  it('offers the scheme swapped, the port dropped or made explicit, a slash toggled and the query dropped', () => {
    const variants = urlVariants('https://example.com:8443/hook?x=1');
    expect(variants).toEqual(
      expect.arrayContaining([
        'http://example.com:8443/hook?x=1',
        'https://example.com/hook?x=1',
        'https://example.com:8443/hook/?x=1',
        'https://example.com:8443/hook',
      ]),
    );
    expect(variants).not.toContain('https://example.com:8443/hook?x=1');
  });

  it('is empty for something that is not a URL', () => {
    expect(urlVariants('not a url')).toEqual([]);
  });
});
