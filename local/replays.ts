/**
 * Replay jobs in the local stack: the same core as the deployed replay function (lambdas/core/archive/replay-run.ts),
 * run in the background of `npm start`, with jobs and markers in the same events table (dynalite). A stack that
 * stops pauses its jobs at a checkpoint; one that is killed leaves them to its next start, which resumes every job
 * still running from its last checkpoint once the dead run's lease has ended.
 */
import { randomUUID } from 'node:crypto';
import type { ReplayJob } from '../lambdas/core/archive/ports';
import { checkReplayRequest, type ReplayInput, type ReplayLimits } from '../lambdas/core/archive/replay-request';
import { createReplay, runReplay, type ReplayDeps } from '../lambdas/core/archive/replay-run';

export class LocalReplays {
  private stopping = false;
  private readonly runs = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: ReplayDeps,
    private readonly limits: ReplayLimits,
  ) {}

  /** Checks and starts a replay; throws the typed error (400, 404) of a bad request. */
  async start(input: ReplayInput): Promise<ReplayJob> {
    const request = checkReplayRequest(input, this.limits, this.deps.clock());
    const job = await createReplay(request, this.deps);
    this.launch(job.id);
    return job;
  }

  get(id: string): Promise<ReplayJob | undefined> {
    return this.deps.jobs.get(id);
  }

  /** Resumes the jobs a previous run of the stack left running. */
  async resume(): Promise<void> {
    for (const id of await this.deps.jobs.running()) this.launch(id);
  }

  /** Pauses every job at its next checkpoint and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
  }

  private launch(id: string): void {
    const run = this.runUntilDone(id)
      .catch((error: unknown) => this.deps.log.error('replay run failed', { replayId: id, cause: String(error) }))
      .finally(() => this.runs.delete(run));
    this.runs.add(run);
  }

  /** Runs the job; while a dead run's lease holds it, waits for the lease to end. */
  private async runUntilDone(id: string): Promise<void> {
    const runner = randomUUID();
    while (!this.stopping) {
      const job = await runReplay(id, runner, this.deps, () => this.stopping);
      if (!job || job.status !== 'running' || job.runner === runner) return;
      await this.deps.sleep(Math.max(50, Math.min(1000, (job.leaseUntil ?? 0) - this.deps.clock())));
    }
  }
}
