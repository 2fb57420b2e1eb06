/**
 * The record of a recovery or replay run (`endpoints recover`, `messages replay`), readable while it runs and after
 * (`GET /v1/tenants/{tenant}/recoveries/{id}`, `npm run cli -- recoveries show <id>`): what was asked, how far the
 * latest run got, its counts, and whether it is done. Written when a run starts, after each page it reads, and when
 * it ends (or fails); a rerun of the same request has the same id and continues the same record (`runs` counts the
 * runs). A run killed outright (the API function's timeout) stays `done: false` with its `updatedAt` no longer
 * moving: run the same request again to finish it.
 */

/** How far a run has got after a page: counts so far, and the creation time of the last record it read. */
export interface RunProgress {
  /** Deliveries (recover) or messages (replay) read so far. */
  readonly examined: number;
  /** The creation time (epoch ms) of the last record read: the run has covered the window up to here. */
  readonly position?: number;
  /** Deliveries made due (recover) or created (replay) by this run. */
  readonly queued: number;
  /** Deliveries an earlier run of the same request already queued: not sent twice. */
  readonly alreadyQueued: number;
  /** recover: in the window but not sent again (delivered, still pending, declined by a transform). */
  readonly notRecoverable?: number;
  /** replay: messages in the window that matched. */
  readonly matched?: number;
}

/** Called after each page a run reads. */
export type OnProgress = (progress: RunProgress) => Promise<void>;

export interface RecoveryRun extends RunProgress {
  /** `rcv_…` (recover) or `rpl_…` (replay). */
  readonly recoveryId: string;
  readonly kind: 'recover' | 'replay';
  readonly tenantId: string;
  /** recover: the endpoint; replay: the one endpoint it was limited to, if any. */
  readonly endpointId?: string;
  /** The window asked for, epoch ms; without `until` it ends when each run starts. */
  readonly since: number;
  readonly until?: number;
  /** replay: the type pattern. */
  readonly type?: string;
  readonly label?: string;
  /** How many times the request was run (the same request is the same run, resumed). */
  readonly runs: number;
  /** The latest run's start, last progress, and end. */
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number;
  /** The latest run went through the whole window. */
  readonly done: boolean;
  /** The latest run stopped on an error (its name only): run the same request again to finish. */
  readonly error?: string;
}

/** Where run records are kept (the outbound table, with the deliveries' retention). */
export interface RecoveryRunStore {
  putRun(run: RecoveryRun): Promise<void>;
  getRun(tenantId: string, recoveryId: string): Promise<RecoveryRun | undefined>;
}

/** The fields of a run that say what was asked. */
export type RunRequest = Pick<
  RecoveryRun,
  'recoveryId' | 'kind' | 'tenantId' | 'endpointId' | 'since' | 'until' | 'type' | 'label'
>;

/**
 * Records a run from its start to its end: `progress` after each page, `finish` at the end, `fail` on an error.
 * A failure to write the record is logged by the caller's boundary like any store error: the record is a view of
 * the run, and the run itself is what a rerun resumes.
 */
export async function startRun(
  store: RecoveryRunStore,
  request: RunRequest,
  nowMs: number,
  clock: () => number,
): Promise<{
  progress: OnProgress;
  /** The run went through the whole window: its last progress is its result. */
  finish(): Promise<void>;
  fail(error: unknown): Promise<void>;
}> {
  const previous = await store.getRun(request.tenantId, request.recoveryId);
  const base = {
    ...request,
    runs: (previous?.runs ?? 0) + 1,
    startedAt: nowMs,
    examined: 0,
    queued: 0,
    alreadyQueued: 0,
  };
  let latest: RecoveryRun = { ...base, updatedAt: nowMs, done: false };
  const put = async (change: Partial<RecoveryRun>) => {
    latest = { ...latest, ...change, updatedAt: clock() };
    await store.putRun(latest);
  };
  await store.putRun(latest);
  return {
    progress: (p) => put(p),
    finish: () => put({ done: true, finishedAt: clock() }),
    fail: (error) => put({ error: error instanceof Error ? error.name : 'unknown', finishedAt: clock() }),
  };
}
