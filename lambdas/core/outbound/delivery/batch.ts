/**
 * A batch of delivery steps run concurrently (a worker invocation's wake-ups): a step that throws is reported for
 * its delivery only, so the queue retries it and the others are not sent twice.
 */
import type { Log } from '../../kernel/log';
import type { DeliveryJob } from './attempt';

/** Runs `step` over every job of a batch concurrently; a step that throws is reported for its delivery only. */
export async function runBatch<D extends { readonly log: Log }, R extends { readonly deliveryId: string }>(
  jobs: readonly DeliveryJob[],
  deps: D,
  step: (job: DeliveryJob, deps: D) => Promise<R>,
): Promise<{ readonly results: readonly R[]; readonly failed: readonly string[] }> {
  const settled = await Promise.allSettled(jobs.map((job) => step(job, deps)));
  const results: R[] = [];
  const failed: string[] = [];
  settled.forEach((s, i) => {
    const deliveryId = jobs[i]!.delivery.deliveryId;
    if (s.status === 'fulfilled') results.push(s.value);
    else {
      failed.push(deliveryId);
      deps.log.error('delivery step failed; it will be retried', {
        deliveryId,
        messageId: jobs[i]!.delivery.messageId,
        tenantId: jobs[i]!.delivery.tenantId,
        error: errorSummary(s.reason),
      });
    }
  });
  return { results, failed };
}

/**
 * What the log may say about an unexpected error: its name and code, never its message. A message can quote
 * what the step was handling: Node's `JSON.parse` errors quote the text they failed on (a transform parsing the
 * payload), and an SDK or KMS error can echo its input.
 */
export function errorSummary(error: unknown): { readonly name: string; readonly code?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === 'string' && { code }) };
}
