/** Counting requests in time windows: the rate-limit rule of decision 0009 checked on observed times. */

export interface Limit {
  readonly perSecond: number;
  readonly burst: number;
}

/** The most of `times` (ms) that fall in any window [t, t + windowMs). */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + windowMs) end++;
    peak = Math.max(peak, end - start);
  }
  return peak;
}

/**
 * Every pair of observed times (ms) between which more requests arrived than `burst + perSecond × t` allows,
 * t being the time between the first and the last of them plus `allowanceMs` (clock resolution). The worst
 * window always starts and ends on a request, so checking every pair checks every window.
 */
export function rateViolations(
  times: readonly number[],
  limit: Limit,
  allowanceMs = 0,
): Array<{ readonly from: number; readonly to: number; readonly count: number; readonly allowed: number }> {
  const sorted = [...times].sort((a, b) => a - b);
  const found = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const count = j - i + 1;
      const allowed = limit.burst + (limit.perSecond * (sorted[j]! - sorted[i]! + allowanceMs)) / 1000;
      if (count > allowed) found.push({ from: sorted[i]!, to: sorted[j]!, count, allowed });
    }
  }
  return found;
}
