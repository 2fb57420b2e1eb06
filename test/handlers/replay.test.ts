/**
 * The replay function's handler: `start` checks the request (400/404 as a response, not a throw) and starts a run
 * asynchronously; a `run` near its deadline hands the job to a new invocation instead of being cut off at 15 minutes;
 * `show` answers the job.
 */
import { describe, expect, it } from 'vitest';
import { writeRows } from '../../lambdas/core/archive/attempts';
import type { ReplayDeps } from '../../lambdas/core/archive/replay-run';
import { createRouter } from '../../lambdas/core/inbound/routing';
import { silentLog } from '../../lambdas/core/kernel/log';
import { createReplayHandler, HANDOVER_MS, type ReplayEvent } from '../../lambdas/replay/create-handler';
import { MemoryObjectStore } from '../../local/object-store';
import { FakeEventStore, FakeQueue, FakeSecrets, FakeTopic, manualClock } from '../helpers/fakes';
import { MemoryReplayStore } from '../helpers/replay-store';
import { prepared } from '../helpers/webhook';

async function setup() {
  const clock = manualClock(Date.parse('2026-12-07T12:00:00Z'));
  const archive = new MemoryObjectStore();
  const rows = Array.from({ length: 30 }, (_, i) => ({
    id: `evt_${i}`,
    type: 't',
    received_at: '2026-12-07T11:00:00.000Z',
    attempt: 1,
    status: 'completed' as const,
    content_type: 'application/json',
    headers: {},
    body: '{}',
    body_encoding: 'utf8' as const,
    body_sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    body_bytes: 2,
    secret_index: 0,
    archived_at: '2026-12-07T11:00:01.000Z',
  }));
  await writeRows('stripe', rows, { store: archive, newId: () => 'b' }, clock());
  const replay: ReplayDeps = {
    archive,
    jobs: new MemoryReplayStore(),
    topic: new FakeTopic(),
    queue: new FakeQueue(),
    records: new FakeEventStore(),
    secrets: new FakeSecrets({}),
    sources: prepared(),
    router: createRouter([]),
    clock,
    sleep: async () => undefined,
    newId: () => 'abc',
    log: silentLog,
    leaseMs: 60_000,
  };
  const continued: ReplayEvent[] = [];
  const handler = createReplayHandler({
    replay,
    limits: { retentionDays: new Map([['stripe', 90]]), subscriptions: [] },
    continueAsync: async (event) => void continued.push(event),
    log: silentLog,
  });
  return { handler, continued, topic: replay.topic as FakeTopic };
}

describe('replay function', () => {
  it('answers a bad window 400 and an unknown source 404, starting nothing', async () => {
    const { handler, continued } = await setup();
    const ctx = { getRemainingTimeInMillis: () => 900_000 };
    const reversed = await handler(
      { action: 'start', request: { source: 'stripe', since: '2026-12-07', until: '2026-12-06' } },
      ctx,
    );
    expect(reversed).toMatchObject({ statusCode: 400 });
    expect(JSON.parse(reversed!.body).message).toMatch(/reversed/);
    expect(await handler({ action: 'start', request: { source: 'acme', since: '2026-12-07' } }, ctx)).toMatchObject({
      statusCode: 404,
    });
    expect(continued).toEqual([]);
  });

  it('starts a job asynchronously, hands it over near the deadline, and a new run finishes it', async () => {
    const { handler, continued, topic } = await setup();
    const started = await handler(
      { action: 'start', request: { source: 'stripe', since: '2026-12-07', trustArchive: true } },
      { getRemainingTimeInMillis: () => 900_000 },
    );
    expect(started?.statusCode).toBe(202);
    const id = JSON.parse(started!.body).id as string;
    expect(continued).toEqual([{ action: 'run', replayId: id }]);

    // A run with too little time left: some work, then a new invocation to continue.
    let left = HANDOVER_MS + 5;
    await handler(continued[0]!, { getRemainingTimeInMillis: () => left-- });
    expect(continued).toHaveLength(2);
    expect(topic.published.length).toBeLessThan(30);

    await handler(continued[1]!, { getRemainingTimeInMillis: () => 900_000 });
    const shown = await handler({ action: 'show', replayId: id }, { getRemainingTimeInMillis: () => 1 });
    expect(JSON.parse(shown!.body)).toMatchObject({ status: 'done', counts: { published: 30 } });
    expect(new Set(topic.published.map((e) => e.attributes.eventId)).size).toBe(30);
    expect(continued).toHaveLength(2);
  });
});
