/**
 * Providers' own signed examples, unmodified, through ingest(): each content type a scheme declares
 * is verified over the bytes as the provider sent them and becomes the envelope's payload. (The
 * re-signed cases and the form rules are in content-types.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../lambdas/core/inbound/envelope';
import { ingest } from '../../lambdas/core/inbound/ingest';
import type { SchemeName } from '../../lambdas/core/signatures/index';
import { FakeSecrets, manualClock } from '../helpers/fakes';
import { runtimeSource, testDeps } from '../helpers/webhook';
import { SLACK_DOCS } from '../helpers/provider-vectors';

const FORM = 'application/x-www-form-urlencoded';

async function ingestVector(
  scheme: SchemeName,
  v: { secret: string; nowMs: number; body: string; url: string; headers: Record<string, string> },
) {
  const source = runtimeSource({ id: scheme, scheme });
  const { deps, sources, queue } = testDeps([source]);
  const outcome = await ingest(
    sources.get(scheme),
    { headers: v.headers, body: Buffer.from(v.body), url: v.url, sourceIp: '203.0.113.10' },
    { ...deps, clock: manualClock(v.nowMs), secrets: new FakeSecrets({ [source.secretId]: [v.secret] }) },
  );
  return { outcome, envelope: queue.sent[0] ? parseEnvelope(queue.sent[0].body) : undefined };
}

describe('provider vectors by content type', () => {
  it("slack slash command (form): Slack's documented request, acknowledged with an empty 200", async () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack ("Validating a request").
    const body = SLACK_DOCS.body;

    const { outcome, envelope } = await ingestVector('slack', {
      secret: SLACK_DOCS.secret,
      nowMs: 1_531_420_618_000,
      body,
      url: 'https://hooks.example.com/webhooks/slack',
      headers: {
        'content-type': FORM,
        'x-slack-request-timestamp': '1531420618',
        'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      },
    });

    expect(outcome).toEqual({
      status: 'accepted',
      id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      type: '/webhook-collect',
      acknowledge: 'empty',
    });
    expect(envelope).toMatchObject({
      type: '/webhook-collect',
      payload: { command: '/webhook-collect', user_name: 'roadrunner', text: '' },
    });
  });

  // Twilio's vectors, shared by its official helper libraries' request-validator tests
  // (twilio-python tests/unit/test_request_validator.py, twilio-node, twilio-php; auth token "12345").
  it('twilio form: the official form-parameter vector', async () => {
    const { outcome, envelope } = await ingestVector('twilio', {
      secret: '12345',
      nowMs: Date.UTC(2026, 0, 1),
      body: 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212',
      url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
      headers: {
        'content-type': FORM,
        'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
        'i-twilio-idempotency-token': 'tok-1',
      },
    });

    expect(outcome).toEqual({ status: 'accepted', id: 'tok-1', type: expect.any(String), acknowledge: 'status' });
    expect(envelope?.payload).toEqual({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    });
  });

  it('twilio JSON: the official vector, bodySHA256 in the URL; the payload is the JSON as sent', async () => {
    const { outcome, envelope } = await ingestVector('twilio', {
      secret: '12345',
      nowMs: Date.UTC(2026, 0, 1),
      body: '{"property": "value", "boolean": true}',
      url: 'https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
      headers: {
        'content-type': 'application/json',
        'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=',
        'i-twilio-idempotency-token': 'tok-2',
      },
    });

    expect(outcome).toEqual({ status: 'accepted', id: 'tok-2', type: expect.any(String), acknowledge: 'status' });
    expect(envelope?.payload).toEqual({ property: 'value', boolean: true });
  });

  it('twilio: the official form vector with a type Twilio does not send (text/plain) is refused with 415 after verifying', async () => {
    await expect(
      ingestVector('twilio', {
        secret: '12345',
        nowMs: Date.UTC(2026, 0, 1),
        body: 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212',
        url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
        headers: { 'content-type': 'text/plain', 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' },
      }),
    ).rejects.toMatchObject({ statusCode: 415, code: 'unsupported_content_type' });
  });

  it("github JSON: GitHub's documented example (not JSON, so verified then refused with 400)", async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries ("Testing the webhook payload validation").
    await expect(
      ingestVector('github', {
        secret: "It's a Secret to Everybody",
        nowMs: Date.UTC(2026, 0, 1),
        body: 'Hello, World!',
        url: 'https://hooks.example.com/webhooks/github',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'invalid_body' });
  });
});
