/**
 * Message intake from SQS, for producers already on AWS, and the relay of the stack's own topic (an SQS
 * subscription with raw message delivery): each record becomes zero or more outbound messages, accepted through
 * the same `submitMessage` as the HTTP API. A record that cannot be accepted (missing attributes, invalid, or an
 * id reused with another payload) is reported as failed rather than dropped, so after the queue's receive limit it
 * lands in the dead-letter queue, whose alarm makes it visible.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EXTENDED_PAYLOAD_SIZE_ATTRIBUTE } from '../contract';
import { WebhookError } from '../core/kernel/errors';
import { MAX_PAYLOAD_BYTES, type MessageInput } from '../core/outbound/intake/accept';
import { relayMessages, type RelayRule } from '../core/outbound/intake/relay';
import { submitMessage, type SubmitDeps } from '../core/outbound/intake/submit';

/** The messages a record asks for, or a reason it asks for none it could. */
export type RecordMessages = (record: SQSRecord) => MessageInput[] | { readonly invalid: string };

const attribute = (record: SQSRecord, name: string) => record.messageAttributes?.[name]?.stringValue;

/** The intake queue: attributes `tenant` and `type` (required) and `id` (the idempotency key; else the SQS message id). */
export const intakeRecord: RecordMessages = (record) => {
  const tenantId = attribute(record, 'tenant');
  const type = attribute(record, 'type');
  if (!tenantId || !type) return { invalid: 'the message attributes tenant and type are required' };
  return [{ tenantId, type, id: attribute(record, 'id') ?? record.messageId, payload: record.body }];
};

/**
 * The relay queue: events from the stack's topic (raw delivery keeps `source`, `type`, `eventId`, `tenant` as
 * attributes). An event over SNS's 256 KiB reaches the topic as an extended-client pointer (`ExtendedPayloadSize`
 * says its size): it is larger than an outbound payload may be, so it is refused (to the dead-letter queue, with
 * its alarm) rather than relayed as the pointer's text, which is not the event.
 */
export function relayRecord(rules: readonly RelayRule[]): RecordMessages {
  return (record) => {
    const source = attribute(record, 'source');
    const type = attribute(record, 'type');
    const eventId = attribute(record, 'eventId');
    if (!source || !type || !eventId)
      return { invalid: 'the message attributes source, type and eventId are required' };
    // A Number attribute reaches SQS as { dataType: 'Number', stringValue }.
    const extendedSize = attribute(record, EXTENDED_PAYLOAD_SIZE_ATTRIBUTE);
    if (extendedSize !== undefined)
      return {
        invalid: `the event is ${extendedSize} bytes, over the ${MAX_PAYLOAD_BYTES} bytes an outbound payload may be: not relayed`,
      };
    return relayMessages({ source, type, eventId, tenant: attribute(record, 'tenant'), message: record.body }, rules);
  };
}

export function createQueueIntakeHandler(deps: SubmitDeps, toMessages: RecordMessages) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed: string[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const messages = toMessages(record);
        if (!Array.isArray(messages)) {
          deps.log.error('intake record refused; it will reach the dead-letter queue', {
            messageId: record.messageId,
            reason: messages.invalid,
          });
          failed.push(record.messageId);
          return;
        }
        try {
          for (const input of messages) await submitMessage(input, deps);
        } catch (error) {
          const refused = error instanceof WebhookError && error.statusCode < 500;
          deps.log.error(
            refused
              ? 'intake record refused; it will reach the dead-letter queue'
              : 'intake failed; it will be retried',
            {
              messageId: record.messageId,
              cause: error instanceof WebhookError ? error.code : error instanceof Error ? error.name : 'unknown',
            },
          );
          failed.push(record.messageId);
        }
      }),
    );
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
