/**
 * The replay job over an in-memory archive: each event published once with `replayId` (even when archived once per
 * attempt), a forged entry refused, a rotated-away secret said clearly and `--trust-archive` publishing anyway, and
 * a run handed over mid-way continued by the next without publishing anything twice.
 */
import { describe, expect, it } from 'vitest';
import { archivedHeaders, sha256Hex } from '../../../lambdas/core/archive/context';
import { writeRows } from '../../../lambdas/core/archive/attempts';
import { encodeBody, type ArchiveRow } from '../../../lambdas/core/archive/record';
import { checkReplayRequest } from '../../../lambdas/core/archive/replay-request';
import { createReplay, runReplay, type ReplayDeps } from '../../../lambdas/core/archive/replay-run';
import { createRouter } from '../../../lambdas/core/inbound/routing';
import { silentLog } from '../../../lambdas/core/kernel/log';
import { MemoryObjectStore } from '../../../local/object-store';
import { MemoryReplayStore } from '../../helpers/replay-store';
import { FakeEventStore, FakeQueue, FakeSecrets, FakeTopic, manualClock } from '../../helpers/fakes';
import { prepared, runtimeSource, SECRET, signedWebhook } from '../../helpers/webhook';

const clock = manualClock(Date.parse('2026-12-07T12:00:00Z'));

function row(id: string, attempt = 1, tamper = false): ArchiveRow {
  const body = JSON.stringify({ id, object: 'event', type: 'invoice.paid', livemode: false });
  const request = signedWebhook('stripe', { body, nowMs: clock() - 3_600_000 });
  const bytes = Buffer.from(tamper ? body.replace('false', 'true') : body);
  return {
    id,
    type: 'invoice.paid',
    received_at: new Date(clock() - 3_600_000).toISOString(),
    attempt,
    status: 'completed',
    content_type: 'application/json',
    url: request.url,
    headers: archivedHeaders(request.headers),
    ...encodeBody(bytes),
    body_sha256: sha256Hex(bytes),
    body_bytes: bytes.byteLength,
    secret_index: 0,
    archived_at: new Date(clock()).toISOString(),
  };
}

async function setup(rows: ArchiveRow[][], secrets: readonly string[] = [SECRET]) {
  const archive = new MemoryObjectStore();
  let n = 0;
  for (const batch of rows) await writeRows('stripe', batch, { store: archive, newId: () => `b${n++}` }, clock() + n);
  const source = runtimeSource();
  const deps: ReplayDeps = {
    archive,
    jobs: new MemoryReplayStore(),
    topic: new FakeTopic(),
    queue: new FakeQueue(),
    records: new FakeEventStore(),
    secrets: new FakeSecrets({ [source.secretId]: secrets }),
    sources: prepared(source),
    router: createRouter([]),
    clock,
    sleep: async () => undefined,
    newId: () => `id${n++}`,
    log: silentLog,
    leaseMs: 60_000,
  };
  const limits = { retentionDays: new Map([['stripe', 90]]), subscriptions: [] };
  const start = async (extra: object = {}) =>
    createReplay(checkReplayRequest({ source: 'stripe', since: '2026-12-07', ...extra }, limits, clock()), deps);
  return { deps, topic: deps.topic as FakeTopic, start };
}

describe('runReplay()', () => {
  it('publishes each archived event once, marked with replayId, even when archived once per attempt', async () => {
    const { deps, topic, start } = await setup([
      [row('evt_1'), row('evt_2')],
      [row('evt_2', 2), row('evt_3')],
    ]);
    const job = await start();
    const done = await runReplay(job.id, 'r1', deps);
    expect(done?.status).toBe('done');
    expect(done?.counts).toMatchObject({ read: 4, matched: 3, published: 3, duplicates: 1, refused: 0 });
    expect(topic.published.map((e) => [e.attributes.eventId, e.attributes.replayId])).toEqual([
      ['evt_1', job.id],
      ['evt_2', job.id],
      ['evt_3', job.id],
    ]);
    expect(JSON.parse(topic.published[0]!.message)).toMatchObject({
      id: 'evt_1',
      source: 'stripe',
      payload: { id: 'evt_1' },
    });
  });

  it('refuses a forged entry (body and hash rewritten): only the signature can tell, and it does', async () => {
    const { deps, topic, start } = await setup([[row('evt_1'), row('evt_2', 1, true)]]);
    const done = await runReplay((await start()).id, 'r1', deps);
    expect(done?.counts).toMatchObject({ published: 1, refused: 1 });
    expect(done?.failures).toEqual([{ id: 'evt_2', reason: 'signature: signature_mismatch' }]);
    expect(topic.published.map((e) => e.attributes.eventId)).toEqual(['evt_1']);
  });

  it('says so when no secret verifies anything any more, and --trust-archive publishes on the archive alone', async () => {
    const rotated = await setup([[row('evt_1'), row('evt_2')]], ['whsec_bmV3LXNlY3JldC1hZnRlci10d28tcm90YXRpb25z']);
    const refused = await runReplay((await rotated.start()).id, 'r1', rotated.deps);
    expect(refused?.counts).toMatchObject({ published: 0, refused: 2 });
    expect(refused?.note).toMatch(/rotated more than once.*--trust-archive/);

    const trusted = await runReplay((await rotated.start({ trustArchive: true })).id, 'r2', rotated.deps);
    expect(trusted?.counts).toMatchObject({ published: 2, refused: 0 });
  });

  it('continues a handed-over job in the next run without publishing anything twice', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => row(`evt_${i}`));
    const { deps, topic, start } = await setup([rows.slice(0, 12), rows.slice(12)]);
    const job = await start();
    let checks = 0;
    const paused = await runReplay(job.id, 'r1', deps, () => ++checks > 11);
    expect(paused?.status).toBe('running');
    clock.advance(61_000); // the first run's lease ends
    const done = await runReplay(job.id, 'r2', deps);
    expect(done?.counts).toMatchObject({ matched: 25, published: 25, duplicates: 0, uncertain: 0 });
    expect(new Set(topic.published.map((e) => e.attributes.eventId)).size).toBe(25);
    expect(topic.published).toHaveLength(25);
  });

  it("redrives a failed event over SQS's 1 MiB as the claim check it came in with, and refuses one it cannot claim-check", async () => {
    const big = (id: string) => {
      const r = row(id);
      const body = JSON.stringify({ id, object: 'event', type: 'invoice.paid', pad: 'x'.repeat(1_200_000) });
      const request = signedWebhook('stripe', { body, nowMs: clock() - 3_600_000 });
      const bytes = Buffer.from(body);
      return {
        ...r,
        headers: archivedHeaders(request.headers),
        ...encodeBody(bytes),
        body_sha256: sha256Hex(bytes),
        body_bytes: bytes.byteLength,
      };
    };
    const checked = big('evt_checked');
    const inline = big('evt_inline');
    const { body: _body, body_encoding: _encoding, ...claimChecked } = checked;
    const { deps, start } = await setup([[{ ...claimChecked, body_ref: 'payloads/evt_checked' }, inline]]);
    await deps.archive.put('payloads/evt_checked', Buffer.from(checked.body!), {
      contentType: 'application/octet-stream',
    });
    const records = deps.records as FakeEventStore;
    for (const id of ['evt_checked', 'evt_inline'])
      records.records.set(`stripe#${id}`, {
        source: 'stripe',
        eventId: id,
        status: 'failed',
        type: 'invoice.paid',
        receivedAt: clock(),
        attempts: 5,
        expiresAt: 0,
      });

    const job = await start({ mode: 'redrive' });
    const done = await runReplay(job.id, 'r1', deps);

    const sent = (deps.queue as FakeQueue).sent;
    expect(sent.map((m) => m.attributes.eventId)).toEqual(['evt_checked']);
    expect(Buffer.byteLength(sent[0]!.body)).toBeLessThan(1024 * 1024);
    expect(JSON.parse(sent[0]!.attributes.archive!)).toMatchObject({
      ref: 'payloads/evt_checked',
      sha: checked.body_sha256,
    });
    expect(done?.failures).toEqual([{ id: 'evt_inline', reason: expect.stringMatching(/too large for the queue/) }]);
  });
});
