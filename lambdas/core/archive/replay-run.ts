/**
 * A replay job: reads the source's archive partitions day by day, object by object, proves each event again, runs
 * it through the processor's routes and publishes it with `replayId` (or, for a redrive, sends a failed event back
 * to its queue). Paced, resumable and never publishing twice:
 * - before publishing, each event gets a marker (one conditional write per event and replay): a second row of the
 *   same event (one row per processing attempt) or a row re-read after a crash finds it and is not published again;
 * - progress is checkpointed after every chunk under the run's lease, so a crashed run is resumed from its last
 *   checkpoint by the next run (deployed: the function re-invoking itself; locally: the stack on restart). Rows a
 *   crashed run had marked but not checkpointed are counted `uncertain`: published at most once, maybe not at all.
 * `shouldPause` hands over before a deadline (Lambda's 15 minutes): the caller continues the job in a new run.
 */
import { eventAttributes, REPLAY_ATTRIBUTES } from '../../contract';
import type { Log } from '../kernel/log';
import type { Clock, PublishEntry, Topic } from '../kernel/ports';
import { describe } from '../kernel/http';
import type { Router } from '../inbound/routing';
import { parseEnvelope } from '../inbound/envelope';
import { secretsOf } from '../inbound/sources';
import type { EventStore, Queue, SecretSource } from '../inbound/ports';
import { offloadLarge } from './attempts';
import { daysBetween, partitionPrefix } from './layout';
import {
  ZERO_COUNTS,
  type ObjectStore,
  type ReplayCounts,
  type ReplayCursor,
  type ReplayJob,
  type ReplayStore,
} from './ports';
import { redriveMessage } from './redrive-message';
import { proveRow, type ReplaySource } from './replay-event';
import { typeSelected } from './replay-request';
import { decodeRows, type ArchiveRow } from './record';

export interface ReplayDeps {
  readonly archive: ObjectStore;
  readonly jobs: ReplayStore;
  readonly topic: Topic;
  readonly queue: Queue;
  readonly records: Pick<EventStore, 'get'>;
  readonly secrets: SecretSource;
  readonly sources: ReadonlyMap<string, ReplaySource>;
  readonly router: Router;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly newId: () => string;
  readonly log: Log;
  /** How long a run holds a job between checkpoints. */
  readonly leaseMs: number;
}

/** Events per publish and checkpoint. */
const CHUNK = 10;
const MAX_FAILURES_KEPT = 20;
const MARKER_DAYS = 30;

type Pending = { readonly row: ArchiveRow; readonly envelope: string; readonly position: string };

/** Runs job `id` as `runner` until it is done or `shouldPause()`; returns the job as last saved. */
export async function runReplay(
  id: string,
  runner: string,
  deps: ReplayDeps,
  shouldPause: () => boolean = () => false,
): Promise<ReplayJob | undefined> {
  const acquired = await deps.jobs.acquire(id, runner, deps.clock() + deps.leaseMs, deps.clock());
  if (!acquired) return deps.jobs.get(id);
  let job: ReplayJob = acquired;
  const r = job.request;
  const source = deps.sources.get(r.source);
  if (!source) return save({ status: 'failed', note: `The source ${r.source} no longer exists.` });
  const secrets = r.trustArchive ? [] : await secretsOf(source, deps.secrets, deps.clock());
  const counts: { -readonly [K in keyof ReplayCounts]: number } = { ...job.counts };
  const failures = [...job.failures];
  const fail = (eventId: string, reason: string) => {
    if (failures.length < MAX_FAILURES_KEPT) failures.push({ id: eventId, reason });
  };

  async function save(change: Partial<ReplayJob> = {}): Promise<ReplayJob> {
    const next: ReplayJob = {
      ...job,
      counts,
      failures,
      updatedAt: deps.clock(),
      leaseUntil: deps.clock() + deps.leaseMs,
      ...change,
    };
    if (!(await deps.jobs.checkpoint(next, runner))) throw new Error(`replay ${id} was taken over by another run`);
    job = next;
    return job;
  }

  async function flush(pending: Pending[], cursor: ReplayCursor): Promise<void> {
    if (!r.dryRun && pending.length > 0) await send(pending);
    pending.length = 0;
    await save({ cursor });
    if (r.ratePerSecond > 0) await deps.sleep((CHUNK / r.ratePerSecond) * 1000);
  }

  async function send(pending: Pending[]): Promise<void> {
    if (r.mode === 'redrive') {
      for (const p of pending) {
        const message = redriveMessage(p.row, p.envelope, eventAttributes(r.source, p.row.type, p.row.id));
        if (!message) {
          fail(p.row.id, 'too large for the queue and not in the archive as a claim check: replay it (mode publish)');
          continue;
        }
        await deps.queue.send(source!.queueUrl, {
          ...message,
          ...(source!.messageGroupId !== undefined && { groupId: source!.messageGroupId }),
        });
        counts.published++;
      }
      return;
    }
    const entries: PublishEntry[] = [];
    for (const [i, p] of pending.entries()) {
      const envelope = parseEnvelope(p.envelope)!;
      try {
        const result = await deps.router(r.source, p.row.type)(envelope, p.envelope);
        if (!result.publish) continue;
        entries.push({
          id: String(i),
          message: result.message,
          attributes: {
            ...result.attributes,
            ...eventAttributes(r.source, p.row.type, p.row.id),
            [REPLAY_ATTRIBUTES.replayId]: id,
            ...(r.subscription !== undefined && { [REPLAY_ATTRIBUTES.target]: r.subscription }),
          },
        });
      } catch (cause) {
        fail(p.row.id, `handler failed: ${describe(cause)}`);
      }
    }
    const ready = await offloadLarge(entries, r.source, { store: deps.archive, newId: deps.newId }, deps.clock());
    const failed = ready.length > 0 ? await deps.topic.publishBatch(ready) : new Set<string>();
    for (const entry of ready) {
      if (failed.has(entry.id)) fail(entry.attributes.eventId ?? '?', 'publish failed (marked: not retried)');
      else counts.published++;
    }
  }

  const days = daysBetween(r.sinceMs, r.untilMs);
  for (const day of days.slice(Math.max(0, days.indexOf(job.cursor.day)))) {
    const resume = job.cursor.day === day ? job.cursor : { day, row: 0 };
    const keys = await deps.archive.list(partitionPrefix('events', r.source, day), {
      ...(resume.afterKey !== undefined && { startAfter: resume.afterKey }),
    });
    const pending: Pending[] = [];
    let afterKey = resume.afterKey;
    // Only the first object read after a checkpoint resumes mid-way.
    let first = resume.row;
    for (const key of keys) {
      const object = await deps.archive.get(key);
      const { rows, unreadable } = object ? decodeRows(object) : { rows: [], unreadable: 1 };
      if (first === 0) counts.unreadable += unreadable;
      for (let i = first; i < rows.length; i++) {
        const row = rows[i]!;
        counts.read++;
        const at = Date.parse(row.received_at);
        if (at < r.sinceMs || at >= r.untilMs || !typeSelected(r.types, row.type)) continue;
        const verdict = await consider(row, `${key}#${i}`);
        if (verdict) pending.push(verdict);
        if (pending.length >= CHUNK) await flush(pending, { day, ...(afterKey && { afterKey }), row: i + 1 });
        if (shouldPause()) {
          // Publish what is marked before handing over: a marked event left behind would be lost to this replay.
          await flush(pending, { day, ...(afterKey && { afterKey }), row: i + 1 });
          return save({ leaseUntil: 0 });
        }
      }
      first = 0;
      afterKey = key;
      await flush(pending, { day, afterKey, row: 0 });
    }
    // Handing over releases the lease, so the next run takes the job at once.
    if (shouldPause()) return save({ leaseUntil: 0 });
  }
  const refusedAll = counts.refused > 0 && counts.published === 0 && failures.every((f) => /signature/.test(f.reason));
  return save({
    status: 'done',
    ...(refusedAll &&
      !r.trustArchive && {
        note:
          `None of the ${counts.refused} refused events verified with ${r.source}'s current or previous secret. If the secret ` +
          `was rotated more than once since they were received, nothing can verify them now: replay them on the archive's ` +
          `integrity alone with --trust-archive (docs/archive.md).`,
      }),
  });

  async function consider(row: ArchiveRow, position: string): Promise<Pending | undefined> {
    const proof = await proveRow(row, source!, secrets, r.trustArchive, deps.archive);
    if (!proof.ok) {
      counts.refused++;
      fail(row.id, proof.reason);
      return undefined;
    }
    if (r.mode === 'redrive') {
      const record = await deps.records.get(r.source, row.id);
      if (record?.status !== 'failed') {
        counts.skipped++;
        return undefined;
      }
    }
    if (r.dryRun) {
      counts.matched++;
      return undefined;
    }
    const expiresAt = Math.floor(deps.clock() / 1000) + MARKER_DAYS * 86_400;
    const mark = await deps.jobs.mark(id, r.source, row.id, position, expiresAt);
    if (mark === 'duplicate') counts.duplicates++;
    if (mark === 'uncertain') counts.uncertain++;
    if (mark !== 'new') return undefined;
    counts.matched++;
    return { row, envelope: proof.envelope, position };
  }
}

/** A new job for a checked request, saved and ready to run. */
export async function createReplay(
  request: ReplayJob['request'],
  deps: Pick<ReplayDeps, 'jobs' | 'clock' | 'newId'>,
): Promise<ReplayJob> {
  const now = deps.clock();
  const job: ReplayJob = {
    id: `rpl_${deps.newId().replace(/-/g, '').slice(0, 20)}`,
    request,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    cursor: { day: daysBetween(request.sinceMs, request.untilMs)[0]!, row: 0 },
    counts: ZERO_COUNTS,
    failures: [],
  };
  await deps.jobs.create(job);
  return job;
}
