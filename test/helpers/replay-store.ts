/** ReplayStore in memory, with the DynamoDB adapter's rules (lease, runner, marker positions), for core and handler tests. */
import type { MarkerResult, ReplayJob, ReplayStore } from '../../lambdas/core/archive/ports';

export class MemoryReplayStore implements ReplayStore {
  readonly jobs = new Map<string, ReplayJob>();
  readonly markers = new Map<string, string>();
  async create(job: ReplayJob) {
    this.jobs.set(job.id, job);
  }
  async get(id: string) {
    return this.jobs.get(id);
  }
  async acquire(id: string, runner: string, leaseUntil: number, nowMs: number) {
    const job = this.jobs.get(id);
    if (!job || job.status !== 'running' || (job.runner && job.runner !== runner && (job.leaseUntil ?? 0) >= nowMs))
      return undefined;
    const taken = { ...job, runner, leaseUntil };
    this.jobs.set(id, taken);
    return taken;
  }
  async checkpoint(job: ReplayJob, runner: string) {
    if (this.jobs.get(job.id)?.runner !== runner) return false;
    this.jobs.set(job.id, { ...job, runner });
    return true;
  }
  async mark(replayId: string, source: string, eventId: string, position: string): Promise<MarkerResult> {
    const key = `${replayId}#${source}#${eventId}`;
    const existing = this.markers.get(key);
    if (existing === undefined) {
      this.markers.set(key, position);
      return 'new';
    }
    return existing === position ? 'uncertain' : 'duplicate';
  }
  async running() {
    return [...this.jobs.values()].filter((j) => j.status === 'running').map((j) => j.id);
  }
}
