/**
 * Concurrency: many deliveries of the same event at once (a provider retrying while the first
 * attempt is in flight, or several providers' edges) are recorded and published exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from './helpers';

describe('200 concurrent deliveries of the same event', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(['stripe', 'github'])(
    '%s: one 202, the rest 200 duplicate or 409 in flight, none 5xx, exactly one publish',
    async (source) => {
      const first = signedRequest(t.stack.url, source);
      const eventId = first.eventId!;
      // Each delivery is signed on its own, like a provider's retries (same id and body, new signature time).
      const requests = Array.from({ length: 200 }, () => signedRequest(t.stack.url, source, { id: eventId }));

      const answers = await Promise.all(requests.map((r) => post(r)));

      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.every((s) => s === 202 || s === 200 || s === 409)).toBe(true);
      for (const a of answers) expect(a.json.id ?? eventId).toBe(eventId);
      for (const a of answers.filter((x) => x.status === 409)) {
        expect(a.json.error).toBe('event_in_flight');
        expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }

      await waitFor(
        'the event to complete',
        async () => (await t.stack.getEvent(source, eventId))?.status === 'completed',
      );
      await t.stack.idle();
      expect(t.publishedFor(eventId)).toHaveLength(1);
      expect(t.stack.queues.get(source)!.stats().sent).toBe(1);
    },
  );

  it('a redelivery after completion is answered 200 duplicate and not published again', async () => {
    const request = signedRequest(t.stack.url, 'stripe');
    expect((await post(request)).status).toBe(202);
    await waitFor(
      'completion',
      async () => (await t.stack.getEvent('stripe', request.eventId!))?.status === 'completed',
    );

    const again = await post(signedRequest(t.stack.url, 'stripe', { id: request.eventId! }));

    expect(again).toMatchObject({ status: 200, json: { status: 'duplicate', id: request.eventId } });
    await t.stack.idle();
    expect(t.publishedFor(request.eventId!)).toHaveLength(1);
  });
});
