/**
 * The processor's AWS edge: SQS batch in, partial batch response out (ReportBatchItemFailures),
 * so only the records that failed are retried.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processBatch, type ProcessDeps } from '../core/inbound/process';

export type ProcessorDeps = Omit<ProcessDeps, 'remainingMs'>;

export function createProcessorHandler(deps: ProcessorDeps) {
  return async (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const outcome = await processBatch(
      event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
      { ...deps, remainingMs: () => context.getRemainingTimeInMillis() },
    );
    return { batchItemFailures: outcome.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
