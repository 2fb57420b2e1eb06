/**
 * `npm start` fault flags (`--fail-rate`, `--slow`): parsing, and what they do to a source's
 * processing: failures are retried and dead-lettered like real ones, and a redrive replays them.
 */
import { describe, expect, it, afterEach } from 'vitest';
import { describeFaults, parseDuration, parseFaultFlags } from '../../local/fault-flags';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

const SOURCES = ['stripe', 'github'];

describe('parseFaultFlags()', () => {
  it('reads SOURCE=RATE and SOURCE=DURATION[@RATE]', () => {
    const faults = parseFaultFlags({ failRate: ['github=0.5'], slow: ['github=2000ms', 'stripe=1.5s@0.25'] }, SOURCES);

    expect(faults.failRate).toEqual(new Map([['github', 0.5]]));
    expect(faults.slow).toEqual(
      new Map([
        ['github', { ms: 2000, rate: 1 }],
        ['stripe', { ms: 1500, rate: 0.25 }],
      ]),
    );
    expect(describeFaults(faults)).toEqual([
      'github: 50% of processing attempts fail; every attempts wait 2000 ms first',
      'stripe: 25% of attempts wait 1500 ms first',
    ]);
  });

  it.each([
    [{ failRate: ['github'] }, /--fail-rate takes SOURCE=VALUE/],
    [{ failRate: ['acme=1'] }, /unknown source "acme" \(local sources: stripe, github\)/],
    [{ failRate: ['github=1.5'] }, /rate must be a number from 0 to 1/],
    [{ failRate: ['github='] }, /rate must be a number from 0 to 1/],
    [{ slow: ['github=soon'] }, /"soon" is not a duration/],
    [{ slow: ['github=2s@2'] }, /rate must be a number from 0 to 1/],
  ])('refuses %j', (flags, message) => {
    expect(() => parseFaultFlags(flags, SOURCES)).toThrow(message);
  });

  it('parseDuration() takes ms, s and bare milliseconds', () => {
    expect([parseDuration('250ms'), parseDuration('2s'), parseDuration('0.5s'), parseDuration('40')]).toEqual([
      250, 2000, 500, 40,
    ]);
  });
});

let t: TestStack | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('a stack with processing faults', () => {
  it('--fail-rate SOURCE=1: every attempt fails, is retried, and the event is dead-lettered with the injected error; other sources are untouched', async () => {
    t = await startTestStack({
      processingFaults: parseFaultFlags({ failRate: ['github=1'] }, SOURCES),
      timing: { visibilityTimeoutMs: 300 },
    });
    const failing = signedRequest(t.stack.url, 'github');
    const fine = signedRequest(t.stack.url, 'stripe');

    expect((await post(failing)).status).toBe(202);
    expect((await post(fine)).status).toBe(202);

    await waitFor('the github event in the DLQ', () => t!.stack.queues.get('github')!.stats().deadLetters === 1);
    expect(await t.stack.getEvent('github', failing.eventId!)).toMatchObject({
      status: 'failed',
      attempts: 5,
      error: 'Error: injected fault (--fail-rate github=1)',
    });
    expect(t.publishedFor(failing.eventId!)).toHaveLength(0);
    await waitFor('the stripe event published', () => t!.publishedFor(fine.eventId!).length === 1);
  });

  it('--fail-rate at a rate fails only the attempts it draws, and the retry publishes once', async () => {
    const draws = [0.1, 0.9];
    t = await startTestStack({
      processingFaults: parseFaultFlags({ failRate: ['github=0.5'] }, SOURCES),
      random: () => draws.shift() ?? 0.9,
      timing: { visibilityTimeoutMs: 300 },
    });
    const request = signedRequest(t.stack.url, 'github');

    expect((await post(request)).status).toBe(202);

    await waitFor(
      'completed',
      async () => (await t!.stack.getEvent('github', request.eventId!))?.status === 'completed',
    );
    expect(await t.stack.getEvent('github', request.eventId!)).toMatchObject({ attempts: 2 });
    await t.stack.idle();
    expect(t.publishedFor(request.eventId!)).toHaveLength(1);
  });

  it('--slow SOURCE=DURATION delays processing by that long', async () => {
    t = await startTestStack({ processingFaults: parseFaultFlags({ slow: ['stripe=300ms'] }, SOURCES) });
    const request = signedRequest(t.stack.url, 'stripe');

    expect((await post(request)).status).toBe(202);

    const record = await waitFor('completed', async () => {
      const r = await t!.stack.getEvent('stripe', request.eventId!);
      return r?.status === 'completed' ? r : undefined;
    });
    expect(record.processedAt! - record.receivedAt).toBeGreaterThanOrEqual(300);
  });
});
