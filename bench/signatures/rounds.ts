/** bench:signatures measurement: batches of every implementation, round-robin, median of per-round means. */
import type { Impl } from './cells';

export const BATCH_MS = 0.25;

// ---------------------------------------------------------------------------------------------
// Timing

export type Clock = 'cpu' | 'wall';

export interface Sample {
  /** Per-call µs of process CPU time (user + system). */
  readonly cpu: number;
  /** Per-call µs of wall-clock time. */
  readonly wall: number;
}

export async function timeBatch(impl: Impl, n: number): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const ok = await impl.run(n);
  const ns = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  if (ok !== n) throw new Error(`${impl.label} verified ${ok} of ${n}: its input is wrong`);
  return { cpu: (c.user + c.system) / n, wall: ns / n / 1000 };
}

/** Batch size for ~BATCH_MS per batch, from the median of a few short batches (one slow batch must not skew it). */
export async function calibrate(impl: Impl): Promise<number> {
  const perCall: number[] = [];
  for (let i = 0; i < 9; i++) perCall.push((await timeBatch(impl, 8)).wall);
  return Math.max(1, Math.round((BATCH_MS * 1000) / median(perCall)));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Measured {
  /** Median per-call µs of each implementation, by the chosen clock. */
  readonly medians: number[];
  /** The same by wall clock. */
  readonly wall: number[];
  readonly rounds: number;
}

/**
 * Every round runs one batch of every implementation of every cell (within a cell, in an order
 * that rotates each round), so a cell's samples are spread over the whole run and a burst of
 * noise — a busy neighbour, a GC of another cell's garbage — lands on every cell and implementation
 * alike, not on whichever cell happened to be measured at the time.
 */
export async function measureAll(
  groups: readonly (readonly Impl[])[],
  budgetMs: number,
  clock: Clock,
): Promise<Measured[]> {
  const sizes: number[][] = [];
  for (const impls of groups) {
    const row: number[] = [];
    for (const impl of impls) row.push(await calibrate(impl));
    sizes.push(row);
  }
  const samples = groups.map((impls) => impls.map(() => [] as Sample[]));
  const started = performance.now();
  const warmupUntil = started + budgetMs * 0.15;
  const until = started + budgetMs;
  for (let round = 0; ; round++) {
    const warm = performance.now() < warmupUntil;
    for (let g = 0; g < groups.length; g++) {
      const impls = groups[g]!;
      for (let i = 0; i < impls.length; i++) {
        const k = (i + round) % impls.length;
        const sample = await timeBatch(impls[k]!, sizes[g]![k]!);
        if (!warm) samples[g]![k]!.push(sample);
      }
    }
    if (!warm && performance.now() >= until && samples[0]![0]!.length >= 15) break;
  }
  return samples.map((group) => ({
    medians: group.map((s) => median(s.map((x) => x[clock]))),
    wall: group.map((s) => median(s.map((x) => x.wall))),
    rounds: group[0]!.length,
  }));
}
