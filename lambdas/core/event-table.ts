/**
 * The events table's shape: one definition used by the CDK construct and by the local stack's
 * embedded DynamoDB, so the two cannot disagree.
 */
export const EVENTS_TABLE = {
  partitionKey: 'pk',
  /** Epoch-seconds attribute DynamoDB TTL uses to expire records after the dedupe window. */
  ttlAttribute: 'expiresAt',
} as const;

/** The record key: `source#eventId`. Source ids cannot contain `#`, so the key is unambiguous. */
export function eventKey(source: string, eventId: string): string {
  return `${source}#${eventId}`;
}
