/**
 * Provider handshakes are answered by the verifier after the signature is checked (Slack, Zoom) or
 * the verify token is compared (Meta), with nothing recorded, queued or published.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerSubscription } from '../../lambdas/core/inbound/handshake';
import { ingest } from '../../lambdas/core/inbound/ingest';
import { FakeSecrets } from '../helpers/fakes';
import { runtimeSource, SECRET, signedWebhook, testDeps, prepared } from '../helpers/webhook';

function stackFor(scheme: 'slack' | 'zoom') {
  return testDeps([runtimeSource({ id: scheme, scheme })]);
}

describe('signed URL checks', () => {
  it('slack url_verification: answers the challenge, records and queues nothing', async () => {
    const { deps, sources, store, queue, clock } = stackFor('slack');
    const body = JSON.stringify({
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });

    const outcome = await ingest(
      sources.get('slack'),
      signedWebhook('slack', { nowMs: clock(), body, contentType: 'application/json' }),
      deps,
    );

    expect(outcome).toEqual({
      status: 'handshake',
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
      },
    });
    expect(store.records.size).toBe(0);
    expect(queue.sent).toHaveLength(0);
  });

  it('slack url_verification with a bad signature is refused (401), not answered', async () => {
    const { deps, sources, clock } = stackFor('slack');
    const body = JSON.stringify({ challenge: 'c', type: 'url_verification' });
    const request = signedWebhook('slack', {
      nowMs: clock(),
      body,
      contentType: 'application/json',
      secret: 'another-secret',
    });
    await expect(ingest(sources.get('slack'), request, deps)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('zoom endpoint.url_validation: answers plainToken and its hex HMAC-SHA256 under the secret token', async () => {
    const { deps, sources, store, queue, clock } = stackFor('zoom');
    // The shape Zoom documents (https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint).
    const body = JSON.stringify({
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1654503849680,
      event: 'endpoint.url_validation',
    });

    const outcome = await ingest(
      sources.get('zoom'),
      signedWebhook('zoom', { nowMs: clock(), body, contentType: 'application/json' }),
      deps,
    );

    const encryptedToken = createHmac('sha256', SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex');
    expect(outcome).toMatchObject({ status: 'handshake', response: { statusCode: 200 } });
    expect(JSON.parse((outcome as { response: { body: string } }).response.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken,
    });
    expect(store.records.size).toBe(0);
    expect(queue.sent).toHaveLength(0);
  });

  it('an ordinary zoom event is recorded as usual', async () => {
    const { deps, sources, queue, clock } = stackFor('zoom');
    const body = JSON.stringify({ event: 'meeting.started', payload: { object: { id: 1 } } });
    await expect(
      ingest(
        sources.get('zoom'),
        signedWebhook('zoom', { nowMs: clock(), body, contentType: 'application/json' }),
        deps,
      ),
    ).resolves.toMatchObject({ status: 'accepted' });
    expect(queue.sent).toHaveLength(1);
  });
});

describe('answerSubscription() (Meta GET check)', () => {
  const meta = runtimeSource({ id: 'meta', scheme: 'meta' });
  const source = prepared(meta).get('meta');
  const secrets = new FakeSecrets({ [meta.secretId]: [SECRET] }, { [meta.secretId]: 'my-verify-token' });
  const query = (o: Record<string, string>) => new URLSearchParams(o).toString();

  it('answers hub.challenge as plain text when the mode and verify token match', async () => {
    const response = await answerSubscription(
      source,
      query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-token', 'hub.challenge': '1158201444' }),
      secrets,
    );
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '1158201444',
    });
  });

  it.each([
    ['a wrong verify token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-tokeN', 'hub.challenge': '1' }],
    [
      'a longer verify token',
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-token-and-more', 'hub.challenge': '1' },
    ],
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'my-verify-token', 'hub.challenge': '1' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': 'my-verify-token' }],
    ['no verify token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
  ])('refuses %s with 403', async (_name, params) => {
    await expect(answerSubscription(source, query(params), secrets)).rejects.toMatchObject({
      statusCode: 403,
      code: 'handshake_refused',
    });
  });

  it('refuses with 403 when the source has no verify token configured', async () => {
    const none = new FakeSecrets({ [meta.secretId]: [SECRET] });
    await expect(
      answerSubscription(
        source,
        query({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }),
        none,
      ),
    ).rejects.toMatchObject({ statusCode: 403 });
  });

  it('answers 404 for a source whose scheme has no GET handshake', async () => {
    const stripe = prepared(runtimeSource({ id: 'stripe' })).get('stripe');
    await expect(answerSubscription(stripe, query({ 'hub.mode': 'subscribe' }), secrets)).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
