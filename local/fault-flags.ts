/**
 * `npm start` fault flags: make a source's processing fail or slow down, so retries, dead letters and
 * `queues redrive` can be seen locally. They act where a real fault would, inside the processor's
 * handler after the claim: a failure marks the record `failed` and the message is retried after the
 * visibility timeout, then dead-lettered after `maxReceiveCount` receives; a delay holds the claim,
 * and one longer than the processor timeout times the invocation out.
 *
 *   --fail-rate github=0.5      half of github's processing attempts fail
 *   --slow github=2s            every github attempt first waits 2 s
 *   --slow github=2000ms@0.25   a quarter of them do
 */
import type { Router } from '../lambdas/core/inbound/routing';

export interface SlowFault {
  readonly ms: number;
  /** Share of attempts delayed, 0–1. */
  readonly rate: number;
}

export interface ProcessingFaults {
  /** Source id → share of processing attempts that fail, 0–1. */
  readonly failRate: ReadonlyMap<string, number>;
  readonly slow: ReadonlyMap<string, SlowFault>;
}

export const NO_FAULTS: ProcessingFaults = { failRate: new Map(), slow: new Map() };

/** `2000ms`, `2s`, `1.5s` or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (e.g. 500ms, 2s)`);
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
}

function parseRate(text: string, flag: string): number {
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new Error(`${flag}: the rate must be a number from 0 to 1, got "${text}"`);
  return rate;
}

function split(entry: string, flag: string, sources: readonly string[]): [string, string] {
  const eq = entry.indexOf('=');
  if (eq <= 0) throw new Error(`${flag} takes SOURCE=VALUE, got "${entry}"`);
  const source = entry.slice(0, eq);
  if (!sources.includes(source))
    throw new Error(`${flag}: unknown source "${source}" (local sources: ${sources.join(', ')})`);
  return [source, entry.slice(eq + 1)];
}

/** Parses the repeatable `--fail-rate SOURCE=RATE` and `--slow SOURCE=DURATION[@RATE]` flags. */
export function parseFaultFlags(
  flags: { failRate?: readonly string[]; slow?: readonly string[] },
  sources: readonly string[],
): ProcessingFaults {
  const failRate = new Map<string, number>();
  for (const entry of flags.failRate ?? []) {
    const [source, value] = split(entry, '--fail-rate', sources);
    failRate.set(source, parseRate(value, '--fail-rate'));
  }
  const slow = new Map<string, SlowFault>();
  for (const entry of flags.slow ?? []) {
    const [source, value] = split(entry, '--slow', sources);
    const [duration = '', rate] = value.split('@');
    try {
      slow.set(source, { ms: parseDuration(duration), rate: rate === undefined ? 1 : parseRate(rate, '--slow') });
    } catch (error) {
      throw new Error(`--slow ${entry}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { failRate, slow };
}

/** One line per source with a fault, for the banner. */
export function describeFaults(faults: ProcessingFaults): string[] {
  const sources = [...new Set([...faults.failRate.keys(), ...faults.slow.keys()])];
  return sources.map((source) => {
    const parts: string[] = [];
    const fail = faults.failRate.get(source);
    const slow = faults.slow.get(source);
    if (fail !== undefined) parts.push(`${Math.round(fail * 100)}% of processing attempts fail`);
    if (slow !== undefined)
      parts.push(
        `${slow.rate === 1 ? 'every' : `${Math.round(slow.rate * 100)}% of`} attempts wait ${slow.ms} ms first`,
      );
    return `${source}: ${parts.join('; ')}`;
  });
}

/** Wraps the processor's router so the configured sources' handlers fail or wait as asked. */
export function withProcessingFaults(
  router: Router,
  faults: ProcessingFaults,
  random: () => number = Math.random,
): Router {
  if (faults.failRate.size === 0 && faults.slow.size === 0) return router;
  return (source, type) => {
    const handle = router(source, type);
    const fail = faults.failRate.get(source);
    const slow = faults.slow.get(source);
    if (fail === undefined && slow === undefined) return handle;
    return async (event, raw) => {
      if (slow !== undefined && random() < slow.rate) await new Promise((resolve) => setTimeout(resolve, slow.ms));
      if (fail !== undefined && random() < fail) throw new Error(`injected fault (--fail-rate ${source}=${fail})`);
      return handle(event, raw);
    };
  };
}
