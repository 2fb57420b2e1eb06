/**
 * What the verifier counts for one request (the catalog is core/kernel/metrics.ts): accepted, duplicate, or a
 * handshake answered, with the time it took; or refused with a 4xx, by reason (the error's code). A 5xx is not
 * counted here: the API's own 5xx metric counts it, and the log line says why.
 */
import { WebhookError } from '../kernel/errors';
import { UNKNOWN_SOURCE, type Metrics } from '../kernel/metrics';
import type { IngestOutcome } from './ingest';

/**
 * Counts a request that was answered 2xx, and notes its event id on the same line: that line is the verifier's
 * record of the event in the logs (the `accepted` log line is DEBUG), so one line, not two, per event.
 */
export function countAnswered(metrics: Metrics, sourceId: string, outcome: IngestOutcome, durationMs: number): void {
  const dimensions = { Source: sourceId };
  if (outcome.status === 'handshake') metrics.add('handshakes', 1, dimensions);
  else {
    metrics.add(outcome.status === 'accepted' ? 'accepted' : 'duplicates', 1, dimensions);
    metrics.note('eventId', outcome.id);
  }
  metrics.add('verifyDuration', durationMs, dimensions);
}

/** Counts a request refused with a 4xx; `sourceId` is undefined when the path names no configured source. */
export function countRefused(metrics: Metrics, sourceId: string | undefined, error: unknown): void {
  if (!(error instanceof WebhookError) || error.statusCode >= 500) return;
  metrics.add('rejected', 1, { Source: sourceId ?? UNKNOWN_SOURCE, Reason: error.code });
}
