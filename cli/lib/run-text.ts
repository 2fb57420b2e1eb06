/**
 * What `endpoints recover`, `messages replay` and `recoveries show` print about a run: what it queued, what an
 * earlier run of the same request had already queued (a rerun sends nothing twice), and how to run it again on
 * purpose (`--label`).
 */
import type { RecoveryResult } from '../../lambdas/core/outbound/recovery/recover';
import type { ReplayResult } from '../../lambdas/core/outbound/recovery/replay';
import type { RecoveryRun } from '../../lambdas/core/outbound/recovery/runs';
import { time } from './outbound-api';
import { terminalSafe } from './output';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The lines after a run: what it queued, then (when a rerun found work already done) how to run it again. */
export function runLines(
  r:
    | (RecoveryResult & { readonly kind: 'recover'; readonly endpointId: string })
    | (ReplayResult & { readonly kind: 'replay' }),
  tenant: string,
): string[] {
  const id = r.kind === 'recover' ? r.recoveryId : r.replayId;
  const what = r.kind === 'recover' ? 'recovery' : 'replay';
  const first =
    r.kind === 'recover'
      ? `queued ${plural(r.queued, 'delivery', 'deliveries')} of ${r.endpointId} to be sent again (${r.notRecoverable} more in the window not recoverable)  recovery ${id}`
      : `queued ${plural(r.queued, 'delivery', 'deliveries')} for ${r.matched} matching ${r.matched === 1 ? 'message' : 'messages'}  replay ${id}`;
  if (r.alreadyQueued === 0) return [first];
  return [
    first,
    `${plural(r.alreadyQueued, 'delivery was', 'deliveries were')} already queued by an earlier run of this ${what} (the same ` +
      `request is the same run, and sends nothing twice): see it with \`recoveries show ${id} --tenant ${terminalSafe(tenant)}\`. ` +
      'To send them again, run the command again with --label and a name not used before (e.g. --label again-2).',
  ];
}

/** `recoveries show`: the run as lines. */
export function runRecordLines(run: RecoveryRun): string[] {
  const window = `${time(run.since)} to ${run.until === undefined ? "the run's start" : time(run.until)}`;
  const scope =
    run.kind === 'recover'
      ? `recover endpoint ${run.endpointId ?? '-'}`
      : `replay${run.type ? ` of type ${run.type}` : ''}${run.endpointId ? ` to endpoint ${run.endpointId}` : ''}`;
  const state = run.done
    ? `done at ${time(run.finishedAt)}`
    : run.error
      ? `stopped at ${time(run.finishedAt)} (${run.error}): run the same command again to finish`
      : `running (last progress ${time(run.updatedAt)})`;
  const counts =
    `examined ${run.examined}, queued ${run.queued}, already queued ${run.alreadyQueued}` +
    (run.kind === 'recover'
      ? `, not recoverable ${run.notRecoverable ?? 0}`
      : `, matching messages ${run.matched ?? 0}`);
  return [
    terminalSafe(`${run.recoveryId}  ${scope}  window ${window}${run.label ? `  label ${run.label}` : ''}`),
    `  ${state}; run ${run.runs} time${run.runs === 1 ? '' : 's'}, latest started ${time(run.startedAt)}`,
    `  ${counts}${run.position === undefined ? '' : `; reached records created at ${time(run.position)}`}`,
  ];
}
