/**
 * What the verifier counts for one request (the catalog is core/kernel/metrics.ts): accepted, duplicate, or a
 * handshake answered, with the time it took; or refused with a 4xx, by reason (the error's code). A 5xx is not
 * counted here: the API's own 5xx metric counts it, and the log line says why.
 */
import { WebhookError } from '../kernel/errors';
import { TENANT_SOURCES, UNKNOWN_SOURCE, type Metrics } from '../kernel/metrics';
import type { IngestOutcome } from './ingest';
import type { PreparedSource } from './sources';

/** A source's `Source` dimension: a config source's id; one value for every tenant source (never the tenant). */
export function sourceDimension(source: Pick<PreparedSource, 'id' | 'tenant'> | undefined): string {
  if (source === undefined) return UNKNOWN_SOURCE;
  return source.tenant === undefined ? source.id : TENANT_SOURCES;
}

/**
 * Counts a request that was answered 2xx, and notes its event id on the same line: that line is the verifier's
 * record of the event in the logs (the `accepted` log line is DEBUG), so one line, not two, per event.
 */
export function countAnswered(
  metrics: Metrics,
  source: Pick<PreparedSource, 'id' | 'tenant'>,
  outcome: IngestOutcome,
  durationMs: number,
): void {
  const dimensions = { Source: sourceDimension(source) };
  if (outcome.status === 'handshake') metrics.add('handshakes', 1, dimensions);
  else {
    metrics.add(outcome.status === 'accepted' ? 'accepted' : 'duplicates', 1, dimensions);
    metrics.note('eventId', outcome.id);
  }
  metrics.add('verifyDuration', durationMs, dimensions);
}

/** Counts a request refused with a 4xx; `source` is undefined when the path names no source. */
export function countRefused(
  metrics: Metrics,
  source: Pick<PreparedSource, 'id' | 'tenant'> | undefined,
  error: unknown,
): void {
  if (!(error instanceof WebhookError) || error.statusCode >= 500) return;
  metrics.add('rejected', 1, { Source: sourceDimension(source), Reason: error.code });
}
