/**
 * Every content type and handshake a scheme declares, through the local stack as `npm start` runs
 * it, with the requests `npm run cli -- send <source> --<variant>` sends: each event is accepted,
 * recorded and published exactly once with the right type, id and payload; Slack forms get 200 with
 * an empty body; handshakes are answered with nothing recorded or published; an undeclared content
 * type gets 415.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formFields } from '../../lambdas/core/inbound/body';
import { eventIdFor, parseEnvelope } from '../../lambdas/core/inbound/envelope';
import { localSource, post, signedRequest, startTestStack, waitFor, type TestStack } from './helpers';

const FORM = 'application/x-www-form-urlencoded';

let t: TestStack;
const requestLog: { method: string; path: string; status: number; outcome?: string }[] = [];
beforeAll(async () => {
  t = await startTestStack({ onRequest: (entry) => requestLog.push(entry) });
});
afterAll(async () => {
  await t?.stop();
});

/** Waits for the event's one publish and its `completed` record; returns the envelope. */
async function publishedOnce(source: string, eventId: string) {
  await waitFor(
    `${source}/${eventId} completed`,
    async () => (await t.stack.getEvent(source, eventId))?.status === 'completed',
  );
  await t.stack.idle();
  const notifications = t.publishedFor(eventId);
  expect(notifications).toHaveLength(1);
  return { attributes: notifications[0]!.attributes, envelope: parseEnvelope(notifications[0]!.message)! };
}

const recordsOf = async (source: string) => (await t.stack.listEvents()).filter((r) => r.source === source).length;

describe('content types through the local stack', () => {
  it('github form delivery (send github --form): 202, published once with the JSON of its payload field', async () => {
    const request = signedRequest(t.stack.url, 'github', { variant: 'form' });
    expect(request.headers['content-type']).toBe(FORM);
    expect(request.body.toString().startsWith('payload=%7B')).toBe(true);

    const answer = await post(request);

    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ status: 'accepted', id: request.eventId });
    const { attributes, envelope } = await publishedOnce('github', request.eventId!);
    expect(attributes).toEqual({ source: 'github', type: 'push', eventId: request.eventId });
    expect(envelope.payload).toEqual(JSON.parse(readFileSync('examples/github.json', 'utf8')));
  });

  it('slack slash command (send slack --slash-command): 200 with an empty body; type the command, id the trigger_id, payload the form', async () => {
    const request = signedRequest(t.stack.url, 'slack', { variant: 'slash-command' });
    const fields = formFields(request.body.toString());

    const answer = await post(request);

    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(request.eventId).toBe(fields.trigger_id);
    const { attributes, envelope } = await publishedOnce('slack', request.eventId!);
    expect(attributes).toEqual({ source: 'slack', type: '/deploy', eventId: fields.trigger_id });
    expect(envelope.payload).toEqual(fields);
    expect(envelope.payload).toMatchObject({ command: '/deploy', text: 'staging' });
  });

  it('a redelivered slash command gets the same empty 200 and is not published again', async () => {
    const request = signedRequest(t.stack.url, 'slack', { variant: 'slash-command' });
    const first = await post(request);
    await publishedOnce('slack', request.eventId!);

    const again = await post(request);

    expect([first.status, first.text, again.status, again.text]).toEqual([200, '', 200, '']);
    await t.stack.idle();
    expect(t.publishedFor(request.eventId!)).toHaveLength(1);
  });

  it('the request log (npm start\'s console) names an empty 200 "acknowledged"', async () => {
    await post(signedRequest(t.stack.url, 'slack', { variant: 'slash-command' }));
    expect(requestLog.at(-1)).toMatchObject({
      method: 'POST',
      path: '/webhooks/slack',
      status: 200,
      outcome: 'acknowledged',
    });
  });

  it("slack interaction (send slack --interaction): 200 with an empty body; type and id from the payload field's JSON", async () => {
    const request = signedRequest(t.stack.url, 'slack', { variant: 'interaction' });
    const interaction = JSON.parse(formFields(request.body.toString()).payload as string) as {
      type: string;
      trigger_id: string;
    };

    const answer = await post(request);

    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(request.eventId).toBe(interaction.trigger_id);
    const { attributes, envelope } = await publishedOnce('slack', interaction.trigger_id);
    expect(attributes).toEqual({ source: 'slack', type: 'block_actions', eventId: interaction.trigger_id });
    expect(envelope.payload).toEqual(interaction);
  });

  it('twilio JSON (send twilio --json-body): bodySHA256 in the URL, 202, published once with the JSON', async () => {
    const request = signedRequest(t.stack.url, 'twilio', { variant: 'json-body' });
    expect(new URL(request.url).searchParams.get('bodySHA256')).toMatch(/^[0-9a-f]{64}$/);

    const answer = await post(request);

    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ status: 'accepted', id: request.eventId });
    const { attributes, envelope } = await publishedOnce('twilio', request.eventId!);
    expect(attributes).toEqual({ source: 'twilio', type: 'delivered', eventId: request.eventId });
    expect(envelope.payload).toEqual(JSON.parse(readFileSync('examples/twilio.json', 'utf8')));
  });

  it('twilio JSON whose body does not match bodySHA256 → 401, nothing recorded', async () => {
    const request = signedRequest(t.stack.url, 'twilio', { variant: 'json-body' });
    const before = await recordsOf('twilio');

    const answer = await post({
      ...request,
      body: Buffer.from(request.body.toString().replace('delivered', 'failed')),
    });

    expect(answer.status).toBe(401);
    expect(await recordsOf('twilio')).toBe(before);
  });

  it('a content type the scheme does not declare → 415, nothing recorded', async () => {
    const request = signedRequest(t.stack.url, 'stripe');

    const answer = await post({ ...request, headers: { ...request.headers, 'content-type': FORM } });

    expect(answer.status).toBe(415);
    expect(answer.json.error).toBe('unsupported_content_type');
    expect(await t.stack.getEvent('stripe', request.eventId!)).toBeUndefined();
  });
});

describe('handshakes through the local stack', () => {
  it('slack url_verification (send slack --url-verification): the challenge is echoed; nothing recorded or published', async () => {
    const request = signedRequest(t.stack.url, 'slack', { variant: 'url-verification' });
    const { challenge } = JSON.parse(request.body.toString()) as { challenge: string };
    const [records, published] = [await recordsOf('slack'), t.published.length];

    const answer = await post(request);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ challenge });
    await t.stack.idle();
    expect(await recordsOf('slack')).toBe(records);
    expect(await t.stack.getEvent('slack', eventIdFor('slack', undefined, request.body))).toBeUndefined();
    expect(t.published.length).toBe(published);
  });

  it('slack url_verification with a wrong signature → 401, not answered', async () => {
    const request = signedRequest(t.stack.url, 'slack', {
      variant: 'url-verification',
      secret: '0123456789abcdef0123456789abcdef',
    });
    const answer = await post(request);
    expect(answer.status).toBe(401);
    expect(answer.text).not.toMatch(/challenge/);
  });

  it('zoom endpoint.url_validation (send zoom --url-validation): plainToken and its HMAC under the secret token; nothing recorded or published', async () => {
    const request = signedRequest(t.stack.url, 'zoom', { variant: 'url-validation' });
    const { plainToken } = (JSON.parse(request.body.toString()) as { payload: { plainToken: string } }).payload;
    const [records, published] = [await recordsOf('zoom'), t.published.length];

    const answer = await post(request);

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      plainToken,
      encryptedToken: createHmac('sha256', localSource('zoom').secret).update(plainToken).digest('hex'),
    });
    await t.stack.idle();
    expect(await recordsOf('zoom')).toBe(records);
    expect(t.published.length).toBe(published);
  });

  const subscribe = (source: string, token: string) =>
    fetch(
      `${t.stack.url}/webhooks/${source}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' })}`,
    );

  it('meta GET with the verify token: 200, the challenge as plain text', async () => {
    const response = await subscribe('meta', localSource('meta').verifyToken!);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('1158201444');
    expect(requestLog.at(-1)).toMatchObject({
      method: 'GET',
      path: '/webhooks/meta',
      status: 200,
      outcome: 'handshake',
    });
  });

  it('meta GET with a wrong verify token → 403', async () => {
    const response = await subscribe('meta', `${localSource('meta').verifyToken!}x`);

    expect(response.status).toBe(403);
    expect(await response.text()).not.toMatch(/1158201444/);
  });

  it.each(['stripe', 'slack', 'nope'])('GET on %s (no GET check) → 404', async (source) => {
    const response = await subscribe(source, localSource('meta').verifyToken!);
    expect(response.status).toBe(404);
  });
});
