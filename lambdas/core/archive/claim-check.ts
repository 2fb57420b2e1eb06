/**
 * The queue message of an accepted event, and the claim check: a body too large for an SQS message (1 MiB with the
 * envelope and attributes) is stored in the archive before the request is acknowledged, and the message carries
 * its key instead (`archive.ref`, the envelope's payload `null`); the processor puts it back before any handler
 * sees the event. Content-addressed (`payloads/…/<sha256>`), so a provider's retry writes the same object again.
 */
import { ARCHIVE_CONTEXT_ATTRIBUTE, PAYLOAD_LIMITS } from '../../contract';
import { DependencyUnavailableError, PayloadTooLargeError } from '../kernel/errors';
import type { Envelope } from '../inbound/envelope';
import { serializeEnvelope } from '../inbound/envelope';
import type { QueueMessage } from '../inbound/ports';
import { archiveContext, type ArchiveContext } from './context';
import { dayOf, payloadKey } from './layout';
import type { ObjectStore } from './ports';

/** SQS's (and SNS's) size rule: the body plus each attribute's name, data type and value. */
export function messageBytes(body: string, attributes: Readonly<Record<string, string>>): number {
  let bytes = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes))
    bytes += Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value);
  return bytes;
}

export interface QueueMessageInput {
  readonly meta: Omit<Envelope, 'payload'>;
  readonly payloadJson: string;
  /** Whether `payloadJson` is the body's own text (a JSON body): only such a body can be claim-checked. */
  readonly payloadIsBody: boolean;
  readonly body: Uint8Array;
  readonly requestHeaders: Readonly<Record<string, string | undefined>>;
  readonly secretIndex: number;
  readonly url?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly nowMs: number;
}

/** The message to enqueue: inline when it fits SQS, else with the body claim-checked into `archive`. */
export async function queueMessageFor(
  input: QueueMessageInput,
  archive: ObjectStore | undefined,
): Promise<QueueMessage> {
  const context = {
    headers: input.requestHeaders,
    secretIndex: input.secretIndex,
    body: input.body,
    ...(input.url !== undefined && { url: input.url }),
  };
  const inline = {
    body: serializeEnvelope(input.meta, input.payloadJson),
    attributes: {
      ...input.attributes,
      [ARCHIVE_CONTEXT_ATTRIBUTE]: JSON.stringify(archiveContext({ ...context, payloadIsBody: input.payloadIsBody })),
    },
  };
  if (fitsQueue(inline.body, inline.attributes)) return inline;
  // A form's payload is not its bytes, and without an archive there is nowhere to put the body: the queue's limit holds.
  if (!input.payloadIsBody || !archive) throw new PayloadTooLargeError(PAYLOAD_LIMITS.sqsMessageBytes);
  const withRef = archiveContext({ ...context, payloadIsBody: true, ref: '' });
  const key = payloadKey(input.meta.source, dayOf(input.nowMs), withRef.sha);
  try {
    await archive.put(key, input.body, { contentType: 'application/octet-stream' });
  } catch (cause) {
    throw new DependencyUnavailableError('archive', { cause });
  }
  return claimCheckedMessage(input.meta, { ...withRef, ref: key }, input.attributes);
}

/** Whether a message of this body and these attributes fits in one SQS message. */
export function fitsQueue(body: string, attributes: Readonly<Record<string, string>>): boolean {
  return messageBytes(body, attributes) <= PAYLOAD_LIMITS.sqsMessageBytes;
}

/** The claim-checked message: the envelope's payload `null`, the `archive` attribute naming the body's object. */
export function claimCheckedMessage(
  meta: Omit<Envelope, 'payload'>,
  context: ArchiveContext & { readonly ref: string },
  attributes: Readonly<Record<string, string>>,
): QueueMessage {
  return {
    body: serializeEnvelope(meta, 'null'),
    attributes: { ...attributes, [ARCHIVE_CONTEXT_ATTRIBUTE]: JSON.stringify(context) },
  };
}
