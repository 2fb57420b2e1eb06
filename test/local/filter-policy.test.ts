/** SNS filter policies on String message attributes, as the local topic applies them. */
import { describe, expect, it } from 'vitest';
import { checkFilterPolicy, matchesFilterPolicy, type FilterPolicy } from '../../local/filter-policy';
import { LocalTopic } from '../../local/topic';
import { collectingSubscriber } from '../../local/subscribers';

const attrs = { source: 'stripe', type: 'invoice.paid', eventId: 'evt_1', tier: 'billing' };

describe('matchesFilterPolicy', () => {
  it.each<[string, FilterPolicy | undefined, boolean]>([
    ['no policy passes everything', undefined, true],
    ['exact value in the list', { source: ['github', 'stripe'] }, true],
    ['exact value not in the list', { source: ['github'] }, false],
    ['a bare value works like a one-item list', { source: 'stripe' }, true],
    ['prefix', { type: [{ prefix: 'invoice.' }] }, true],
    ['prefix that does not match', { type: [{ prefix: 'charge.' }] }, false],
    ['suffix', { type: [{ suffix: '.paid' }] }, true],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'STRIPE' }] }, true],
    ['anything-but a list', { source: [{ 'anything-but': ['github', 'shopify'] }] }, true],
    ['anything-but the value itself', { source: [{ 'anything-but': ['stripe'] }] }, false],
    ['anything-but a prefix', { type: [{ 'anything-but': { prefix: 'invoice.' } }] }, false],
    ['anything-but does not match an absent attribute', { missing: [{ 'anything-but': ['x'] }] }, false],
    ['exists true', { tier: [{ exists: true }] }, true],
    ['exists false on an absent attribute', { missing: [{ exists: false }] }, true],
    ['exists false on a present attribute', { tier: [{ exists: false }] }, false],
    ['keys are ANDed', { source: ['stripe'], type: [{ prefix: 'charge.' }] }, false],
    ['values are ORed', { type: [{ prefix: 'charge.' }, 'invoice.paid'] }, true],
    ['$or of two policies', { $or: [{ source: ['github'] }, { type: [{ prefix: 'invoice.' }] }] }, true],
    ['$or with no match', { $or: [{ source: ['github'] }, { tier: ['ops'] }] }, false],
    ['a number never matches a String attribute', { eventId: [1] }, false],
    ['numeric never matches a String attribute', { tier: [{ numeric: ['>', 0] }] }, false],
  ])('%s', (_name, policy, expected) => {
    expect(matchesFilterPolicy(policy, attrs)).toBe(expected);
  });
});

describe('checkFilterPolicy', () => {
  it('rejects an operator SNS does not have', () => {
    expect(() => checkFilterPolicy({ type: [{ regex: '.*' } as never] })).toThrow(/unsupported operator/);
  });

  it('rejects a one-branch $or', () => {
    expect(() => checkFilterPolicy({ $or: [{ source: ['x'] }] })).toThrow(/\$or/);
  });
});

describe('LocalTopic', () => {
  it('delivers each message only to the subscribers whose filter policy admits it', async () => {
    const all = collectingSubscriber();
    const invoices = collectingSubscriber({ type: [{ prefix: 'invoice.' }] });
    const topic = new LocalTopic([all, invoices]);

    const failed = await topic.publishBatch([
      { id: '1', message: 'a', attributes: { source: 'stripe', type: 'invoice.paid', eventId: 'e1' } },
      { id: '2', message: 'b', attributes: { source: 'stripe', type: 'charge.refunded', eventId: 'e2' } },
    ]);
    await topic.drain();

    expect(failed.size).toBe(0);
    expect(all.received.map((n) => n.message)).toEqual(['a', 'b']);
    expect(invoices.received.map((n) => n.message)).toEqual(['a']);
  });

  it('keeps PublishBatch limits: at most 10 entries, distinct ids, 256 KiB a call', async () => {
    const topic = new LocalTopic();
    const entry = (id: string, message = 'm') => ({ id, message, attributes: {} });

    await expect(topic.publishBatch(Array.from({ length: 11 }, (_, i) => entry(String(i))))).rejects.toThrow(
      /TooManyEntries/,
    );
    await expect(topic.publishBatch([entry('x'), entry('x')])).rejects.toThrow(/NotDistinct/);
    await expect(
      topic.publishBatch([entry('a', 'x'.repeat(200 * 1024)), entry('b', 'x'.repeat(100 * 1024))]),
    ).rejects.toThrow(/BatchRequestTooLong/);
  });

  it('a failing subscriber does not fail the publish', async () => {
    const topic = new LocalTopic([{ name: 'broken', deliver: () => Promise.reject(new Error('down')) }]);

    expect((await topic.publishBatch([{ id: '1', message: 'a', attributes: {} }])).size).toBe(0);
    await topic.drain();
  });
});
