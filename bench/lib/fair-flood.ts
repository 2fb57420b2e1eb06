/**
 * One tenant floods the shared queue while another sends an event every 10 ms: the dwell time (sent → processed) of
 * each tenant's events, through the local queue (fair, as SQS fair queues, or not) and the local event source
 * mapping as the shared processor runs (batches of 10, 5 at once), with `workMs` of work per batch. Read by the
 * fairness test (test/local/fair-queue.test.ts) and `npm run bench:sources`.
 */
import type { SQSEvent } from 'aws-lambda';
import { silentLog } from '../../lambdas/core/kernel/log';
import { SqsEventSource } from '../../local/event-source';
import { SQS_FAIR_QUEUES } from '../../local/fair-queue';
import { LocalQueue } from '../../local/queue';

export interface FloodOptions {
  readonly fair: boolean;
  /** Events the noisy tenant sends at once. @default 3000 */
  readonly flood?: number;
  /** Events the quiet tenant sends, one every 10 ms, while the flood is processed. @default 20 */
  readonly quiet?: number;
  /** Work per batch. @default 10 ms */
  readonly workMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Dwell times in ms, by tenant. */
export async function floodSharedQueue(o: FloodOptions): Promise<{ quiet: number[]; noisy: number[] }> {
  const flood = o.flood ?? 3000;
  const quietCount = o.quiet ?? 20;
  const queue = await LocalQueue.open({
    name: 'webhooks_shared',
    visibilityTimeoutMs: 60_000,
    maxReceiveCount: 5,
    retentionMs: 86_400_000,
    ...(o.fair && { fair: SQS_FAIR_QUEUES }),
  });
  const dwell = { quiet: [] as number[], noisy: [] as number[] };
  const processor = new SqsEventSource({
    queue,
    functionName: 'shared',
    batchSize: 10,
    maxConcurrency: 5,
    batchingWindowMs: 0,
    timeoutMs: 30_000,
    log: silentLog,
    createHandler: () => async (event: SQSEvent) => {
      await sleep(o.workMs ?? 10);
      const now = Date.now();
      for (const r of event.Records) {
        const tenant = r.messageAttributes.tenant?.stringValue === 'quiet' ? 'quiet' : 'noisy';
        dwell[tenant].push(now - Number(r.attributes.SentTimestamp));
      }
      return { batchItemFailures: [] };
    },
  });
  const send = (tenant: string) => queue.sendMessage({ body: '{}', attributes: { tenant }, groupId: tenant });
  for (let i = 0; i < flood; i++) await send('noisy');
  processor.start();
  for (let i = 0; i < quietCount; i++) {
    await send('quiet');
    await sleep(10);
  }
  while (dwell.quiet.length + dwell.noisy.length < flood + quietCount) await sleep(20);
  await processor.stop();
  return dwell;
}
