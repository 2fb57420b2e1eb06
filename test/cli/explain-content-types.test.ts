/**
 * explainVerification() on the content types beyond JSON: the signed bytes it shows are the raw
 * form or JSON as received, it says how the verifier reads the body, and it names the mistakes
 * particular to them (a form decoded before verifying, a Twilio JSON URL without its bodySHA256,
 * a body that is not the one hashed into it).
 */
import { createHash } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { explainVerification } from '../../cli/lib/explain/index';
import { formatExplanation } from '../../cli/lib/explain/format';
import { type Scheme, type SchemeName, schemes, type VerifyRequest } from '../../lambdas/core/signatures/index';
import { toBytes, withBody } from '../helpers/signed-request';
import { SLACK_DOCS } from '../helpers/provider-vectors';

const FORM = 'application/x-www-form-urlencoded';
const explain = (name: SchemeName, request: VerifyRequest<unknown>) =>
  explainVerification(schemes[name] as Scheme<unknown>, request);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Slack's documented slash command and its signature
// (https://api.slack.com/authentication/verifying-requests-from-slack, "Validating a request").
const SLACK = SLACK_DOCS;

// Twilio's JSON vector, shared by its official helper libraries' request-validator tests
// (twilio-python tests/unit/test_request_validator.py, twilio-node, twilio-php; token "12345").
const TWILIO = {
  token: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
  body: '{"property": "value", "boolean": true}',
  signature: 'a9nBmqA0ju/hNViExpshrM61xv4=',
};

const slackRequest = (body = SLACK.body, contentType = FORM): VerifyRequest<unknown> => ({
  body: toBytes(body),
  headers: {
    'x-slack-signature': SLACK.signature,
    'x-slack-request-timestamp': String(SLACK.timestamp),
    'content-type': contentType,
  },
  secrets: [SLACK.secret],
  nowSeconds: SLACK.timestamp + 10,
  options: {},
});

const twilioRequest = (url = TWILIO.url, body = TWILIO.body): VerifyRequest<unknown> => ({
  body: toBytes(body),
  headers: { 'x-twilio-signature': TWILIO.signature, 'content-type': 'application/json' },
  url,
  secrets: [TWILIO.token],
  nowSeconds: 0,
  options: schemes.twilio.optionsSchema.parse({}),
});

describe('a GitHub form delivery', () => {
  const json = '{"action":"opened","number":7,"pull_request":{"title":"ünïcödé ✓"}}';
  const form = `payload=${encodeURIComponent(json)}`;
  const secret = 'octo-secret';
  const request = async (body = form): Promise<VerifyRequest<unknown>> => ({
    body: toBytes(body),
    // Signed by GitHub's official library over the form bytes, as GitHub signs a form delivery.
    headers: {
      'x-hub-signature-256': await octokitSign(secret, form),
      'content-type': FORM,
      'x-github-event': 'pull_request',
      'x-github-delivery': 'd-7',
    },
    secrets: [secret],
    nowSeconds: 0,
    options: {},
  });

  it('is valid, with the raw form as the signed bytes and the payload read from its payload field', async () => {
    const e = explain('github', await request());

    expect(e.result).toEqual({ valid: true, secretIndex: 0 });
    expect(e.signed).toEqual({ bytes: Buffer.byteLength(form), sha256: sha256(form) });
    expect(e.body).toEqual(e.signed);
    expect(e.content).toEqual({
      media: FORM,
      declared: true,
      reads:
        'the payload is the JSON of the form\'s "payload" field; type "pull_request" (header x-github-event); id from header x-github-delivery',
    });
    expect(formatExplanation(e)).toContain(`  content    ${FORM}: ${e.content!.reads}`);
  });

  it("body_form_decoded: verified over the payload field's JSON instead of the form", async () => {
    const e = explain('github', withBody(await request(), json));

    expect(e.result).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(e.causes[0]).toMatchObject({ code: 'body_form_decoded', secretIndex: 0 });
    expect(e.causes[0]!.message).toMatch(/github signed the whole form, payload=<the JSON, URL-encoded>/);
  });
});

describe('a Slack slash command', () => {
  it('is valid, signed over v0:{timestamp}:{the raw form}; type the command, id the trigger_id, answered with an empty 200', () => {
    const e = explain('slack', slackRequest());

    expect(e.result).toMatchObject({ valid: true, secretIndex: 0 });
    const signed = `v0:${SLACK.timestamp}:${SLACK.body}`;
    expect(e.signed).toEqual({ bytes: signed.length, sha256: sha256(signed) });
    expect(e.received).toEqual([SLACK.signature.slice(3)]);
    expect(e.content?.reads).toBe(
      'the payload is the form\'s fields (it has no "payload" field; a repeated name becomes an array); type "/webhook-collect" (body command); id from body trigger_id; accepted with 200 and an empty body',
    );
  });

  it('body_form_decoded: verified over the fields a body parser made of it', () => {
    const decoded = JSON.stringify(Object.fromEntries(new URLSearchParams(SLACK.body)));

    const e = explain('slack', slackRequest(decoded, 'application/json'));

    expect(e.result).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(e.causes[0]).toMatchObject({ code: 'body_form_decoded', secretIndex: 0 });
    expect(e.causes[0]!.message).toMatch(/the body is the form decoded into JSON/);
  });

  it('an undeclared content type is named as a 415 to come', () => {
    const e = explain('stripe', {
      ...slackRequest(),
      headers: { 'stripe-signature': 't=1,v1=00', 'content-type': FORM },
    });
    expect(e.content).toEqual({
      media: FORM,
      declared: false,
      reads: 'not a type stripe sends (application/json): once the signature verifies, the verifier answers 415',
    });
  });
});

describe('a Twilio JSON request', () => {
  it("is valid: the signed bytes are the URL, whose bodySHA256 is the raw JSON's hash", () => {
    const e = explain('twilio', twilioRequest());

    expect(e.result).toEqual({ valid: true, secretIndex: 0 });
    expect(e.template).toBe("{url} (a JSON body is signed through the URL's bodySHA256: its hex SHA-256)");
    expect(e.signed).toEqual({ bytes: TWILIO.url.length, sha256: sha256(TWILIO.url) });
    expect(e.body).toEqual({ bytes: TWILIO.body.length, sha256: sha256(TWILIO.body) });
    expect(e.bodyHash).toEqual({ param: 'bodySHA256', claimed: sha256(TWILIO.body), matches: true });
    expect(e.content).toMatchObject({ media: 'application/json', declared: true });
    expect(formatExplanation(e)).toEqual(
      expect.arrayContaining([
        `  body hash  bodySHA256 ${sha256(TWILIO.body).slice(0, 16)}… in the URL: the body's SHA-256`,
        `  signed     ${TWILIO.url.length} bytes, sha256 ${sha256(TWILIO.url).slice(0, 16)}… (the URL: the body is covered by its hash in it)`,
      ]),
    );
  });

  it("body_hash_mismatch: the URL's signature is right but the body is not the one hashed into it", () => {
    const e = explain('twilio', twilioRequest(TWILIO.url, '{"property": "value", "boolean": false}'));

    expect(e.result).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(e.bodyHash?.matches).toBe(false);
    expect(e.causes[0]?.code).toBe('body_hash_mismatch');
    expect(formatExplanation(e).find((l) => l.startsWith('  secret #1'))).toMatch(
      /^ {2}secret #1 {2}matches the URL, but the body is not the one hashed into it \(computed a9nBmqA0ju\/hNViE…\)/,
    );
  });

  it('url_mismatch: verified with the URL cut before its query names the URL with bodySHA256', () => {
    const withoutHash = TWILIO.url.replace(/&bodySHA256=.*$/, '');

    const e = explain('twilio', twilioRequest(withoutHash));

    expect(e.causes[0]).toMatchObject({ code: 'url_mismatch', url: TWILIO.url, secretIndex: 0 });
  });
});
