/**
 * The queue message a redrive sends for an archived event: the envelope as it was queued when it fits SQS, else, for
 * a body the verifier claim-checked (over SQS's 1 MiB, kept in the archive under `body_ref`), the same claim check
 * again (the envelope's payload `null`, the `archive` attribute naming the object), which the processor resolves as
 * it did the first time. An event too large for the queue with no such object cannot be redriven: `undefined`.
 */
import { ARCHIVE_CONTEXT_ATTRIBUTE, PAYLOAD_LIMITS } from '../../contract';
import { parseEnvelope, serializeEnvelope } from '../inbound/envelope';
import { messageBytes } from './claim-check';
import type { ArchiveContext } from './context';
import type { ArchiveRow } from './record';

export function redriveMessage(
  row: ArchiveRow,
  envelopeText: string,
  attributes: Readonly<Record<string, string>>,
): { readonly body: string; readonly attributes: Record<string, string> } | undefined {
  if (messageBytes(envelopeText, attributes) <= PAYLOAD_LIMITS.sqsMessageBytes)
    return { body: envelopeText, attributes: { ...attributes } };
  const envelope = parseEnvelope(envelopeText);
  if (row.body_ref === undefined || !envelope) return undefined;
  const { payload: _payload, ...meta } = envelope;
  const context: ArchiveContext = {
    h: row.headers,
    ...(row.url !== undefined && { u: row.url }),
    s: row.secret_index,
    sha: row.body_sha256,
    n: row.body_bytes,
    ref: row.body_ref,
  };
  return {
    body: serializeEnvelope(meta, 'null'),
    attributes: { ...attributes, [ARCHIVE_CONTEXT_ATTRIBUTE]: JSON.stringify(context) },
  };
}
