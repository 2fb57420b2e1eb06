/**
 * The local stack's count of inbound requests per source and minute, by outcome (`accepted`, `duplicate`,
 * `invalid_signature`, …), kept for the last hour in memory, for the operator console's rates and rejections. The
 * deployed stack has these as metrics and logs; locally they come from the API server's request log.
 */
import type { RequestLog } from './api-gateway';

const MINUTE = 60_000;
export const TALLY_MINUTES = 60;

export interface SourceTally {
  /** Requests per minute, oldest first, the last entry the current minute. */
  readonly perMinute: number[];
  /** Requests refused (4xx/5xx) per minute, aligned with `perMinute`. */
  readonly rejectedPerMinute: number[];
  /** Requests of the last hour by outcome. */
  readonly outcomes: Record<string, number>;
}

export class InboundTally {
  /** source → minute (epoch minutes) → outcome → count */
  private readonly counts = new Map<string, Map<number, Map<string, number>>>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Counts a request to `/webhooks/<source>`; other paths are ignored. */
  record(entry: RequestLog): void {
    const m = /^\/webhooks\/([^/]+)$/.exec(entry.path);
    if (!m) return;
    let source: string;
    try {
      source = decodeURIComponent(m[1]!);
    } catch {
      return;
    }
    const minute = Math.floor(this.clock() / MINUTE);
    const outcome = entry.status < 300 ? (entry.outcome ?? 'accepted') : (entry.outcome ?? `http_${entry.status}`);
    const bySource = this.counts.get(source) ?? new Map<number, Map<string, number>>();
    this.counts.set(source, bySource);
    const byOutcome = bySource.get(minute) ?? new Map<string, number>();
    bySource.set(minute, byOutcome);
    const key = entry.status < 300 ? outcome : `rejected:${outcome}`;
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
    for (const old of bySource.keys()) if (old <= minute - TALLY_MINUTES) bySource.delete(old);
  }

  /** The last hour of `source`. */
  tally(source: string): SourceTally {
    const now = Math.floor(this.clock() / MINUTE);
    const perMinute: number[] = [];
    const rejectedPerMinute: number[] = [];
    const outcomes: Record<string, number> = {};
    const bySource = this.counts.get(source);
    for (let minute = now - TALLY_MINUTES + 1; minute <= now; minute++) {
      let all = 0;
      let rejected = 0;
      for (const [key, n] of bySource?.get(minute) ?? []) {
        all += n;
        if (key.startsWith('rejected:')) rejected += n;
        outcomes[key] = (outcomes[key] ?? 0) + n;
      }
      perMinute.push(all);
      rejectedPerMinute.push(rejected);
    }
    return { perMinute, rejectedPerMinute, outcomes };
  }
}
