/**
 * The processor's AWS edge: SQS batch in, partial batch response out (ReportBatchItemFailures),
 * so only the records that failed are retried.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { noMetrics } from '../core/kernel/metrics';
import { processBatch, type ProcessDeps } from '../core/inbound/process';

export type ProcessorDeps = Omit<ProcessDeps, 'remainingMs'>;

export function createProcessorHandler(deps: ProcessorDeps) {
  return async (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const metrics = deps.metrics ?? noMetrics;
    try {
      // A message SQS hands over again: an earlier attempt failed, timed out or was cut short.
      const retries = event.Records.filter((r) => Number(r.attributes?.ApproximateReceiveCount ?? 1) > 1).length;
      if (retries > 0) metrics.add('processingRetries', retries, { Source: deps.sourceId });
      const outcome = await processBatch(
        event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
        { ...deps, remainingMs: () => context.getRemainingTimeInMillis() },
      );
      return { batchItemFailures: outcome.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
    } finally {
      metrics.flush();
    }
  };
}
