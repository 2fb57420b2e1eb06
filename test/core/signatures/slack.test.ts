import { describe, expect, it } from 'vitest';
import { slack } from '../../../lambdas/core/signatures/schemes/slack';
import { NOW, signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';
import { SLACK_DOCS } from '../../helpers/provider-vectors';

const verify = (request: unknown) => slack.verify(request as never);

// The worked example from Slack's docs, https://api.slack.com/authentication/verifying-requests-from-slack
const DOCS = SLACK_DOCS;

describe('slack', () => {
  it("verify() accepts Slack's documented example", () => {
    const request = {
      body: toBytes(DOCS.body),
      headers: { 'x-slack-signature': DOCS.signature, 'x-slack-request-timestamp': String(DOCS.timestamp) },
      secrets: [DOCS.secret],
      nowSeconds: DOCS.timestamp + 10,
      options: {},
    };
    expect(verify(request)).toEqual({ valid: true, secretIndex: 0, timestampSeconds: DOCS.timestamp });
  });

  it("sign() reproduces Slack's documented example", () => {
    const headers = slack.sign({
      body: toBytes(DOCS.body),
      secret: DOCS.secret,
      timestampSeconds: DOCS.timestamp,
      options: {},
    });
    expect(headers['x-slack-signature']).toBe(DOCS.signature);
  });

  it('verify() returns stale_timestamp and future_timestamp outside five minutes, either way', () => {
    expect(verify(signedRequest('slack', { timestampSeconds: NOW - 301 }))).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verify(signedRequest('slack', { timestampSeconds: NOW + 301 }))).toMatchObject({
      reason: 'future_timestamp',
    });
    expect(verify(signedRequest('slack', { timestampSeconds: NOW + 299 })).valid).toBe(true);
  });

  it('verify() returns signature_mismatch for a tampered body or timestamp', () => {
    const request = signedRequest('slack');
    expect(verify(withBody(request, '{}'))).toMatchObject({ reason: 'signature_mismatch' });
    expect(verify(withHeader(request, 'x-slack-request-timestamp', String(NOW - 1)))).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('verify() returns missing_timestamp, malformed_timestamp and unsupported_version', () => {
    const request = signedRequest('slack');
    expect(verify(withHeader(request, 'x-slack-request-timestamp', undefined))).toMatchObject({
      reason: 'missing_timestamp',
    });
    expect(verify(withHeader(request, 'x-slack-request-timestamp', '-1'))).toMatchObject({
      reason: 'malformed_timestamp',
    });
    expect(verify(withHeader(request, 'x-slack-signature', `v1=${'a'.repeat(64)}`))).toMatchObject({
      reason: 'unsupported_version',
    });
  });

  it('verify() reports which of several configured secrets matched', () => {
    expect(verify(signedRequest('slack', { secret: 'old', secrets: ['new', 'old'] }))).toMatchObject({
      valid: true,
      secretIndex: 1,
    });
  });

  it('reads the Events API id and type from the JSON body by default, then the slash command or interaction fields', () => {
    expect(slack.eventId).toEqual({ bodyPath: 'event_id', fallback: { bodyPath: 'trigger_id' } });
    expect(slack.eventType).toEqual({
      bodyPath: 'event.type',
      fallback: { bodyPath: 'type', fallback: { bodyPath: 'command' } },
    });
  });

  it('checkSecret() flags a value that is not a 32-hex signing secret', () => {
    expect(slack.checkSecret('0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(slack.checkSecret('xoxb-123')).toMatch(/32/);
  });
});
