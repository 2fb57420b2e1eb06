/**
 * Every content type a scheme declares, through ingest(): the signature is verified over the raw
 * bytes, then the body becomes the envelope's payload; an undeclared type is refused with 415.
 */
import { createHash } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import twilioLib from 'twilio';
import { describe, expect, it } from 'vitest';
import { formFields } from '../../lambdas/core/inbound/body';
import { parseEnvelope } from '../../lambdas/core/inbound/envelope';
import { ingest } from '../../lambdas/core/inbound/ingest';
import type { SchemeName } from '../../lambdas/core/signatures/index';
import { runtimeSource, signedWebhook, testDeps } from '../helpers/webhook';
import { SLACK_DOCS } from '../helpers/provider-vectors';

const SLASH_COMMAND = SLACK_DOCS.body;
const FORM = 'application/x-www-form-urlencoded';

async function accept(
  scheme: SchemeName,
  body: string,
  contentType: string,
  extra: { url?: string; options?: Record<string, unknown>; headers?: Record<string, string> } = {},
) {
  const { deps, sources, queue, clock } = testDeps([
    runtimeSource({ id: scheme, scheme, options: extra.options ?? {} }),
  ]);
  const request = signedWebhook(scheme, {
    nowMs: clock(),
    body,
    contentType,
    ...(extra.url && { url: extra.url }),
    ...(extra.options && { options: extra.options }),
    ...(extra.headers && { headers: extra.headers }),
  });
  const outcome = await ingest(sources.get(scheme), request, deps);
  return { outcome, envelope: queue.sent[0] ? parseEnvelope(queue.sent[0].body) : undefined, sent: queue.sent.length };
}

describe('content types', () => {
  it('github form delivery: payload=<JSON> signed over the raw form; the envelope payload is that JSON', async () => {
    const json = '{"action":"opened","number":7}';
    const body = `payload=${encodeURIComponent(json)}`;
    // The signature GitHub sends is over the form bytes, as @octokit/webhooks-methods computes it.
    expect((await octokitSign('whsec_dGVzdC1zZWNyZXQtZm9yLXVuaXQtdGVzdHMtb25seQ==', body)).startsWith('sha256=')).toBe(
      true,
    );
    const { outcome, envelope } = await accept('github', body, FORM, {
      headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-7' },
    });
    expect(outcome).toMatchObject({ status: 'accepted', id: 'd-7', acknowledge: 'status' });
    expect(envelope).toMatchObject({ type: 'pull_request', payload: { action: 'opened', number: 7 } });
  });

  it('github form delivery whose payload field is not JSON → 400 invalid_body', async () => {
    await expect(accept('github', 'payload=%7Bnot-json', FORM)).rejects.toMatchObject({
      statusCode: 400,
      code: 'invalid_body',
    });
  });

  it('slack slash command: a form object, type the command, id the trigger_id, acknowledged with an empty body', async () => {
    const { outcome, envelope } = await accept('slack', SLASH_COMMAND, FORM);
    expect(outcome).toEqual({
      status: 'accepted',
      id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      type: '/webhook-collect',
      acknowledge: 'empty',
    });
    expect(envelope).toMatchObject({
      type: '/webhook-collect',
      payload: { command: '/webhook-collect', team_id: 'T1DC2JH3J', text: '' },
    });
  });

  it('slack interactivity: the payload field is the event, type block_actions, id its trigger_id', async () => {
    const interaction = { type: 'block_actions', trigger_id: '123.456.abc', actions: [{ action_id: 'approve' }] };
    const { outcome, envelope } = await accept(
      'slack',
      `payload=${encodeURIComponent(JSON.stringify(interaction))}`,
      FORM,
    );
    expect(outcome).toEqual({ status: 'accepted', id: '123.456.abc', type: expect.any(String), acknowledge: 'empty' });
    expect(envelope).toMatchObject({ type: 'block_actions', payload: interaction });
  });

  it('slack Events API JSON is answered with the usual JSON status', async () => {
    const { outcome, envelope } = await accept(
      'slack',
      '{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}',
      'application/json',
    );
    expect(outcome).toEqual({ status: 'accepted', id: 'Ev1', type: expect.any(String), acknowledge: 'status' });
    expect(envelope?.type).toBe('app_mention');
  });

  it("twilio JSON with bodySHA256 in the URL, signed as twilio's validateRequestWithBody expects", async () => {
    const json = '{"property": "value", "boolean": true}';
    const url = `https://hooks.example.com/webhooks/twilio?bodySHA256=${createHash('sha256').update(json).digest('hex')}`;
    const { deps, sources, queue, clock } = testDeps([runtimeSource({ id: 'twilio', scheme: 'twilio' })]);
    const request = signedWebhook('twilio', { nowMs: clock(), body: json, contentType: 'application/json', url });
    expect(
      twilioLib.validateRequestWithBody(
        'whsec_dGVzdC1zZWNyZXQtZm9yLXVuaXQtdGVzdHMtb25seQ==',
        request.headers['x-twilio-signature'] as string,
        url,
        json,
      ),
    ).toBe(true);
    await expect(ingest(sources.get('twilio'), request, deps)).resolves.toMatchObject({ status: 'accepted' });
    expect(parseEnvelope(queue.sent[0]!.body)?.payload).toEqual({ property: 'value', boolean: true });
  });

  it('twilio form: the envelope payload is the form object', async () => {
    const { envelope } = await accept('twilio', 'MessageSid=SM1&Body=hi+there&To=%2B15005550006', FORM);
    expect(envelope?.payload).toEqual({ MessageSid: 'SM1', Body: 'hi there', To: '+15005550006' });
  });

  it('hmac takes the content types its options list, JSON only by default', async () => {
    await expect(accept('hmac', 'a=1', FORM)).rejects.toMatchObject({
      statusCode: 415,
      code: 'unsupported_content_type',
    });
    const { envelope } = await accept('hmac', 'a=1&b=2', FORM, { options: { contentTypes: [FORM] } });
    expect(envelope?.payload).toEqual({ a: '1', b: '2' });
  });

  it('a content type the scheme does not declare → 415, nothing recorded', async () => {
    const { deps, sources, store, clock } = testDeps([runtimeSource({ id: 'stripe', scheme: 'stripe' })]);
    const request = signedWebhook('stripe', { nowMs: clock(), contentType: FORM });
    await expect(ingest(sources.get('stripe'), request, deps)).rejects.toMatchObject({ statusCode: 415 });
    expect(store.records.size).toBe(0);
  });

  it('application/<x>+json counts as JSON', async () => {
    const { outcome } = await accept('stripe', '{"id":"evt_v","type":"t"}', 'application/vnd.api+json; charset=utf-8');
    expect(outcome).toMatchObject({ status: 'accepted', id: 'evt_v' });
  });
});

describe('formFields()', () => {
  it('keeps a single value as a string and a repeated name as an array of its values, in order', () => {
    expect(formFields('a=1&b=2&a=3&a=1')).toEqual({ a: ['1', '3', '1'], b: '2' });
  });

  it('treats __proto__ as an ordinary field name', () => {
    const fields = formFields('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(fields).toEqual(JSON.parse('{"__proto__":"x","constructor":"y"}'));
  });
});
