/**
 * The processor's AWS edge: SQS batch in, partial batch response out (ReportBatchItemFailures),
 * so only the records that failed are retried.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processBatch, type ProcessDeps } from '../core/inbound/process';

/** The record's String message attributes (the only kind the pipeline sends). */
function stringAttributes(attributes: SQSEvent['Records'][number]['messageAttributes'] | undefined) {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes ?? {}))
    if (value.stringValue !== undefined) out[name] = value.stringValue;
  return out;
}

export type ProcessorDeps = Omit<ProcessDeps, 'remainingMs'>;

export function createProcessorHandler(deps: ProcessorDeps) {
  return async (event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const outcome = await processBatch(
      event.Records.map((r) => ({
        messageId: r.messageId,
        body: r.body,
        attributes: stringAttributes(r.messageAttributes),
        receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? 1),
      })),
      { ...deps, remainingMs: () => context.getRemainingTimeInMillis() },
    );
    return { batchItemFailures: outcome.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
