/**
 * The timing rules the idempotency argument depends on, in one place for the CDK stack, the
 * Lambda handlers and the local stack (which must behave like the deployed one).
 */

/** Verifier timeout; API Gateway HTTP APIs give up after 30 s anyway. */
export const VERIFIER_TIMEOUT_SECONDS = 10;
/** Lease on an in-flight ingestion. Must exceed the verifier timeout, or a live attempt could be taken over. */
export const VERIFIER_LEASE_SECONDS = 30;
/**
 * The queue hides a received message for six processor timeouts: Lambda's guidance for SQS event
 * sources, which leaves room for retries of a throttled invocation before the message reappears.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Extra lease over the processor timeout, so a lease never expires under a still-running attempt. */
export const PROCESSOR_LEASE_MARGIN_SECONDS = 30;
/**
 * A processor starts no publish with less time left than this: a timeout between SNS accepting a
 * publish and the `completed` write would publish the event again on redelivery.
 */
export const PUBLISH_SAFETY_MS = 3000;
