/**
 * The sweeper (decision 0007), run every minute: claims the deliveries of the `due` index that fall due before the
 * next run and sends each a wake-up delayed to its second. A claim moves the delivery's `sweepAt` a lease ahead, so
 * a wake-up lost anywhere (send, queue, worker) is swept again when the lease ends.
 */
import type { Log } from '../core/kernel/log';
import { noMetrics, type Metrics } from '../core/kernel/metrics';
import type { DueIndex, WakeUpQueue } from '../core/outbound/ports';
import { MAX_QUEUE_DELAY_SECONDS, SWEEP_HORIZON_MS } from '../core/outbound/delivery/wake-up';

export interface SweeperDeps {
  readonly due: DueIndex;
  readonly wakeUps: WakeUpQueue;
  readonly now: () => number;
  readonly log: Log;
  /** Receives the age of the oldest claimed delivery every run, 0 when none was late: a heartbeat too. @default none */
  readonly metrics?: Metrics;
  /** Claims per run. @default 1000 */
  readonly limit?: number;
  /** @default SWEEP_HORIZON_MS */
  readonly horizonMs?: number;
}

export function createSweeper(deps: SweeperDeps) {
  return async (): Promise<{ readonly woken: number }> => {
    const now = deps.now();
    const claims = await deps.due.claimDue(now + (deps.horizonMs ?? SWEEP_HORIZON_MS), now, deps.limit ?? 1000);
    (deps.metrics ?? noMetrics).add('oldestDueDeliveryAge', oldestAgeSeconds(claims, now));
    if (claims.length === 0) return { woken: 0 };
    await deps.wakeUps.send(
      claims.map((c) => ({
        tenantId: c.tenantId,
        deliveryId: c.deliveryId,
        delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil((c.nextAttemptAt - now) / 1000))),
      })),
    );
    deps.log.info('sweeper woke deliveries', { count: claims.length });
    return { woken: claims.length };
  };
}

/** How long ago the longest-waiting claimed delivery fell due for the sweep; a claim ahead of its time counts 0. */
export function oldestAgeSeconds(claims: ReadonlyArray<{ readonly dueAt: number }>, now: number): number {
  const oldest = claims.reduce((min, c) => Math.min(min, c.dueAt), now);
  return Math.floor((now - oldest) / 1000);
}
