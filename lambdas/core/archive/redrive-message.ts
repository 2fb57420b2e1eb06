/**
 * The queue message a redrive sends for an archived event: the envelope as it was queued when it fits SQS, else, for
 * a body the verifier claim-checked (over SQS's 1 MiB, kept in the archive under `body_ref`), the same claim check
 * again (claim-check.ts), which the processor resolves as it did the first time. An event too large for the queue
 * with no such object cannot be redriven: `undefined`.
 */
import { parseEnvelope } from '../inbound/envelope';
import type { QueueMessage } from '../inbound/ports';
import { claimCheckedMessage, fitsQueue } from './claim-check';
import type { ArchiveRow } from './record';

export function redriveMessage(
  row: ArchiveRow,
  envelopeText: string,
  attributes: Readonly<Record<string, string>>,
): QueueMessage | undefined {
  if (fitsQueue(envelopeText, attributes)) return { body: envelopeText, attributes };
  const envelope = parseEnvelope(envelopeText);
  if (row.body_ref === undefined || !envelope) return undefined;
  const { payload: _payload, ...meta } = envelope;
  return claimCheckedMessage(
    meta,
    {
      h: row.headers,
      ...(row.url !== undefined && { u: row.url }),
      s: row.secret_index,
      sha: row.body_sha256,
      n: row.body_bytes,
      ref: row.body_ref,
    },
    attributes,
  );
}
