/** The local SQS queue: visibility, receive counts, the DLQ, receipt handles, and durability on disk. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalQueue, LocalQueues, type QueueSettings } from '../../local/queue';

const settings: QueueSettings = {
  name: 'webhooks-test',
  visibilityTimeoutMs: 1000,
  maxReceiveCount: 3,
  retentionMs: 60_000,
};
const msg = (body: string) => ({ body, attributes: { source: 'test', type: 't', eventId: body } });

let now = 1_000_000;
const clock = () => now;
let dir: string;
beforeEach(() => {
  now = 1_000_000;
  dir = mkdtempSync(join(tmpdir(), 'queue-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalQueue', () => {
  it('receive hides a message for the visibility timeout, then delivers it again with a higher receive count', async () => {
    const q = await LocalQueue.open(settings, { clock });
    await q.sendMessage(msg('a'));

    const [first] = await q.receive(10);
    expect(first).toMatchObject({ body: 'a', receiveCount: 1 });
    now += 999;
    expect(await q.receive(10)).toEqual([]);
    now += 1;
    const [again] = await q.receive(10);

    expect(again).toMatchObject({ id: first!.id, receiveCount: 2, firstReceivedAt: first!.firstReceivedAt });
    expect(again!.receiptHandle).not.toBe(first!.receiptHandle);
  });

  it('delete needs the latest receipt handle; an older one deletes nothing', async () => {
    const q = await LocalQueue.open(settings, { clock });
    await q.sendMessage(msg('a'));
    const [first] = await q.receive(1);
    now += 1000;
    const [second] = await q.receive(1);

    expect(await q.delete(first!.receiptHandle)).toBe(false);
    expect(q.stats()).toMatchObject({ inFlight: 1 });
    expect(await q.delete(second!.receiptHandle)).toBe(true);
    expect(q.stats()).toMatchObject({ visible: 0, inFlight: 0, deleted: 1 });
  });

  it('moves a message to the DLQ on the receive after maxReceiveCount', async () => {
    const q = await LocalQueue.open(settings, { clock });
    const dead: string[] = [];
    q.on('dead-letter', (m) => dead.push(m.body));
    await q.sendMessage(msg('poison'));

    for (let i = 1; i <= 3; i++) {
      const [m] = await q.receive(1);
      expect(m?.receiveCount).toBe(i);
      now += 1000;
    }
    expect(await q.receive(1)).toEqual([]);

    expect(dead).toEqual(['poison']);
    expect(q.deadLetters()).toMatchObject([{ body: 'poison', receiveCount: 3 }]);
    expect(q.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 1, deadLettered: 1 });
  });

  it('redrive returns DLQ messages with a fresh receive count', async () => {
    const q = await LocalQueue.open({ ...settings, maxReceiveCount: 1 }, { clock });
    await q.sendMessage(msg('x'));
    await q.receive(1);
    now += 1000;
    await q.receive(1);

    expect(await q.redrive()).toBe(1);
    const [m] = await q.receive(1);
    expect(m).toMatchObject({ body: 'x', receiveCount: 1 });
  });

  it('receives at most the batch size, oldest first', async () => {
    const q = await LocalQueue.open(settings, { clock });
    for (const b of ['1', '2', '3']) await q.sendMessage(msg(b));

    expect((await q.receive(2)).map((m) => m.body)).toEqual(['1', '2']);
    expect((await q.receive(2)).map((m) => m.body)).toEqual(['3']);
  });

  it('drops messages older than the retention period', async () => {
    const q = await LocalQueue.open(settings, { clock });
    await q.sendMessage(msg('old'));
    now += settings.retentionMs;

    expect(await q.receive(10)).toEqual([]);
    expect(q.stats()).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('changeVisibility 0 returns a message at once', async () => {
    const q = await LocalQueue.open(settings, { clock });
    await q.sendMessage(msg('a'));
    const [m] = await q.receive(1);

    expect(await q.changeVisibility(m!.receiptHandle, 0)).toBe(true);
    expect((await q.receive(1)).map((x) => x.receiveCount)).toEqual([2]);
  });

  it('LocalQueues routes by queue URL and rejects an unknown one', async () => {
    const q = await LocalQueue.open(settings, { clock });
    const queues = new LocalQueues([q]);

    await queues.send(q.url, msg('a'));
    await expect(queues.send('http://sqs.local.localhost/000000000000/nope', msg('b'))).rejects.toThrow(
      /NonExistentQueue/,
    );
    expect(q.stats().sent).toBe(1);
  });
});

describe('LocalQueue on disk', () => {
  const path = () => join(dir, 'q.jsonl');

  it('keeps unacknowledged messages, receive counts and in-flight deadlines across a crash', async () => {
    const q1 = await LocalQueue.open(settings, { clock, journalPath: path() });
    for (const b of ['done', 'hidden', 'waiting']) await q1.sendMessage(msg(b));
    const [done] = await q1.receive(2);
    await q1.delete(done!.receiptHandle);
    // No close(): as if the process died here. Everything acknowledged is already on disk.

    const q2 = await LocalQueue.open(settings, { clock, journalPath: path() });

    // `hidden` was received just before the crash: it stays hidden until its visibility timeout ends.
    expect((await q2.receive(10)).map((m) => [m.body, m.receiveCount])).toEqual([['waiting', 1]]);
    now += 1000;
    expect((await q2.receive(10)).map((m) => [m.body, m.receiveCount])).toEqual([
      ['hidden', 2],
      ['waiting', 2],
    ]);
  });

  it('says when the messages in flight at a crash become visible again', async () => {
    const q1 = await LocalQueue.open(settings, { clock, journalPath: path() });
    await q1.sendMessage(msg('a'));
    await q1.receive(1);
    now += 400;
    await q1.sendMessage(msg('b'));
    await q1.receive(1);
    // No close(): the process died with both in flight.

    const q2 = await LocalQueue.open(settings, { clock, journalPath: path() });

    expect(q2.stats()).toMatchObject({
      visible: 0,
      inFlight: 2,
      nextVisibleAt: 1_000_000 + settings.visibilityTimeoutMs,
    });
    now = 1_000_000 + settings.visibilityTimeoutMs;
    await q2.receive(1);
    expect(q2.stats().nextVisibleAt).toBe(1_000_400 + settings.visibilityTimeoutMs);
  });

  it('keeps the DLQ across a restart', async () => {
    const q1 = await LocalQueue.open({ ...settings, maxReceiveCount: 1 }, { clock, journalPath: path() });
    await q1.sendMessage(msg('poison'));
    await q1.receive(1);
    now += 1000;
    await q1.receive(1);
    await q1.close();

    const q2 = await LocalQueue.open({ ...settings, maxReceiveCount: 1 }, { clock, journalPath: path() });

    expect(q2.deadLetters()).toMatchObject([{ body: 'poison', receiveCount: 1 }]);
    expect(await q2.receive(10)).toEqual([]);
  });

  it('restores exactly what was sent and not deleted, and compacts the journal on open', async () => {
    const q1 = await LocalQueue.open(settings, { clock, journalPath: path() });
    for (let i = 0; i < 20; i++) await q1.sendMessage(msg(`m${i}`));
    for (const m of await q1.receive(10)) await q1.delete(m.receiptHandle);
    await q1.close();

    const q2 = await LocalQueue.open(settings, { clock, journalPath: path() });

    expect(readFileSync(path(), 'utf8').trim().split('\n')).toHaveLength(10);
    expect((await q2.receive(100)).map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 10}`));
  });

  it("keeps each message's group across a restart, so a fair queue stays fair after it", async () => {
    const fair = { ...settings, fair: { shareThreshold: 0.1, minInFlight: 2 } };
    const q1 = await LocalQueue.open(fair, { clock, journalPath: path() });
    for (const group of ['noisy', 'noisy', 'noisy', 'noisy', 'quiet'])
      await q1.sendMessage({ ...msg(group), groupId: group });
    await q1.receive(2); // two of noisy's in flight: noisy is now over both thresholds
    await q1.close();

    const q2 = await LocalQueue.open(fair, { clock, journalPath: path() });

    expect((await q2.receive(1)).map((m) => m.body)).toEqual(['quiet']);
  });

  it('ignores a torn last line (a crash in the middle of a write)', async () => {
    const q1 = await LocalQueue.open(settings, { clock, journalPath: path() });
    await q1.sendMessage(msg('kept'));
    appendFileSync(path(), '{"o":"s","q":"m","id":"torn","b":"hal');

    const q2 = await LocalQueue.open(settings, { clock, journalPath: path() });

    expect((await q2.receive(10)).map((m) => m.body)).toEqual(['kept']);
  });

  it('a send is on disk when its promise resolves (concurrent sends share one write)', async () => {
    const q1 = await LocalQueue.open(settings, { clock, journalPath: path() });

    await Promise.all(Array.from({ length: 50 }, (_, i) => q1.sendMessage(msg(`c${i}`))));

    const lines = readFileSync(path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { o: string; b: string });
    expect(
      lines
        .filter((l) => l.o === 's')
        .map((l) => l.b)
        .sort(),
    ).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`).sort());
  });
});

describe('LocalQueue delays (SQS DelaySeconds, for outbound wake-ups)', () => {
  it('a delayed message is not received before its delay ends, then is', async () => {
    const q = await LocalQueue.open(settings, { clock });
    await q.sendMessage(msg('later'), 5_000);

    expect(await q.receive(10)).toEqual([]);
    expect(q.nextVisibleAt()).toBe(now + 5_000);
    now += 5_000;
    expect((await q.receive(10)).map((m) => m.body)).toEqual(['later']);
  });
});
