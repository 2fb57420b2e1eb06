/**
 * Every built-in scheme end to end: a request signed as the provider signs it → 202 → the real
 * processor publishes → the subscriber receives it with source/type/eventId attributes → the record
 * ends `completed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSources } from '../../config/local';
import { schemes } from '../../lambdas/core/signatures/index';
import { parseEnvelope } from '../../lambdas/core/inbound/envelope';
import { SCHEME_FIXTURES } from '../helpers/scheme-fixtures';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from './helpers';

describe('every built-in scheme through the local stack', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('config/local.ts has one sample source for each registered scheme', () => {
    const covered = new Set(localSources.map((s) => s.source.scheme));
    expect([...covered].sort()).toEqual(Object.keys(schemes).sort());
  });

  it.each(localSources.map((s) => [s.source.id, s.source.scheme] as const))(
    '%s (%s): 202 → processed → published with its attributes → completed',
    async (id, scheme) => {
      // The type the sample payload carries, where the verifier reads it.
      const type = SCHEME_FIXTURES[scheme].exampleType;
      const request = signedRequest(t.stack.url, id);
      const answer = await post(request);

      expect(answer.status).toBe(202);
      expect(answer.json.status).toBe('accepted');
      const eventId = answer.json.id!;
      if (request.eventId !== undefined) expect(eventId).toBe(request.eventId);

      const [notification] = await waitFor(`publish of ${id}/${eventId}`, () => {
        const got = t.publishedFor(eventId);
        return got.length > 0 ? got : undefined;
      });
      expect(notification!.attributes).toEqual({ source: id, type, eventId });
      const envelope = parseEnvelope(notification!.message);
      expect(envelope).toMatchObject({ id: eventId, source: id, type });
      // The envelope carries id/type headers, never a signature or a token.
      const secretHeaders = Object.keys(request.headers).filter((h) => /signature|hmac|^x-gitlab-token$/.test(h));
      expect(secretHeaders.length).toBeGreaterThan(0);
      for (const h of secretHeaders) expect(envelope!.headers).not.toHaveProperty(h);

      const record = await waitFor(`${id}/${eventId} completed`, async () => {
        const r = await t.stack.getEvent(id, eventId);
        return r?.status === 'completed' ? r : undefined;
      });
      expect(record).toMatchObject({ source: id, eventId, type, status: 'completed' });
      expect(t.publishedFor(eventId)).toHaveLength(1);
    },
  );
});
