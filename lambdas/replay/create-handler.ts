/**
 * The replay function: one Lambda for the three things a replay job needs, told apart by `action`:
 * - `start` (invoked synchronously by an operator: `aws lambda invoke`): checks the request (400 for a bad window,
 *   404 for an unknown source), creates the job and starts a `run` asynchronously; answers `{ statusCode, body }`;
 * - `run` (asynchronous, by itself): works through the job until a minute before its timeout, then invokes itself
 *   again to continue from the checkpoint: a replay of millions of events is a chain of runs, not one 15-minute
 *   invocation (docs/decisions/0020-replay-job.md). A run that dies is retried by Lambda's asynchronous
 *   invocation and takes the job over once its lease ends;
 * - `show`: the job's progress, counts and failures.
 */
import { randomUUID } from 'node:crypto';
import { toHttpResponse, jsonResponse, type HttpResponse } from '../core/kernel/http';
import type { Log } from '../core/kernel/log';
import type { ReplayInput, ReplayLimits } from '../core/archive/replay-request';
import { checkReplayRequest } from '../core/archive/replay-request';
import { createReplay, runReplay, type ReplayDeps } from '../core/archive/replay-run';

export type ReplayEvent =
  | { readonly action: 'start'; readonly request: ReplayInput }
  | { readonly action: 'run'; readonly replayId: string }
  | { readonly action: 'show'; readonly replayId: string };

export interface ReplayHandlerDeps {
  readonly replay: ReplayDeps;
  readonly limits: ReplayLimits;
  /** Invokes this function asynchronously with `event` (Lambda `InvocationType: Event`). */
  readonly continueAsync: (event: ReplayEvent) => Promise<void>;
  readonly log: Log;
}

/** A run hands over when less than this is left of its invocation. */
export const HANDOVER_MS = 60_000;

export function createReplayHandler(deps: ReplayHandlerDeps) {
  return async (
    event: ReplayEvent,
    context: { getRemainingTimeInMillis(): number },
  ): Promise<HttpResponse | undefined> => {
    if (event.action === 'start') {
      try {
        const request = checkReplayRequest(event.request ?? {}, deps.limits, deps.replay.clock());
        const job = await createReplay(request, deps.replay);
        await deps.continueAsync({ action: 'run', replayId: job.id });
        return jsonResponse(202, job);
      } catch (error) {
        return toHttpResponse(error, deps.log);
      }
    }
    if (event.action === 'show') {
      const job = await deps.replay.jobs.get(event.replayId);
      return job
        ? jsonResponse(200, job)
        : jsonResponse(404, { error: 'not_found', message: `No replay ${event.replayId}.` });
    }
    const runner = randomUUID();
    const job = await runReplay(
      event.replayId,
      runner,
      deps.replay,
      () => context.getRemainingTimeInMillis() < HANDOVER_MS,
    );
    if (job?.status === 'running' && job.runner === runner) {
      deps.log.info('replay continues in a new run', { replayId: job.id, cursor: job.cursor });
      await deps.continueAsync({ action: 'run', replayId: job.id });
    }
    return undefined;
  };
}
