/**
 * The shared pipeline's fairness, in the local tier: one tenant floods the shared queue and another tenant's events
 * are still processed promptly, because the queue models SQS fair queues (local/fair-queue.ts) the way the
 * deployed queue behaves once the verifier sets a MessageGroupId per tenant. Measured with the local event source
 * mapping as the shared processor runs (batches of 10, 5 at once) and 10 ms of work per batch; the same flood on a
 * queue without fairness shows what the bound protects against (bench/lib/fair-flood.ts; `npm run bench:sources`
 * reports the same measure).
 */
import { describe, expect, it } from 'vitest';
import { floodSharedQueue } from '../../bench/lib/fair-flood';
import { pickFair, SQS_FAIR_QUEUES } from '../../local/fair-queue';
import type { StoredMessage } from '../../local/queue';

/** The quiet tenant's p99 dwell time (sent → processed) must stay under this while the other floods. */
const QUIET_P99_BOUND_MS = 200;
const FLOOD = 3000;
const QUIET = 20;

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1]!;
const flood = (fair: boolean) => floodSharedQueue({ fair, flood: FLOOD, quiet: QUIET, workMs: 10 });

describe('the shared pipeline under a flood', () => {
  it(`processes a quiet tenant's events within ${QUIET_P99_BOUND_MS} ms (p99) while another floods ${FLOOD} events, and still processes every flooded one`, async () => {
    const { quiet, noisy } = await flood(true);

    expect(p99(quiet)).toBeLessThanOrEqual(QUIET_P99_BOUND_MS);
    expect(noisy).toHaveLength(FLOOD);
  }, 30_000);

  it('without fairness, the same flood holds the quiet tenant behind it (the bound above would fail)', async () => {
    const { quiet } = await flood(false);

    expect(p99(quiet)).toBeGreaterThan(QUIET_P99_BOUND_MS);
  }, 30_000);
});

describe('pickFair()', () => {
  let n = 0;
  const message = (groupId?: string): StoredMessage => ({
    id: `m${n++}`,
    body: '{}',
    attributes: {},
    ...(groupId !== undefined && { groupId }),
    md5OfBody: '',
    sentAt: 0,
    receiveCount: 0,
    firstReceivedAt: undefined,
    visibleAt: 0,
    receiptHandle: undefined,
  });
  const groups = (picked: StoredMessage[]) => picked.map((m) => m.groupId ?? '-');

  it('hands out oldest first while no tenant is noisy', () => {
    const visible = [message('a'), message('b'), message('a'), message()];
    expect(groups(pickFair(visible, new Map([['a', 10]]), 4, SQS_FAIR_QUEUES))).toEqual(['a', 'b', 'a', '-']);
  });

  it('passes over a noisy tenant (over 10 % and at least 30 in flight) while a quiet one waits, then serves it', () => {
    const visible = [message('a'), message('a'), message('b'), message('a')];
    const picked = pickFair(
      visible,
      new Map([
        ['a', 30],
        ['b', 1],
      ]),
      3,
      SQS_FAIR_QUEUES,
    );
    expect(groups(picked)).toEqual(['b', 'a', 'a']);
  });

  it('serves the noisy tenant with the fewest in flight first when only noisy tenants wait', () => {
    const visible = [message('a'), message('b')];
    const picked = pickFair(
      visible,
      new Map([
        ['a', 60],
        ['b', 40],
      ]),
      2,
      SQS_FAIR_QUEUES,
    );
    expect(groups(picked)).toEqual(['b', 'a']);
  });

  it('does not call 30 in flight noisy when they are 10 % or less of the queue’s', () => {
    const visible = [message('a'), message('b')];
    const inFlight = new Map([
      ['a', 30],
      ['b', 270],
    ]);
    expect(groups(pickFair(visible, inFlight, 2, SQS_FAIR_QUEUES))).toEqual(['a', 'b']);
  });
});
