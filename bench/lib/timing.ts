/** Interleaved batch timing for in-process micro-benchmarks. */
import { median } from './stats';

export interface Candidate {
  /** Runs one batch. */
  readonly run: () => Promise<void> | void;
  /** Operations per batch: the result is per operation. */
  readonly per: number;
  /** Runs after each batch, outside the timing (e.g. clearing fakes). */
  readonly after?: () => void;
}

/**
 * Runs warm-up rounds, then `rounds` rounds of one batch per candidate in a rotating order, and
 * returns each candidate's median per-operation time in microseconds.
 */
export async function timeBatches(rounds: number, candidates: readonly Candidate[]): Promise<number[]> {
  const samples = candidates.map(() => [] as number[]);
  const warmup = Math.max(10, Math.floor(rounds / 3));
  for (let round = -warmup; round < rounds; round++) {
    for (let i = 0; i < candidates.length; i++) {
      const k = (i + round + warmup) % candidates.length;
      const c = candidates[k]!;
      const t0 = performance.now();
      await c.run();
      const us = ((performance.now() - t0) * 1000) / c.per;
      c.after?.();
      if (round >= 0) samples[k]!.push(us);
    }
  }
  return samples.map(median);
}
